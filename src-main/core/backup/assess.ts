// A backup job judged as a monitored check (pure): is it stuck, did its last run fail, is its last
// success older than its schedule allows, did the last run finish suspiciously fast or small against
// the job's own trend, did the last verify find problems. The `backup` check kind turns this into a
// probe outcome; the backup service supplies the status.
import type { BackupProgress, BackupRunView } from '../api/service.js';
import type { ProbeOutcome } from '../model.js';
import { humanDuration } from '../config/duration.js';
import { lastDue, nextDue } from './schedule.js';
import { formatBytes } from './format-bytes.js';

export interface BackupJobStatus {
  job: string;
  schedule: string | null;
  /** The newest run (any outcome), the newest succeeded one, and earlier succeeded ones (newest first). */
  lastRun: BackupRunView | null;
  lastSuccess: BackupRunView | null;
  trend: BackupRunView[];
  running: BackupProgress | null;
  /** When the running job last moved (files, bytes or state); null when not running. */
  lastProgressAt: number | null;
  stuckAfterMs: number;
  lastVerify: { runId: string; at: number; ok: boolean; problems: string[] } | null;
}

/** Fewer earlier runs than this: no trend yet. */
const TREND_MIN = 3;
/** Smaller than this share of the usual size: "suspiciously small". */
const SMALL_SHARE = 0.5;
/** Faster than this share of the usual duration (of runs of the same kind): "suspiciously fast". */
const FAST_SHARE = 0.2;
/** Runs usually shorter than this are too quick to call anything "suspiciously fast". */
const FAST_FLOOR_MS = 10_000;

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The schedule's period around `at` (gap between two due times), or null without a schedule. */
export function schedulePeriod(expr: string | null, at: number): number | null {
  if (!expr) return null;
  const prev = lastDue(expr, at);
  const next = nextDue(expr, at);
  return prev !== null && next !== null ? next - prev : null;
}

/** "stuck", "overdue", "small", ... and the outcome the check records. */
export function assessBackupJob(s: BackupJobStatus, now: number): ProbeOutcome {
  const metrics: Record<string, number> = {};
  if (s.lastSuccess) {
    metrics.ageMs = Math.max(0, now - (s.lastSuccess.finishedAt ?? s.lastSuccess.startedAt));
    metrics.durationMs = s.lastSuccess.durationMs;
    metrics.bytes = s.lastSuccess.bytes;
  }
  const out = (status: ProbeOutcome['status'], message: string): ProbeOutcome => ({ status, latencyMs: null, message, metrics });

  if (s.running && s.lastProgressAt !== null && now - s.lastProgressAt >= s.stuckAfterMs) {
    return out('down', `stuck: no progress for ${humanDuration(now - s.lastProgressAt)} while ${s.running.state} (${s.running.files} of ${s.running.filesTotal} files)`);
  }
  if (s.lastVerify && !s.lastVerify.ok && s.lastVerify.runId === s.lastSuccess?.id) {
    return out('down', `verify of run ${s.lastVerify.runId} found problems: ${s.lastVerify.problems[0] ?? 'unknown'}`);
  }
  const last = s.lastRun;
  if (last && (last.state === 'failed' || last.state === 'interrupted')) {
    return out('down', `last run ${last.state}: ${last.error ?? 'no reason recorded'}`);
  }
  const period = schedulePeriod(s.schedule, now);
  if (!s.lastSuccess) {
    return s.running ? out('up', `first run in progress (${s.running.state})`) : out('degraded', 'never backed up yet');
  }
  const age = metrics.ageMs!;
  if (period !== null && age > 2 * period + 3_600_000 && !s.running) {
    return out('down', `last success ${humanDuration(age)} ago; the schedule expects one every ${humanDuration(period)}`);
  }
  const trend = s.trend.filter((r) => r.id !== s.lastSuccess!.id);
  if (trend.length >= TREND_MIN) {
    const usualBytes = median(trend.map((r) => r.bytes));
    if (usualBytes > 0 && s.lastSuccess.bytes < usualBytes * SMALL_SHARE) {
      return out('degraded', `finished suspiciously small: ${formatBytes(s.lastSuccess.bytes)} against a usual ${formatBytes(usualBytes)}`);
    }
    const sameKind = trend.filter((r) => r.kind === s.lastSuccess!.kind);
    if (sameKind.length >= TREND_MIN) {
      const usualMs = median(sameKind.map((r) => r.durationMs));
      if (usualMs >= FAST_FLOOR_MS && s.lastSuccess.durationMs < usualMs * FAST_SHARE) {
        return out('degraded', `finished suspiciously fast: ${humanDuration(s.lastSuccess.durationMs)} against a usual ${humanDuration(usualMs)}`);
      }
    }
  }
  const verified = s.lastVerify?.ok && s.lastVerify.runId === s.lastSuccess.id ? ', verified' : '';
  return out('up', `last success ${humanDuration(age)} ago: ${s.lastSuccess.files} files, ${formatBytes(s.lastSuccess.bytes)} in ${humanDuration(s.lastSuccess.durationMs)}${verified}`);
}
