// Editing the `backups:` section from the UI: one job validated with field paths relative to the job
// (for inline form errors), including the schedule (a cron expression) and the name being free.
import { backupJobSchema, backupSourceSchema, databaseSourceSchema, type BackupJob } from './job-schema.js';
import { formatPath, type FieldIssue } from '../api/errors.js';
import { humanIssueMessage, nearest } from '../config/messages.js';
import { nameKey } from '../config/fields.js';
import { scheduleProblem } from './schedule.js';

export type JobValidation = { ok: true; value: BackupJob; issues: [] } | { ok: false; issues: FieldIssue[] };

/**
 * A source that matches neither shape is reported by the union as a whole ("a source is a folder
 * or a database"); when it says which it means (`kind: postgres`, or no kind), its own fields are
 * named instead ("sources.2.port: a port from 1 to 65535"). Null for any other issue.
 */
function sourceIssues(raw: unknown, path: PropertyKey[]): FieldIssue[] | null {
  if (path.length !== 2 || path[0] !== 'sources' || typeof path[1] !== 'number') return null;
  const sources = raw && typeof raw === 'object' ? (raw as { sources?: unknown }).sources : undefined;
  const source: unknown = Array.isArray(sources) ? sources[path[1]] : undefined;
  if (!source || typeof source !== 'object') return null;
  const schema = (source as { kind?: unknown }).kind === 'postgres' ? databaseSourceSchema : 'kind' in source ? null : backupSourceSchema;
  const parsed = schema?.safeParse(source, { error: humanIssueMessage, reportInput: false });
  if (!parsed || parsed.success) return null;
  return parsed.error.issues.map((issue) => {
    const inner = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
    return { path: formatPath([...path, ...inner]), message: issue.message };
  });
}

/** What a target of the configuration tells about remote sources: its name and whether it has `ssh:`. */
export interface SourceTargetInfo {
  name: string;
  ssh?: unknown;
}

/**
 * Why a source's `target:` cannot be read from, or null: it must name a configured target (names
 * compare ignoring case, as elsewhere) that has an `ssh:` connection.
 */
export function sourceTargetProblem(target: string, targets: readonly SourceTargetInfo[]): string | null {
  const found = targets.find((t) => nameKey(t.name) === nameKey(target));
  if (found) return found.ssh ? null : `target "${found.name}" has no ssh: connection; remote sources need one`;
  const withSsh = targets.filter((t) => t.ssh).map((t) => t.name);
  const guess = nearest(target, withSsh) ?? nearest(target, targets.map((t) => t.name));
  if (guess) return `no target named "${target}"; did you mean "${guess}"?`;
  return withSsh.length ? `no target named "${target}"; targets with an ssh: connection: ${withSsh.slice(0, 8).join(', ')}` : `no target named "${target}"; add it under targets: with an ssh: connection`;
}

/** The `target:` issues of one job's sources, with paths relative to the job. */
function jobTargetIssues(job: unknown, targets: readonly SourceTargetInfo[]): FieldIssue[] {
  const sources = job && typeof job === 'object' ? (job as { sources?: unknown }).sources : undefined;
  if (!Array.isArray(sources)) return [];
  const out: FieldIssue[] = [];
  sources.forEach((source: unknown, index) => {
    const target = source && typeof source === 'object' ? (source as { target?: unknown }).target : undefined;
    if (typeof target !== 'string' || !target) return;
    const problem = sourceTargetProblem(target, targets);
    if (problem) out.push({ path: `sources.${index}.target`, message: problem });
  });
  return out;
}

/** Issues of every remote source's target in a whole document (paths from the root), for config validation. */
export function sourceTargetIssues(config: { targets?: readonly SourceTargetInfo[] | undefined; backups?: readonly unknown[] | undefined }): Array<{ path: PropertyKey[]; message: string }> {
  const out: Array<{ path: PropertyKey[]; message: string }> = [];
  (config.backups ?? []).forEach((job, jobIndex) => {
    for (const issue of jobTargetIssues(job, config.targets ?? [])) {
      const [, sourceIndex] = issue.path.split('.');
      out.push({ path: ['backups', jobIndex, 'sources', Number(sourceIndex), 'target'], message: issue.message });
    }
  });
  return out;
}

/**
 * Validates one job; `others` are the names of the other jobs (a name must be free, ignoring case);
 * `targets` are the configuration's targets, which remote sources must name (when given).
 */
export function validateBackupJobInput(raw: unknown, others: string[] = [], targets?: readonly SourceTargetInfo[]): JobValidation {
  const parsed = backupJobSchema.safeParse(raw, { error: humanIssueMessage, reportInput: false });
  const issues: FieldIssue[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((issue) => {
        const source = sourceIssues(raw, issue.path);
        if (source) return source;
        const path = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
        return [{ path: formatPath(path), message: issue.message }];
      });
  const schedule = raw && typeof raw === 'object' ? (raw as { schedule?: unknown }).schedule : undefined;
  if (typeof schedule === 'string' && !issues.some((i) => i.path === 'schedule')) {
    const problem = scheduleProblem(schedule);
    if (problem) issues.push({ path: 'schedule', message: problem });
  }
  const name = raw && typeof raw === 'object' ? (raw as { name?: unknown }).name : undefined;
  if (typeof name === 'string' && others.some((o) => nameKey(o) === nameKey(name.trim()))) {
    issues.push({ path: 'name', message: `a backup job named "${name.trim()}" already exists` });
  }
  if (targets) for (const issue of jobTargetIssues(raw, targets)) if (!issues.some((i) => i.path === issue.path)) issues.push(issue);
  if (issues.length || !parsed.success) return { ok: false, issues };
  return { ok: true, value: parsed.data, issues: [] };
}

/** Issues of every job's schedule in a whole document (paths from the root), for config validation. */
export function scheduleIssues(jobs: ReadonlyArray<{ schedule?: string | undefined }>): Array<{ path: PropertyKey[]; message: string }> {
  const out: Array<{ path: PropertyKey[]; message: string }> = [];
  jobs.forEach((job, index) => {
    const problem = job.schedule === undefined ? null : scheduleProblem(job.schedule);
    if (problem) out.push({ path: ['backups', index, 'schedule'], message: problem });
  });
  return out;
}
