// Editing the `backups:` section from the UI: one job validated with field paths relative to the job
// (for inline form errors), including the schedule (a cron expression) and the name being free.
import { backupJobSchema, type BackupJob } from './job-schema.js';
import { formatPath, type FieldIssue } from '../api/errors.js';
import { humanIssueMessage } from '../config/messages.js';
import { nameKey } from '../config/fields.js';
import { scheduleProblem } from './schedule.js';

export type JobValidation = { ok: true; value: BackupJob; issues: [] } | { ok: false; issues: FieldIssue[] };

/** Validates one job; `others` are the names of the other jobs (a name must be free, ignoring case). */
export function validateBackupJobInput(raw: unknown, others: string[] = []): JobValidation {
  const parsed = backupJobSchema.safeParse(raw, { error: humanIssueMessage, reportInput: false });
  const issues: FieldIssue[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => {
        const path = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
        return { path: formatPath(path), message: issue.message };
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
