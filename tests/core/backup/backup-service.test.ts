// Backups through the service API of a real runtime: real files, a real local destination, the real
// SQLite store and the real engine. Runs, progress events, one run per job, the global limit, cancel,
// the catalog, runs a previous stop left behind, catch-up of a missed schedule (controlled clock),
// a stuck run raising an alert through the job's backup check, and the job form's validation.
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import type { BackupProgress, BackupRunView, KaavanEvent, KaavanService } from '../../../src-main/core/api/service.js';
import { KaavanError } from '../../../src-main/core/api/errors.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { Store } from '../../../src-main/core/store/store.js';
import { createBackupEngine } from '../../../src-main/core/backup/index.js';
import { BackupService } from '../../../src-main/core/backup/backup-service.js';
import { RunJournal } from '../../../src-main/core/backup/journal.js';
import { nextDue } from '../../../src-main/core/backup/schedule.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-bsvc-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A source tree: `files` files of `size` random (incompressible) bytes. */
function tree(dir: string, files: number, size: number): string {
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < files; i++) writeFileSync(join(dir, `f${i}.bin`), randomBytes(size));
  return dir;
}

const noSecrets = () => createSecretStore({ backend: null, env: {} });

async function boot(dir: string, yaml: string, now?: () => number, env: Record<string, string> = {}, monotonic?: () => number): Promise<{ rt: KaavanRuntime; svc: KaavanService; events: KaavanEvent[]; configFile: string }> {
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  const rt = await createKaavan({
    configStore: new FileConfigStore(configFile),
    dataDir: join(dir, 'data'),
    mode: 'headless',
    channels: [new RecordingChannel()],
    secrets: createSecretStore({ backend: null, env }),
    ...(now ? { now } : {}),
    ...(monotonic ? { monotonic } : {}),
  });
  cleanups.push(() => rt.stop());
  const events: KaavanEvent[] = [];
  rt.service.subscribe((e) => events.push(e));
  await rt.start();
  return { rt, svc: rt.service, events, configFile };
}

const finished = (events: KaavanEvent[], job: string) => () =>
  events.find((e): e is Extract<KaavanEvent, { type: 'backup.finished' }> => e.type === 'backup.finished' && e.run.job === job)?.run;
const progressOf = (events: KaavanEvent[]) => events.filter((e): e is Extract<KaavanEvent, { type: 'backup.progress' }> => e.type === 'backup.progress').map((e) => e.progress);

describe('backups through the service', () => {
  it('runs a job: progress events, a restorable run, catalog rows with every transition, one run per job', async () => {
    const dir = tempDir();
    const src = tree(join(dir, 'src'), 40, 64 * 1024);
    const dest = join(dir, 'dest');
    const { rt, svc, events } = await boot(dir, `version: 1\nbackups:\n  - { name: docs, sources: [{ path: "${src}" }], destination: { kind: local, path: "${dest}" } }\n`);

    const first = svc.runBackup({ job: 'docs' });
    // One run per job: a second start while the first is on is refused, naming the job.
    await expect(svc.runBackup({ job: 'docs' })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining('"docs" is already running') });
    const { runId } = await first;
    expect(runId).toMatch(/^\d{8}T\d{9}Z-[0-9a-f]{8}$/);

    const run = await waitFor(finished(events, 'docs'));
    expect(run).toMatchObject({ id: runId, state: 'succeeded', files: 40, bytes: 40 * 64 * 1024, kind: 'full' });
    const states = progressOf(events).filter((p) => p.runId === runId).map((p) => p.state);
    expect([...new Set(states)]).toEqual(['scanning', 'archiving', 'uploading', 'verifying', 'succeeded']);

    expect((await svc.listBackupRuns({ job: 'docs' })).map((r) => [r.id, r.state])).toEqual([[runId, 'succeeded']]);
    const [job] = await svc.listBackupJobs();
    expect(job).toMatchObject({ name: 'docs', destination: dest, schedule: null, nextRunAt: null, running: null, lastSuccess: { id: runId } });

    // The run is on the destination, restorable, and verify re-reads every file.
    const engine = createBackupEngine({ dataDir: join(dir, 'other'), secrets: noSecrets() });
    const jobConfig = { name: 'docs', sources: [{ path: src }], destination: { kind: 'local' as const, path: dest } };
    expect((await engine.list(jobConfig)).map((r) => r.id)).toEqual([runId]);
    // The job is also a check, judged at once after the run, and again after a verify.
    const check = await waitFor(async () => (await svc.overview()).targets.find((t) => t.name === 'Backups')?.checks.find((c) => c.name === 'docs' && c.status === 'up'));
    expect(check.lastResult?.message).toMatch(/^last success .* ago: 40 files, 2\.5 MiB in /);
    expect(await svc.verifyBackupRun({ job: 'docs', runId })).toMatchObject({ ok: true, files: 40, problems: [] });
    await waitFor(async () => (await svc.overview()).targets.find((t) => t.name === 'Backups')?.checks[0]?.lastResult?.message.endsWith(', verified'));

    await rt.stop();
    const store = Store.open(join(dir, 'data', 'kaavan.db'));
    const steps = store.db.prepare('SELECT to_state FROM backup_run_transitions WHERE run_id = ? ORDER BY seq').all(runId) as { to_state: string }[];
    store.close();
    expect(steps.map((s) => s.to_state)).toEqual(['queued', 'scanning', 'archiving', 'uploading', 'verifying', 'succeeded']);
  });

  it('cancel ends the run as cancelled and leaves nothing restorable on the destination', async () => {
    const dir = tempDir();
    const src = tree(join(dir, 'src'), 24, 1024 * 1024);
    const dest = join(dir, 'dest');
    const { svc, events } = await boot(dir, `version: 1\nbackups:\n  - { name: big, sources: [{ path: "${src}" }], destination: { kind: local, path: "${dest}" } }\n`);
    // Cancelled from the first progress event of the archiving state: the run is certainly mid-way.
    let cancelling: Promise<{ cancelled: boolean }> | null = null;
    svc.subscribe((e) => {
      if (e.type === 'backup.progress' && e.progress.state === 'archiving' && !cancelling) cancelling = svc.cancelBackup({ runId: e.progress.runId });
    });
    const { runId } = await svc.runBackup({ job: 'big' });
    const run = await waitFor(finished(events, 'big'));
    expect(await cancelling).toEqual({ cancelled: true });
    expect(run).toMatchObject({ id: runId, state: 'cancelled', error: 'cancelled' });
    expect((await svc.listBackupRuns({ job: 'big' }))[0]).toMatchObject({ id: runId, state: 'cancelled' });
    const engine = createBackupEngine({ dataDir: join(dir, 'other'), secrets: noSecrets() });
    expect(await engine.list({ name: 'big', sources: [{ path: src }], destination: { kind: 'local', path: dest } })).toEqual([]);
    // No object of the run is left anywhere under the destination.
    expect((readdirSync(dest, { recursive: true }) as string[]).filter((n) => n.includes(runId))).toEqual([]);
    expect(await svc.cancelBackup({ runId })).toEqual({ cancelled: false });
  });

  it('queues a second job behind the global limit and runs it when the first is done', async () => {
    const dir = tempDir();
    const a = tree(join(dir, 'a'), 10, 256 * 1024);
    const b = tree(join(dir, 'b'), 5, 1024);
    const dest = join(dir, 'dest');
    const { svc, events } = await boot(
      dir,
      `version: 1\nbackups:\n  - { name: a, sources: [{ path: "${a}" }], destination: { kind: local, path: "${dest}/a" } }\n  - { name: b, sources: [{ path: "${b}" }], destination: { kind: local, path: "${dest}/b" } }\n`,
    );
    const first = await svc.runBackup({ job: 'a' });
    const second = await svc.runBackup({ job: 'b' });
    expect(second.runId).toBe('queued:b');
    expect((await svc.listBackupJobs()).find((j) => j.name === 'b')?.running).toMatchObject({ state: 'queued' });
    const runA = await waitFor(finished(events, 'a'));
    const runB = await waitFor(finished(events, 'b'));
    expect([runA.state, runB.state]).toEqual(['succeeded', 'succeeded']);
    // b started only after a had finished.
    expect(runB.startedAt).toBeGreaterThanOrEqual(runA.finishedAt!);
    expect(runA.id).toBe(first.runId);
  });

  it('marks a run a previous stop left unfinished as interrupted at start', async () => {
    const dir = tempDir();
    const src = tree(join(dir, 'src'), 1, 10);
    // A run journaled by a Kaavan process that no longer exists, stopped while archiving.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const journal = new RunJournal(join(dir, 'data'));
    const at = Date.now() - 60_000;
    await journal.save({
      id: '20260101T000000000Z-0badf00d',
      job: 'docs',
      pid: gone,
      destination: { kind: 'local', path: join(dir, 'dest') },
      record: { state: 'archiving', transitions: [{ from: null, to: 'queued', at }, { from: 'queued', to: 'scanning', at }, { from: 'scanning', to: 'archiving', at }] },
    });
    const { svc } = await boot(dir, `version: 1\nbackups:\n  - { name: docs, sources: [{ path: "${src}" }], destination: { kind: local, path: "${join(dir, 'dest')}" } }\n`);
    const [run] = await svc.listBackupRuns({ job: 'docs' });
    expect(run).toMatchObject({ id: '20260101T000000000Z-0badf00d', state: 'interrupted', error: expect.stringContaining('Kaavan stopped while this run was in progress') });
    // The job's check says so.
    const check = await waitFor(async () => (await svc.overview()).targets.find((t) => t.name === 'Backups')?.checks[0]?.lastResult);
    expect(check).toMatchObject({ status: 'down', message: expect.stringContaining('last run interrupted') });
  });

  it('raises an alert about a run that makes no progress for the stuck time', async () => {
    const dir = tempDir();
    const src = tree(join(dir, 'src'), 2, 100);
    // An S3 endpoint that accepts every request and never answers: the run sits in "scanning".
    const sockets = new Set<import('node:net').Socket>();
    const hung = createServer(() => undefined);
    hung.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => hung.listen(0, '127.0.0.1', r));
    const stopHung = () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => hung.close(() => r()));
    };
    cleanups.push(() => (hung.listening ? stopHung() : undefined));
    let offset = 0;
    const now = () => Date.now() + offset;
    // Time passes on both clocks (the computer did not sleep: that would be "observer offline").
    const monotonic = () => performance.now() + offset;
    const port = (hung.address() as AddressInfo).port;
    const { svc, events } = await boot(
      dir,
      `version: 1\nsettings: { backupStuckAfter: 10m }\nbackups:\n  - name: slow\n    sources: [{ path: "${src}" }]\n    destination: { kind: s3, bucket: hung, endpoint: "http://127.0.0.1:${port}", forcePathStyle: true, region: us-east-1, accessKeyRef: k, secretKeyRef: k }\n`,
      now,
      { KAAVAN_SECRET_K: 'S3RVER' },
      monotonic,
    );
    const { runId } = await svc.runBackup({ job: 'slow' });
    expect((await svc.listBackupJobs())[0]?.running).toMatchObject({ runId, state: 'scanning' });
    const judge = () => svc.runCheckNow({ target: 'Backups', check: 'slow' });
    expect(await judge()).toMatchObject({ status: 'up', message: 'first run in progress (scanning)' });
    offset = 11 * 60_000;
    expect(await judge()).toMatchObject({ status: 'down', message: expect.stringMatching(/^stuck: no progress for 11 min while scanning/) });
    const alerts = await svc.listAlerts({ state: 'active' });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ target: 'Backups', check: 'slow', title: 'Backups / slow is down', message: expect.stringContaining('stuck') });

    // Cancel, and let the endpoint go away: the run ends, and is not restorable.
    const cancelled = svc.cancelBackup({ runId });
    await stopHung();
    expect(await cancelled).toEqual({ cancelled: true });
    expect((await waitFor(finished(events, 'slow'))).state).toBe('cancelled');
  });

  it('validates the job form inline and saves jobs into the configuration file', async () => {
    const dir = tempDir();
    const { svc, configFile } = await boot(dir, 'version: 1\n');
    const bad = await svc.validateBackupJob({ job: { name: 'docs', sources: [], destination: { kind: 'ftp' }, schedule: '0 2 * *' } });
    expect(bad.ok).toBe(false);
    expect(bad.issues).toEqual(
      expect.arrayContaining([
        { path: 'sources', message: 'at least one source' },
        { path: 'destination.kind', message: 'destination kind must be "local" or "s3"' },
        { path: 'schedule', message: expect.stringContaining('has 4') },
      ]),
    );
    const job = { name: 'docs', sources: [{ path: join(dir, 'src') }], destination: { kind: 'local', path: join(dir, 'dest') }, schedule: '0 2 * * *', retention: { keepLast: 3 } };
    expect(await svc.validateBackupJob({ job })).toEqual({ ok: true, issues: [] });
    await svc.saveBackupJob({ job });
    expect(readFileSync(configFile, 'utf8')).toContain('0 2 * * *');
    await expect(svc.saveBackupJob({ job: { ...job, name: 'DOCS' } })).rejects.toMatchObject({ issues: [{ path: 'name', message: 'a backup job named "DOCS" already exists' }] });
    const [view] = await svc.listBackupJobs();
    expect(view).toMatchObject({ name: 'docs', schedule: '0 2 * * *', nextRunAt: nextDue('0 2 * * *', Date.now()) });
    await waitFor(async () => (await svc.overview()).targets.some((t) => t.name === 'Backups'));
    await svc.removeBackupJob({ name: 'docs' });
    expect(await svc.listBackupJobs()).toEqual([]);
    await expect(svc.removeBackupJob({ name: 'docs' })).rejects.toBeInstanceOf(KaavanError);
  });
});

describe('schedules', () => {
  it('catches up a due time missed while Kaavan was stopped or asleep, once', async () => {
    const dir = tempDir();
    const src = tree(join(dir, 'src'), 3, 100);
    let clock = Date.parse('2026-03-10T10:00:00');
    const now = () => clock;
    const store = Store.open(join(dir, 'kaavan.db'));
    cleanups.push(() => store.close());
    const job = { name: 'nightly', schedule: '0 2 * * *', sources: [{ path: src }], destination: { kind: 'local' as const, path: join(dir, 'dest') } };
    const jobs: Array<typeof job> = [job];
    const events: KaavanEvent[] = [];
    const service = new BackupService({
      engine: createBackupEngine({ dataDir: dir, secrets: noSecrets(), now }),
      db: store.db,
      jobs: () => jobs,
      emit: (e) => events.push(e),
      now,
      realTimers: false,
    });
    cleanups.push(() => service.dispose());
    await service.start();
    // Watched since 10:00: the 02:00 of that day was before Kaavan knew the job, nothing to catch up.
    expect(service.tick()).toEqual([]);
    await service.run('nightly');
    const first = await waitFor(finished(events, 'nightly'));
    expect(first.state).toBe('succeeded');

    clock = Date.parse('2026-03-11T01:59:00'); // before the next due time
    expect(service.tick()).toEqual([]);
    clock = Date.parse('2026-03-11T09:30:00'); // woke up long after 02:00 with no run since
    expect(service.tick()).toEqual(['nightly']);
    expect(service.tick()).toEqual([]); // already running: once
    await waitFor(() => events.filter((e) => e.type === 'backup.finished').length === 2);
    expect(service.tick()).toEqual([]); // the missed due time is covered by that run
    const runs = service.runs({ job: 'nightly' });
    expect(runs.map((r) => r.state)).toEqual(['succeeded', 'succeeded']);
    expect(runs[0]!.startedAt).toBe(Date.parse('2026-03-11T09:30:00'));

    // A job added at 09:30 whose schedule said 09:00 has missed nothing: it did not exist then.
    jobs.push({ ...job, name: 'added', schedule: '0 9 * * *' });
    service.applyConfig();
    clock = Date.parse('2026-03-11T09:45:00');
    expect(service.tick()).toEqual([]);
  });

  it('fires a schedule on time with node-schedule, and stops firing once disposed', async () => {
    const dir = tempDir();
    const src = tree(join(dir, 'src'), 2, 100);
    const store = Store.open(join(dir, 'kaavan.db'));
    cleanups.push(() => store.close());
    const runs: BackupRunView[] = [];
    const service = new BackupService({
      engine: createBackupEngine({ dataDir: dir, secrets: noSecrets() }),
      db: store.db,
      // Every second (six fields: seconds first).
      jobs: () => [{ name: 'often', schedule: '* * * * * *', sources: [{ path: src }], destination: { kind: 'local', path: join(dir, 'dest') } }],
      emit: (e) => {
        if (e.type === 'backup.finished') runs.push(e.run);
      },
    });
    cleanups.push(() => service.dispose());
    await service.start();
    await waitFor(() => runs.length >= 2, 20_000);
    await service.dispose();
    // A run going on at dispose ends cancelled; the two awaited ones succeeded.
    expect(runs.slice(0, 2).map((r) => r.state)).toEqual(['succeeded', 'succeeded']);
    const count = service.runs({ job: 'often' }).length;
    expect(count).toBe(runs.length);
    await new Promise((r) => setTimeout(r, 1500));
    expect(service.runs({ job: 'often' }).length).toBe(count);
  });

  it('sends progress at most about four times a second per job, and every state change', async () => {
    const dir = tempDir();
    const src = tree(join(dir, 'src'), 60, 512 * 1024);
    const store = Store.open(join(dir, 'kaavan.db'));
    cleanups.push(() => store.close());
    const sent: Array<BackupProgress & { at: number }> = [];
    const runs: BackupRunView[] = [];
    const service = new BackupService({
      engine: createBackupEngine({ dataDir: dir, secrets: noSecrets(), concurrency: 1 }),
      db: store.db,
      jobs: () => [{ name: 'p', sources: [{ path: src }], destination: { kind: 'local', path: join(dir, 'dest') } }],
      emit: (e) => {
        if (e.type === 'backup.progress') sent.push({ ...e.progress, at: Date.now() });
        if (e.type === 'backup.finished') runs.push(e.run);
      },
      realTimers: false,
    });
    cleanups.push(() => service.dispose());
    await service.start();
    await service.run('p');
    await waitFor(() => runs.length === 1);
    expect([...new Set(sent.map((p) => p.state))]).toEqual(['scanning', 'archiving', 'uploading', 'verifying', 'succeeded']);
    // Within one state, two events are never closer than the 250 ms window (trailing events included; both times are wall-clock).
    for (let i = 1; i < sent.length; i++) {
      if (sent[i]!.state === sent[i - 1]!.state) expect(sent[i]!.at - sent[i - 1]!.at).toBeGreaterThanOrEqual(250);
    }
  });
});
