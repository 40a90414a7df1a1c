// How a backup job is judged as a check (pure): stuck, failed, overdue against its schedule,
// suspiciously small or fast against its own trend, verify problems, and the healthy line.
import { describe, expect, it } from 'vitest';
import { assessBackupJob, type BackupJobStatus } from '../../../src-main/core/backup/assess.js';
import type { BackupRunView } from '../../../src-main/core/api/service.js';

const H = 3_600_000;
const NOW = Date.parse('2026-03-10T12:00:00Z');
let seq = 0;
const run = (p: Partial<BackupRunView>): BackupRunView => ({
  id: `r${++seq}`,
  job: 'docs',
  kind: 'full',
  state: 'succeeded',
  startedAt: NOW - 10 * H,
  finishedAt: NOW - 10 * H + 60_000,
  files: 100,
  bytes: 1024 ** 3,
  storedBytes: 900 * 1024 ** 2,
  durationMs: 60_000,
  warnings: 0,
  error: null,
  ...p,
});
const status = (p: Partial<BackupJobStatus>): BackupJobStatus => ({
  job: 'docs',
  schedule: null,
  lastRun: null,
  lastSuccess: null,
  trend: [],
  running: null,
  lastProgressAt: null,
  stuckAfterMs: 10 * 60_000,
  lastVerify: null,
  ...p,
});
const ok = run({});
const trend = [run({ startedAt: NOW - 34 * H }), run({ startedAt: NOW - 58 * H }), run({ startedAt: NOW - 82 * H })];

describe('a backup job as a check', () => {
  it('is up after a normal run, with its age, size and duration', () => {
    expect(assessBackupJob(status({ lastRun: ok, lastSuccess: ok, trend, schedule: '0 2 * * *' }), NOW)).toMatchObject({
      status: 'up',
      message: 'last success 9 h 59 min ago: 100 files, 1.0 GiB in 1 min',
      metrics: { durationMs: 60_000, bytes: 1024 ** 3 },
    });
  });

  it('is down when its last run failed, naming the reason', () => {
    const failed = run({ state: 'failed', error: 'no space left on /mnt/b' });
    expect(assessBackupJob(status({ lastRun: failed, lastSuccess: ok }), NOW)).toMatchObject({ status: 'down', message: 'last run failed: no space left on /mnt/b' });
  });

  it('is down when the last success is older than two periods of its schedule', () => {
    const old = run({ startedAt: NOW - 80 * H, finishedAt: NOW - 80 * H });
    expect(assessBackupJob(status({ lastRun: old, lastSuccess: old, schedule: '0 2 * * *' }), NOW)).toMatchObject({
      status: 'down',
      message: 'last success 3 d 8 h ago; the schedule expects one every 1 d',
    });
    // On demand only: no age rule.
    expect(assessBackupJob(status({ lastRun: old, lastSuccess: old }), NOW).status).toBe('up');
  });

  it("is degraded when a run is suspiciously small or fast against the job's own runs", () => {
    const small = run({ bytes: 200 * 1024 ** 2 });
    expect(assessBackupJob(status({ lastRun: small, lastSuccess: small, trend }), NOW)).toMatchObject({
      status: 'degraded',
      message: 'finished suspiciously small: 200 MiB against a usual 1.0 GiB',
    });
    const fast = run({ durationMs: 5_000 });
    expect(assessBackupJob(status({ lastRun: fast, lastSuccess: fast, trend }), NOW)).toMatchObject({ status: 'degraded', message: expect.stringMatching(/^finished suspiciously fast: 5 s against a usual 1 min/) });
    // An incremental is compared with incrementals only: quick is normal for it.
    const incremental = run({ kind: 'incremental', durationMs: 5_000 });
    expect(assessBackupJob(status({ lastRun: incremental, lastSuccess: incremental, trend }), NOW).status).toBe('up');
    // Two earlier runs are no trend yet.
    expect(assessBackupJob(status({ lastRun: small, lastSuccess: small, trend: trend.slice(0, 2) }), NOW).status).toBe('up');
  });

  it('is down when a run makes no progress for the stuck time, and when verify found problems', () => {
    const running = { runId: 'x', job: 'docs', state: 'uploading' as const, files: 3, filesTotal: 9, bytes: 0, bytesTotal: 0, storedBytes: 0, rateBytesPerSec: 0, etaMs: null };
    expect(assessBackupJob(status({ lastRun: ok, lastSuccess: ok, running, lastProgressAt: NOW - 9 * 60_000 }), NOW).status).toBe('up');
    expect(assessBackupJob(status({ lastRun: ok, lastSuccess: ok, running, lastProgressAt: NOW - 12 * 60_000 }), NOW)).toMatchObject({
      status: 'down',
      message: 'stuck: no progress for 12 min while uploading (3 of 9 files)',
    });
    expect(assessBackupJob(status({ lastRun: ok, lastSuccess: ok, lastVerify: { runId: ok.id, at: NOW, ok: false, problems: ['"a.txt" does not match its recorded SHA-256'] } }), NOW)).toMatchObject({
      status: 'down',
      message: `verify of run ${ok.id} found problems: "a.txt" does not match its recorded SHA-256`,
    });
    expect(assessBackupJob(status({ lastRun: ok, lastSuccess: ok, lastVerify: { runId: ok.id, at: NOW, ok: true, problems: [] } }), NOW).message).toMatch(/, verified$/);
  });

  it('is degraded before the first backup, up while it runs', () => {
    expect(assessBackupJob(status({}), NOW)).toMatchObject({ status: 'degraded', message: 'never backed up yet' });
  });
});
