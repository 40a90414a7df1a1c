// The cron check: is a scheduled job still running? `schedule` (a cron expression, read in
// `timezone`) gives the last time the job was due; after `grace` it must have left a trace newer
// than that: a `marker` file it touches (its mtime), or a line matching `pattern` in `log`.
// Late → down with "last run expected at …". Judged by the real clock, so missed runs while this
// computer slept are judged on wake. For `log`, new lines are tailed like the logs check; a match
// counts from the probe that saw it, and on first sight the last 64 KB are searched and a match is
// dated by the file's mtime. Reference: docs/host-checks.md.
import { Cron } from 'croner';
import { z } from 'zod';
import { defineCheckKind, type CheckIssue, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import { durationField } from '../../config/fields.js';
import { humanDuration, parseDuration } from '../../config/duration.js';
import type { ProbeOutcome } from '../../model.js';
import { roundLatency } from '../probe-support.js';
import { shellQuote } from '../../hosts/shell-quote.js';
import { readNewLines } from '../../hosts/log-tail.js';
import { firstLineOf, formatInZone, onHost, regexField, runOnHost, withHostDeadline } from '../../hosts/host-probe.js';

const absolutePath = z.string().min(2).max(4096).refine((p) => p.startsWith('/'), 'must be an absolute path (start with "/")');

export const cronParamsShape = {
  schedule: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(200)
    .superRefine((value, ctx) => {
      try {
        new Cron(value, { paused: true });
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `is not a cron expression (like "0 3 * * *"): ${(error as Error).message}` });
      }
    }),
  timezone: z
    .string()
    .min(1)
    .max(64)
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be a time zone like "Europe/Helsinki" or "UTC"')
    .optional(),
  /** How late the trace may be after the due time (default 5m). */
  grace: durationField({ max: 7 * 86_400_000 }).optional(),
  marker: absolutePath.optional(),
  log: absolutePath.optional(),
  pattern: regexField.optional(),
};

type CronParams = z.infer<z.ZodObject<typeof cronParamsShape>>;

const LAST_SEEN_KEY = 'lastSeen';
const LOG_CURSOR_KEY = 'cursor';

function cronIssues(p: CronParams): CheckIssue[] {
  const issues: CheckIssue[] = [];
  if ((p.marker === undefined) === (p.log === undefined))
    issues.push({ path: ['marker'], message: 'set either marker (a file the job touches) or log with pattern (a line the job writes), not both' });
  if (p.log !== undefined && p.pattern === undefined) issues.push({ path: ['pattern'], message: 'is needed with log: the line the job writes when it ran' });
  if (p.pattern !== undefined && p.log === undefined) issues.push({ path: ['log'], message: 'is needed with pattern: the file the job writes to' });
  return issues;
}

/** The last time the schedule was due at or before `at` (epoch ms), or null if never. */
export function lastDueTime(schedule: string, timezone: string | undefined, at: number): number | null {
  const cron = new Cron(schedule, { paused: true, ...(timezone ? { timezone } : {}) });
  // croner works in whole seconds and excludes the reference itself: look one second past `at`.
  const previous = cron.previousRuns(2, new Date(at + 1000)).find((d) => d.getTime() <= at);
  return previous ? previous.getTime() : null;
}

export async function probeCron(params: CronParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const graceMs = params.grace !== undefined ? parseDuration(params.grace)! : 5 * 60_000;
  const zone = params.timezone;
  const what = params.marker ?? params.log ?? '';
  return withHostDeadline(ctx, () => `checking ${what}${onHost(ctx)}`, async (deadline) => {
    const now = ctx.now();
    const due = lastDueTime(params.schedule, zone, now - graceMs);
    const next = new Cron(params.schedule, { paused: true, ...(zone ? { timezone: zone } : {}) }).nextRun(new Date(now));
    const nextText = next ? `; next at ${formatInZone(next.getTime(), zone)}` : '';

    let lastRun: number | null;
    let trace: string;
    if (params.marker !== undefined) {
      const q = shellQuote(params.marker);
      const stat = await runOnHost(ctx, deadline, `LC_ALL=C stat -L -c %Y -- ${q} 2>/dev/null || LC_ALL=C stat -L -f %m -- ${q}`);
      if (stat.exitCode !== 0 || !/^\d+\s*$/.test(stat.stdout)) {
        const reason = firstLineOf(stat.stderr).replace(/^stat: /, '') || 'it cannot be read';
        if (due === null) return { status: 'up', latencyMs: roundLatency(deadline.elapsed()), message: `no run due yet${nextText}` };
        return { status: 'down', latencyMs: null, message: `last run expected at ${formatInZone(due, zone)}, but the marker ${params.marker}${onHost(ctx)} cannot be read: ${reason}` };
      }
      lastRun = Number(stat.stdout.trim()) * 1000;
      trace = `the marker ${params.marker} last changed`;
    } else {
      const read = await readNewLines(ctx, deadline, params.log!, { maxRead: 8 * 1024 * 1024, firstSightBytes: 64 * 1024, cursorKey: LOG_CURSOR_KEY });
      if (typeof read === 'string') return { status: 'down', latencyMs: null, message: due !== null ? `last run expected at ${formatInZone(due, zone)}, but ${read}` : read };
      const re = new RegExp(params.pattern!);
      if (read.text.split('\n').some((line) => re.test(line))) ctx.memory.set(LAST_SEEN_KEY, read.firstSight ? read.mtimeMs : now);
      lastRun = ctx.memory.get<number>(LAST_SEEN_KEY);
      trace = `a line matching /${params.pattern}/ was last seen`;
    }

    const latencyMs = roundLatency(deadline.elapsed());
    const metrics: Record<string, number> = {};
    if (lastRun !== null) metrics.lastRunAgeSeconds = Math.max(0, Math.round((now - lastRun) / 1000));
    const lastText = lastRun !== null ? `${trace} ${formatInZone(lastRun, zone)}` : params.marker !== undefined ? `${trace} never` : `no line matching /${params.pattern}/ seen yet`;
    if (due === null) return { status: 'up', latencyMs, message: `no run due yet${nextText}`, metrics };
    if (lastRun === null || lastRun < due) {
      return { status: 'down', latencyMs, message: `late: last run expected at ${formatInZone(due, zone)} (grace ${humanDuration(graceMs)}); ${lastText}`, metrics };
    }
    return { status: 'up', latencyMs, message: `ran on time: ${lastText}${nextText}`, metrics };
  });
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const cronForm: KindForm = {
    fields: [
      { path: 'schedule', label: 'Schedule', type: 'text', required: true, mono: true, placeholder: '0 3 * * *', help: 'The job’s cron expression.' },
      { path: 'timezone', label: 'Time zone', type: 'text', placeholder: 'UTC', help: 'The zone the schedule is read in, e.g. Europe/Helsinki (default: this computer’s).' },
      { path: 'grace', label: 'Grace', type: 'duration', placeholder: '5m', default: '5m', help: 'How late the trace may be after the due time.' },
      { path: 'marker', label: 'Marker file', type: 'text', section: 'Trace (a marker file, or a log line)', mono: true, placeholder: '/var/backups/.last-run', help: 'Must be modified after each due time.' },
      { path: 'log', label: 'Log file', type: 'text', section: 'Trace (a marker file, or a log line)', mono: true, placeholder: '/var/log/backup.log' },
      { path: 'pattern', label: 'Line pattern', type: 'text', section: 'Trace (a marker file, or a log line)', mono: true, placeholder: 'backup finished', help: 'A regular expression a new log line must match.' },
    ],
  };

export const cronCheck = defineCheckKind({
  kind: 'cron',
  title: 'Scheduled job',
  paramsShape: cronParamsShape,
  form: cronForm,
  crossFieldIssues: cronIssues,
  describe: (p) => `${p.schedule}${p.timezone ? ` (${p.timezone})` : ''}: ${p.marker ?? p.log ?? ''}`,
  probe: (params, ctx) => probeCron(params, ctx),
});
