// The app side of backups, owned by the runtime: runs jobs through the engine (one run per job, a
// global limit, cancel by AbortSignal), writes every run to the catalog, throttles progress into
// backup.progress events (≤ 4 a second per job) and announces backup.finished, fires schedules and
// catches up missed ones after sleep or downtime, notices runs that stopped moving (stuck), and
// tells the backup check kind how each job is doing.
import type { BackupEngine, RunProgress, RunResult } from './engine.js';
import type { BackupJob } from './job-schema.js';
import { isFolderSource } from './job-schema.js';
import type { BackupJobView, BackupProgress, BackupRunView, KaavanEvent } from '../api/service.js';
import type { Db } from '../store/database.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { KaavanError } from '../api/errors.js';
import { BackupCatalog } from './catalog.js';
import { BackupScheduler, missedDue, nextDue } from './schedule.js';
import type { BackupJobStatus } from './assess.js';
import { errText } from './errors.js';

export type BackupTrigger = 'user' | 'schedule' | 'catch-up';

export interface BackupServiceOptions {
  engine: BackupEngine;
  db: Db;
  /** The configuration's jobs as they are now. */
  jobs: () => BackupJob[];
  /** Runs at once across jobs (default 1) and the silence after which a running job counts as stuck (default 10 min). */
  limits?: () => { maxRuns?: number; stuckAfterMs?: number };
  emit: (event: KaavanEvent) => void;
  now?: () => number;
  log?: Logger;
  /** Who started a run and why, for the audit log. */
  audit?: (action: string, subject: string, detail: Record<string, unknown>) => void;
  /** Minimum gap between two progress events of one job (state changes always go out). Default 250 ms. */
  progressEveryMs?: number;
  /** How often schedules are checked for a missed due time and runs for being stuck. Default 30 s. */
  tickMs?: number;
  /** Arms node-schedule timers (default true); tests with a controlled clock call tick() instead. */
  realTimers?: boolean;
  /** Something changed what the job's check would say (a run ended, a verify finished): judge it now. */
  judge?: (job: string) => void;
}

export const DEFAULT_STUCK_AFTER_MS = 10 * 60_000;
/** The on-time trigger gets this long before catch-up considers a due time missed. */
const CATCH_UP_GRACE_MS = 60_000;

interface ActiveRun {
  job: string;
  /** The engine's run id once the engine took the run; `queued:<job>` while waiting for a slot. */
  runId: string;
  controller: AbortController;
  type?: BackupJob['type'];
  trigger: BackupTrigger;
  progress: BackupProgress;
  lastProgressAt: number;
  lastSentAt: number;
  trailing: NodeJS.Timeout | null;
  started: boolean;
  done: Promise<void>;
  /** Resolves with the engine's run id (or the failed run's) once known. */
  idKnown: Promise<string>;
  resolveId: (id: string) => void;
  stuckLogged: boolean;
}

const queuedId = (job: string) => `queued:${job}`;

function queuedProgress(job: string): BackupProgress {
  return { runId: queuedId(job), job, state: 'queued', files: 0, filesTotal: 0, bytes: 0, bytesTotal: 0, storedBytes: 0, rateBytesPerSec: 0, etaMs: null };
}

/** "s3://bucket/prefix" or the folder. */
export function describeDestination(job: BackupJob): string {
  const d = job.destination;
  return d.kind === 'local' ? d.path : `s3://${d.bucket}${d.prefix ? `/${d.prefix.replace(/^\/+/, '')}` : ''}`;
}

/** "/home/me", "web1:/srv/www" (a folder on a target), "postgres app on db.local via web1". */
export function describeSource(s: BackupJob['sources'][number]): string {
  if (isFolderSource(s)) return s.target !== undefined ? `${s.target}:${s.path}` : s.path;
  return `postgres ${s.database}${s.host ? ` on ${s.host}` : ''}${s.target !== undefined ? ` via ${s.target}` : ''}`;
}

export class BackupService {
  readonly catalog: BackupCatalog;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly active = new Map<string, ActiveRun>();
  private readonly waiting: ActiveRun[] = [];
  private runningCount = 0;
  private readonly scheduler: BackupScheduler;
  private tickTimer: NodeJS.Timeout | null = null;
  /** When this process first saw each job: a job with no run yet is caught up only for due times after that. */
  private readonly firstSeen = new Map<string, number>();
  private lastVerify = new Map<string, BackupJobStatus['lastVerify']>();
  private disposed = false;

  constructor(private readonly options: BackupServiceOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLogger;
    this.catalog = new BackupCatalog(options.db);
    this.scheduler = new BackupScheduler((job) => this.onDue(job, 'schedule'));
  }

  /** Marks runs a previous stop left unfinished as interrupted, brings the catalog level, arms schedules, catches up. */
  async start(): Promise<void> {
    try {
      const recovered = await this.options.engine.recover();
      const written = this.catalog.syncFromJournal(await this.options.engine.history(), this.now());
      if (recovered.length) this.log.warn('backup runs interrupted by the previous stop', { runs: recovered.join(', ') });
      if (written.length) this.log.info('backup catalog brought up to date from the run journal', { runs: written.length });
    } catch (error) {
      this.log.error('could not recover unfinished backup runs', { error: errText(error) });
    }
    this.applyConfig();
    if (this.options.realTimers !== false) {
      this.tickTimer = setInterval(() => this.tick(), this.options.tickMs ?? 30_000);
      this.tickTimer.unref?.();
    }
    this.tick();
  }

  /** Re-arms schedules after a configuration change. */
  applyConfig(): void {
    if (this.disposed) return;
    const now = this.now();
    for (const job of this.options.jobs()) if (!this.firstSeen.has(job.name)) this.firstSeen.set(job.name, now);
    if (this.options.realTimers === false) return;
    const wanted = new Map<string, string>();
    for (const job of this.options.jobs()) if (job.schedule) wanted.set(job.name, job.schedule);
    this.scheduler.apply(wanted);
  }

  /**
   * Periodic work: a due time that passed without a run (the computer slept, Kaavan was stopped, the
   * timer fired late) starts one run; running jobs are checked for being stuck. Returns the jobs started.
   */
  tick(): string[] {
    if (this.disposed) return [];
    const started: string[] = [];
    const now = this.now();
    for (const job of this.options.jobs()) {
      if (!this.firstSeen.has(job.name)) this.firstSeen.set(job.name, now);
      if (!job.schedule || this.active.has(job.name)) continue;
      const last = this.catalog.last(job.name);
      const missed = missedDue(job.schedule, { now, lastStartedAt: last?.startedAt ?? null, since: this.firstSeen.get(job.name)!, graceMs: CATCH_UP_GRACE_MS });
      if (missed !== null) {
        this.log.info('catching up a missed backup', { job: job.name, due: new Date(missed).toISOString() });
        if (this.onDue(job.name, 'catch-up')) started.push(job.name);
      }
    }
    const stuckAfter = this.stuckAfterMs();
    for (const run of this.active.values()) {
      if (run.started && !run.stuckLogged && now - run.lastProgressAt >= stuckAfter) {
        run.stuckLogged = true;
        this.log.warn('a backup run has made no progress', { job: run.job, run: run.runId, state: run.progress.state });
      }
    }
    return started;
  }

  private onDue(jobName: string, trigger: BackupTrigger): boolean {
    if (this.active.has(jobName)) return false; // one run per job: a due time during a run is that run
    try {
      void this.run(jobName, { trigger }).catch((error: unknown) => this.log.warn('scheduled backup did not start', { job: jobName, error: errText(error) }));
      return true;
    } catch {
      return false;
    }
  }

  private stuckAfterMs(): number {
    return this.options.limits?.().stuckAfterMs ?? DEFAULT_STUCK_AFTER_MS;
  }

  private maxRuns(): number {
    return Math.max(1, this.options.limits?.().maxRuns ?? 1);
  }

  private job(name: string): BackupJob {
    const job = this.options.jobs().find((j) => j.name === name);
    if (!job) throw new KaavanError('not_found', `no backup job named "${name}"`);
    return job;
  }

  /**
   * Starts a run of `jobName` now, or queues it behind the global limit. Resolves with the engine's
   * run id once the run has one (`queued:<job>` while it waits for a slot).
   */
  async run(jobName: string, opts: { type?: BackupJob['type']; trigger?: BackupTrigger } = {}): Promise<{ runId: string }> {
    if (this.disposed) throw new KaavanError('unavailable', 'Kaavan is stopping; the backup was not started');
    this.job(jobName);
    if (this.active.has(jobName)) throw new KaavanError('conflict', `backup job "${jobName}" is already running; cancel it or wait for it to finish`);
    let resolveId!: (id: string) => void;
    const idKnown = new Promise<string>((r) => (resolveId = r));
    const run: ActiveRun = {
      job: jobName,
      runId: queuedId(jobName),
      controller: new AbortController(),
      ...(opts.type ? { type: opts.type } : {}),
      trigger: opts.trigger ?? 'user',
      progress: queuedProgress(jobName),
      lastProgressAt: this.now(),
      lastSentAt: 0,
      trailing: null,
      started: false,
      done: Promise.resolve(),
      idKnown,
      resolveId,
      stuckLogged: false,
    };
    this.active.set(jobName, run);
    this.options.audit?.('backup.run', jobName, { trigger: run.trigger, ...(opts.type ? { type: opts.type } : {}) });
    if (this.runningCount < this.maxRuns()) {
      this.begin(run);
      return { runId: await run.idKnown };
    }
    this.waiting.push(run);
    this.options.emit({ type: 'backup.progress', progress: { ...run.progress } });
    return { runId: run.runId };
  }

  private begin(run: ActiveRun): void {
    this.runningCount++;
    run.started = true;
    run.lastProgressAt = this.now();
    let job: BackupJob;
    try {
      job = this.job(run.job); // the configuration as it is when the run leaves the queue
    } catch (error) {
      this.finishWithoutRun(run, errText(error));
      return;
    }
    const onProgress = (p: RunProgress) => this.onProgress(run, p);
    run.done = this.options.engine
      .run(job, { signal: run.controller.signal, onProgress, ...(run.type ? { type: run.type } : {}) })
      .then(
        (result) => this.finished(run, result),
        (error: unknown) => this.finishWithoutRun(run, errText(error)),
      );
  }

  private onProgress(run: ActiveRun, p: RunProgress): void {
    const prev = run.progress;
    const next: BackupProgress = {
      runId: p.runId,
      job: p.job,
      state: p.state,
      files: p.files,
      filesTotal: p.filesTotal,
      bytes: p.bytes,
      bytesTotal: p.bytesTotal,
      storedBytes: p.storedBytes,
      rateBytesPerSec: p.rateBytesPerSec,
      etaMs: p.etaMs,
    };
    if (run.runId !== p.runId) {
      run.runId = p.runId;
      run.resolveId(p.runId);
    }
    const moved = prev.state !== next.state || prev.files !== next.files || prev.bytes !== next.bytes || prev.storedBytes !== next.storedBytes;
    const now = this.now();
    if (moved) {
      run.lastProgressAt = now;
      run.stuckLogged = false;
    }
    run.progress = next;
    if (prev.state !== next.state || this.progressWait(run) <= 0) this.sendProgress(run);
    else if (!run.trailing) this.armTrailing(run);
  }

  private progressWait(run: ActiveRun): number {
    return (this.options.progressEveryMs ?? 250) - (Date.now() - run.lastSentAt);
  }

  /** The newest figures go out at the end of the window, so the bar never lags a burst. */
  private armTrailing(run: ActiveRun): void {
    run.trailing = setTimeout(() => {
      run.trailing = null;
      // Timers count from the loop's cached time, which can be behind the wall clock: wait out the rest.
      if (this.progressWait(run) > 0) this.armTrailing(run);
      else this.sendProgress(run);
    }, Math.max(1, this.progressWait(run)));
    run.trailing.unref?.();
  }

  private sendProgress(run: ActiveRun): void {
    if (run.trailing) clearTimeout(run.trailing);
    run.trailing = null;
    run.lastSentAt = Date.now();
    this.options.emit({ type: 'backup.progress', progress: { ...run.progress } });
  }

  private finished(run: ActiveRun, result: RunResult): void {
    try {
      this.catalog.save(result);
    } catch (error) {
      this.log.error('could not record a backup run in the catalog', { run: result.id, error: errText(error) });
    }
    run.resolveId(result.id);
    const view = this.catalog.get(result.id) ?? resultView(result);
    this.release(run);
    this.options.emit({ type: 'backup.finished', run: view });
    this.options.judge?.(run.job);
  }

  /** The engine refused the run before it had an id (busy in another process, unreadable config). */
  private finishWithoutRun(run: ActiveRun, reason: string): void {
    const at = this.now();
    const view: BackupRunView = {
      id: run.runId,
      job: run.job,
      kind: null,
      state: run.controller.signal.aborted ? 'cancelled' : 'failed',
      startedAt: at,
      finishedAt: at,
      files: 0,
      bytes: 0,
      storedBytes: 0,
      durationMs: 0,
      warnings: 0,
      error: reason,
    };
    run.resolveId(run.runId);
    this.release(run);
    this.log.warn('backup did not start', { job: run.job, reason });
    this.options.emit({ type: 'backup.finished', run: view });
  }

  private release(run: ActiveRun): void {
    if (run.trailing) clearTimeout(run.trailing);
    run.trailing = null;
    if (this.active.get(run.job) === run) this.active.delete(run.job);
    if (run.started) this.runningCount--;
    this.startWaiting();
  }

  private startWaiting(): void {
    while (!this.disposed && this.runningCount < this.maxRuns() && this.waiting.length) this.begin(this.waiting.shift()!);
  }

  /** Cancels a run (by its id, or `queued:<job>` while it waits). A cancelled run leaves nothing restorable. */
  async cancel(runId: string): Promise<{ cancelled: boolean }> {
    const run = [...this.active.values()].find((r) => r.runId === runId);
    if (!run) return { cancelled: false };
    this.options.audit?.('backup.cancel', run.job, { run: runId });
    const queuedAt = this.waiting.indexOf(run);
    if (queuedAt >= 0) {
      this.waiting.splice(queuedAt, 1);
      run.controller.abort();
      this.finishWithoutRun(run, 'cancelled before it started');
      return { cancelled: true };
    }
    run.controller.abort();
    await run.done;
    return { cancelled: true };
  }

  async verify(jobName: string, runId: string, signal?: AbortSignal) {
    const job = this.job(jobName);
    const result = await this.options.engine.verify(job, runId, signal ? { signal } : {});
    this.lastVerify.set(jobName, { runId, at: this.now(), ok: result.ok, problems: result.problems });
    this.options.audit?.('backup.verify', jobName, { run: runId, ok: result.ok });
    this.options.judge?.(jobName);
    return { ok: result.ok, files: result.files, segments: result.segments, problems: result.problems };
  }

  runs(input: { job?: string; limit?: number }): BackupRunView[] {
    return this.catalog.list(input);
  }

  jobs(): BackupJobView[] {
    const now = this.now();
    return this.options.jobs().map((job) => {
      const running = this.active.get(job.name);
      return {
        name: job.name,
        type: job.type ?? 'intelligent',
        schedule: job.schedule ?? null,
        nextRunAt: job.schedule ? nextDue(job.schedule, now) : null,
        destination: describeDestination(job),
        encrypted: !!job.encryption,
        sources: job.sources.map(describeSource),
        lastRun: this.catalog.last(job.name),
        lastSuccess: this.catalog.lastSucceeded(job.name),
        running: running ? { ...running.progress } : null,
      };
    });
  }

  /** What the backup check judges (backup/assess.ts); null for a job not in the configuration. */
  status(jobName: string): BackupJobStatus | null {
    const job = this.options.jobs().find((j) => j.name === jobName);
    if (!job) return null;
    const running = this.active.get(jobName);
    const lastSuccess = this.catalog.lastSucceeded(jobName);
    return {
      job: jobName,
      schedule: job.schedule ?? null,
      lastRun: this.catalog.last(jobName),
      lastSuccess,
      trend: lastSuccess ? this.catalog.succeededBefore(jobName, lastSuccess.startedAt, 10) : [],
      running: running?.started ? { ...running.progress } : null,
      lastProgressAt: running?.started ? running.lastProgressAt : null,
      stuckAfterMs: this.stuckAfterMs(),
      lastVerify: this.lastVerify.get(jobName) ?? null,
    };
  }

  /** The running job's progress, for the tray tooltip. */
  runningProgress(): BackupProgress[] {
    return [...this.active.values()].filter((r) => r.started).map((r) => ({ ...r.progress }));
  }

  /** Stops schedules, cancels queued runs and aborts running ones (they end cancelled, nothing partial kept). */
  async dispose(graceMs = 10_000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.scheduler.dispose();
    if (this.tickTimer) clearInterval(this.tickTimer);
    for (const run of this.waiting.splice(0)) this.finishWithoutRun(run, 'Kaavan stopped before it started');
    const running = [...this.active.values()];
    for (const run of running) run.controller.abort();
    await Promise.race([Promise.all(running.map((r) => r.done)), new Promise((r) => setTimeout(r, graceMs).unref())]);
  }
}

function resultView(r: RunResult): BackupRunView {
  const started = r.transitions[0]?.at ?? 0;
  return {
    id: r.id,
    job: r.job,
    kind: r.kind,
    state: r.status,
    startedAt: started,
    finishedAt: started + r.durationMs,
    files: r.files,
    bytes: r.bytes,
    storedBytes: r.storedBytes,
    durationMs: r.durationMs,
    warnings: r.warnings.length,
    error: r.error ?? null,
  };
}
