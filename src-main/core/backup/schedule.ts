// Backup schedules: cron expressions (5 fields, or 6 with seconds) read in local time. node-schedule
// fires them on time; croner answers the pure questions (is it valid, when is the next and when was
// the last due time), so a missed run is caught up after sleep or downtime: if the last due time
// passed without a run starting after it, run once.
import { Cron } from 'croner';
import schedule from 'node-schedule';

/** Why `expr` is not a usable schedule, in words, or null when it is. */
export function scheduleProblem(expr: string): string | null {
  const text = expr.trim();
  if (!text) return 'a cron expression like "0 2 * * *" (every day at 02:00), or leave it empty to run on demand only';
  const fields = text.split(/\s+/).length;
  if (fields < 5 || fields > 6) return `a cron expression has 5 fields (minute hour day month weekday) or 6 with seconds first; "${text}" has ${fields}`;
  try {
    new Cron(text, { paused: true });
  } catch (error) {
    return `"${text}" is not a cron expression like "0 2 * * *" (${(error as Error).message})`;
  }
  return null;
}

/** The next due time strictly after `after`, or null for an invalid expression or one that never fires again. */
export function nextDue(expr: string, after: number): number | null {
  if (scheduleProblem(expr)) return null;
  return new Cron(expr.trim(), { paused: true }).nextRun(new Date(after))?.getTime() ?? null;
}

/** The latest due time at or before `at`, or null. */
export function lastDue(expr: string, at: number): number | null {
  if (scheduleProblem(expr)) return null;
  // previousRuns looks strictly before the reference; +1 ms includes a due time equal to `at`.
  return new Cron(expr.trim(), { paused: true }).previousRuns(1, new Date(at + 1))[0]?.getTime() ?? null;
}

/**
 * Pure catch-up decision: the due time that was missed, or null. `lastStartedAt` is the newest run
 * attempt of the job (any outcome; a failed run is not retried by catch-up, the next due time is);
 * `since` is when Kaavan began watching the job (a job with no run yet is only caught up for due
 * times after that). `graceMs` leaves the on-time trigger its moment before catch-up steps in.
 */
export function missedDue(expr: string, opts: { now: number; lastStartedAt: number | null; since: number; graceMs?: number }): number | null {
  const due = lastDue(expr, opts.now - (opts.graceMs ?? 0));
  if (due === null) return null;
  const reference = opts.lastStartedAt ?? opts.since;
  return due > reference ? due : null;
}

/** Fires `run(job)` at each due time of each job's schedule (node-schedule); replaced wholesale on config change. */
export class BackupScheduler {
  private readonly jobs = new Map<string, { expr: string; job: schedule.Job }>();

  constructor(private readonly fire: (jobName: string, dueAt: number) => void) {}

  /** Makes the armed schedules exactly `wanted` (job name → cron expression); invalid ones are skipped. */
  apply(wanted: ReadonlyMap<string, string>): void {
    for (const [name, entry] of this.jobs) {
      if (wanted.get(name) !== entry.expr) {
        entry.job.cancel();
        this.jobs.delete(name);
      }
    }
    for (const [name, expr] of wanted) {
      if (this.jobs.has(name) || scheduleProblem(expr)) continue;
      const job = schedule.scheduleJob(expr.trim(), (fireDate: Date) => this.fire(name, fireDate.getTime()));
      if (job) this.jobs.set(name, { expr, job });
    }
  }

  dispose(): void {
    for (const entry of this.jobs.values()) entry.job.cancel();
    this.jobs.clear();
  }
}
