// The monitoring engine. One reconciler maps the configuration onto stable identities and owned
// runtimes (reconciler.ts, runtimes.ts); the scheduler probes; the probes that finish within a short
// window (RECORD_WINDOW_MS) are recorded together in ONE transaction (each one's result, roll-ups,
// state, alert, outbox) and the in-memory state advances only after it commits. Alerts are
// level-triggered (alert-decision.ts), so a failed write heals on the next probe. Failures of Kaavan
// itself (store writes, descriptors) go to SelfHealth, never to a target.
import { createHash } from 'node:crypto';
import type { CheckResult, CheckStatus, CheckView, Overview, OverviewSummary, OverallLevel, TargetView } from '../model.js';
import type { CheckConfig, KaavanConfig, TargetConfig } from '../config/schema.js';
import type { Host } from '../hosts/host.js';
import type { KaavanEvent } from '../api/service.js';
import { resolveCheck, resolveSettings, type ResolvedCheck, type ResolvedSettings } from '../config/resolve.js';
import { applyOutcome, initialMachineState, type CheckMachineState, type MachineStep } from './check-state-machine.js';
import { Scheduler } from './scheduler.js';
import { createProbeRunner, type ProbeRunner } from './probe-runner.js';
import { planReconcile, type DocTarget, type RenameHint } from './reconciler.js';
import { CheckRuntime, TargetRuntime } from './runtimes.js';
import { RollingStats } from '../stats/check-stats.js';
import type { Store, Tx } from '../store/store.js';
import type { AlertManager } from '../alerts/alert-manager.js';
import { alertKey } from '../alerts/alert-manager.js';
import { decideAlert } from '../alerts/alert-decision.js';
import type { SelfHealth } from '../health/self-health.js';
import { localHost } from '../hosts/local-host.js';
import { KaavanError } from '../api/errors.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { describeStoreError } from '../store/store-errors.js';
import { Retention, retentionPolicy } from '../store/retention.js';
import { HostOversight, filterSuppressed } from './host-oversight.js';
import type { HealingHook } from '../healing/heal-coordinator.js';

const SPARKLINE_POINTS = 40;
const DELTA_COALESCE_MS = 150;
const PRUNE_EVERY_MS = 3_600_000;
/**
 * Results that finish within this window share one transaction: a commit (its locks and its write to
 * the log) costs more than the few rows of one result, and at thousands of checks results finish
 * hundreds of times a second. Shorter than the view coalescing (DELTA_COALESCE_MS), so nobody sees
 * a result later than before.
 */
const RECORD_WINDOW_MS = 100;
/** A batch this large is written at once rather than waiting out the window (a short transaction). */
const RECORD_BATCH_MAX = 500;

interface PersistedCheckState {
  machine: CheckMachineState;
  lastResult: CheckResult | null;
}

/** A judged result waiting for the next write. */
interface PendingResult {
  runtime: CheckRuntime;
  result: CheckResult;
}

/** A result as written: its state-machine step and what the runtime held before it. */
interface WrittenResult extends PendingResult {
  step: MachineStep;
  before: CheckMachineState;
  beforeResult: CheckResult | null;
}

const SEVERITY_ORDER: Record<CheckStatus, number> = { paused: 0, up: 1, pending: 2, degraded: 3, down: 4 };

export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  let worst: CheckStatus | null = null;
  for (const s of statuses) if (worst === null || SEVERITY_ORDER[s] > SEVERITY_ORDER[worst]) worst = s;
  return worst ?? 'paused';
}

/** Identity-free hash of a check's settings: recognises a check renamed by hand in the file. */
export function checkFingerprint(check: CheckConfig): string {
  const { name: _name, enabled: _enabled, ...rest } = check as CheckConfig & { enabled?: boolean };
  const stable = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(stable)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.keys(value).sort().map((k) => [k, stable((value as Record<string, unknown>)[k])]))
        : value;
  return createHash('sha256').update(JSON.stringify(stable(rest))).digest('hex').slice(0, 16);
}

const OBSERVER_PROBLEM_CODES = ['descriptors-exhausted', 'keychain-unavailable', 'observer-resources'] as const;

/** Kaavan's own problem behind an observer fault, in words. */
function observerProblem(fault: string): { code: (typeof OBSERVER_PROBLEM_CODES)[number]; message: string } {
  const notDown = 'no server is being marked down until it recovers';
  if (fault === 'EMFILE' || fault === 'ENFILE') {
    return { code: 'descriptors-exhausted', message: `Kaavan ran out of file descriptors (${fault}): probes fail on this computer, so ${notDown}` };
  }
  if (fault === 'SECRETS_UNAVAILABLE') {
    return { code: 'keychain-unavailable', message: `the OS keychain cannot be reached, so checks that use secrets cannot run; ${notDown}` };
  }
  return { code: 'observer-resources', message: `this computer could not run probes (${fault}): ${notDown}` };
}

/** A write of results that failed after its transaction began (so trying them one by one may help). */
class BatchWriteError extends Error {
  constructor(override readonly cause: unknown) {
    super('writing results failed');
  }
}

export interface MonitorEngineOptions {
  store: Store;
  alerts: AlertManager;
  health: SelfHealth;
  emit: (event: KaavanEvent) => void;
  now?: () => number;
  log?: Logger;
  runProbe?: ProbeRunner;
  /** Builds the host of a target (its SSH connection, or this computer). */
  createHost?: (target: TargetConfig) => Host;
  /** A clock that stands still while the computer sleeps (tells a sleep from a wall-clock jump). */
  monotonic?: () => number;
  /** Whether this computer has a network interface besides loopback (observer-offline detection). */
  hasNetwork?: () => boolean;
  /** Self-healing (issue 8): words the recovery, and is told of transitions after they commit. */
  healing?: HealingHook;
}

export type ReconcileReason = 'start' | 'change';

export class MonitorEngine {
  private readonly checks = new Map<number, CheckRuntime>();
  private readonly targets = new Map<number, TargetRuntime>();
  /** Target ids in document order. */
  private targetOrder: number[] = [];
  private scheduler: Scheduler | null = null;
  private settings: ResolvedSettings;
  private paused = false;
  /** When monitoring as a whole was paused (a paused check's status is dated from its pause). */
  private pausedAt: number | null = null;
  private started = false;
  private reconciled = false;
  private deltaTimer: NodeJS.Timeout | null = null;
  private readonly dirty = new Set<number>();
  private pruneTimer: NodeJS.Timeout | null = null;
  /** Results judged but not yet written (see RECORD_WINDOW_MS), in the order they finished. */
  private pending: PendingResult[] = [];
  private writeTimer: NodeJS.Timeout | null = null;
  private persisted: Map<number, PersistedCheckState> | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private pendingHints: RenameHint[] = [];
  private retention: Retention | null = null;
  private pruning: Promise<void> | null = null;
  private stopped = false;
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly runProbe: ProbeRunner;
  /** Dependencies, maintenance, anomalies, observer offline and health scores (hosts issue). */
  readonly oversight: HostOversight;

  constructor(private readonly options: MonitorEngineOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLogger;
    this.runProbe = options.runProbe ?? createProbeRunner({ now: this.now });
    this.settings = resolveSettings({ version: 1 });
    this.oversight = new HostOversight({
      store: options.store,
      alerts: options.alerts,
      health: options.health,
      now: this.now,
      log: this.log,
      checks: this.checks,
      targets: this.targets,
      runNow: (ids) => ids.forEach((id) => void this.scheduler?.runNow(String(id))),
      changed: (id) => (id === undefined ? this.publishOverview() : this.markDirty(id)),
      ...(options.monotonic ? { monotonic: options.monotonic } : {}),
      ...(options.hasNetwork ? { hasNetwork: options.hasNetwork } : {}),
    });
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Announces a rename made through the API, so the next reconcile keeps the entity's identity. */
  expectRename(hint: RenameHint): void {
    this.pendingHints.push(hint);
  }

  /**
   * Applies a (validated) configuration: one reconcile at a time, in order. At start it also closes
   * alerts of checks removed while Kaavan was stopped and repairs alert levels from stored state.
   */
  reconcile(config: KaavanConfig, reason: ReconcileReason = 'change'): Promise<void> {
    // After stop() the store is about to close: a late change (a file event) must not touch it.
    const run = () => (this.stopped ? Promise.resolve() : this.reconcileNow(config, reason));
    const result = this.queue.then(run, run);
    this.queue = result.catch((error: unknown) => this.log.error('reconcile failed', { error }));
    return result;
  }

  private async reconcileNow(config: KaavanConfig, reason: ReconcileReason): Promise<void> {
    const previousSettings = this.settings;
    this.settings = resolveSettings(config);
    if (!this.started) {
      this.paused = this.settings.paused;
      this.pausedAt = this.paused ? this.now() : null;
    }
    const store = this.options.store;
    const at = this.now();
    const hints = this.pendingHints.splice(0);

    const docTargets = config.targets ?? [];
    const resolved = docTargets.map((t) => (t.checks ?? []).map((c) => ({ config: c, resolved: resolveCheck(t.name, c, t.enabled !== false), fingerprint: checkFingerprint(c) })));
    const doc: DocTarget[] = docTargets.map((t, i) => ({
      name: t.name,
      fingerprint: '',
      checks: resolved[i]!.map((c) => ({ name: c.config.name, fingerprint: c.fingerprint })),
    }));
    const firstRun = !this.reconciled;
    const removedText = firstRun && reason === 'start' ? 'removed from the configuration while Kaavan was stopped' : 'removed from the configuration';

    // 1. Identities, in one transaction: create, rename, retire; close alerts of what is gone.
    const applied = store.transact((tx) => {
      const plan = planReconcile(doc, store.entities.live('target'), store.entities.live('check'), hints);
      const ids: Array<{ targetId: number; checkIds: number[] }> = [];
      for (const targetPlan of plan.targets) {
        const target = docTargets[targetPlan.index]!;
        let targetId = targetPlan.id;
        if (targetId === null) targetId = store.entities.create('target', null, target.name, at).id;
        else if (targetPlan.renamedFrom !== null) {
          store.entities.update(targetId, { name: target.name });
          store.audit.record({ at, actor: 'engine', action: 'target.rename', subject: target.name, detail: { from: targetPlan.renamedFrom, to: target.name, keeps: 'history, state and open alerts' } });
        }
        const checkIds: number[] = [];
        for (const checkPlan of targetPlan.checks) {
          const entry = resolved[targetPlan.index]![checkPlan.index]!;
          let id = checkPlan.id;
          if (id === null) id = store.entities.create('check', targetId, entry.config.name, at, entry.fingerprint).id;
          else {
            if (checkPlan.renamedFrom !== null) {
              store.entities.update(id, { name: entry.config.name });
              store.audit.record({ at, actor: 'engine', action: 'check.rename', subject: `${target.name} / ${entry.config.name}`, detail: { from: checkPlan.renamedFrom, to: entry.config.name, keeps: 'history, state and open alerts' } });
            }
            if (checkPlan.fingerprintChanged) store.entities.update(id, { fingerprint: entry.fingerprint });
          }
          if (checkPlan.renamedFrom !== null || targetPlan.renamedFrom !== null) store.alerts.relabel(id, target.name, entry.config.name);
          if (!entry.resolved.enabled) {
            const closed = this.options.alerts.closeForCheck(id, target.enabled === false ? 'check disabled (its target was paused)' : 'check disabled', tx);
            if (closed) {
              store.audit.record({ at, actor: 'engine', action: 'alert.close', subject: `${target.name} / ${entry.config.name}`, detail: { alert: closed.id, reason: 'check disabled' } });
            }
          }
          checkIds.push(id);
        }
        ids.push({ targetId, checkIds });
      }
      const retiredTargetIds = new Set(plan.retireTargets.map((t) => t.id));
      for (const check of plan.retireChecks) {
        store.entities.retire(check.id, at, removedText);
        store.checkState.delete(check.id);
        store.checkKv.delete(check.id);
        const why = retiredTargetIds.has(check.parentId ?? -1) ? `its target was ${removedText}` : `the check was ${removedText}`;
        this.options.alerts.closeForCheck(check.id, why, tx);
        store.audit.record({ at, actor: 'engine', action: 'check.retire', subject: check.name, detail: { id: check.id, reason: why } });
      }
      for (const target of plan.retireTargets) store.entities.retire(target.id, at, removedText);
      return { ids, retiredChecks: plan.retireChecks.map((c) => c.id), retiredTargets: plan.retireTargets.map((t) => t.id) };
    });
    this.reconciled = true;

    // 2. Runtimes: dispose what is gone (awaiting probes in flight), create or update the rest.
    await Promise.all(
      applied.retiredChecks.map(async (id) => {
        const runtime = this.checks.get(id);
        this.checks.delete(id);
        await runtime?.dispose(this.scheduler);
      }),
    );
    await Promise.all(
      applied.retiredTargets.map(async (id) => {
        const runtime = this.targets.get(id);
        this.targets.delete(id);
        await runtime?.dispose();
      }),
    );
    this.persisted ??= store.checkState.load<PersistedCheckState>();
    const fresh: CheckRuntime[] = [];
    const hostChanges: Array<Promise<void>> = [];
    this.targetOrder = [];
    applied.ids.forEach(({ targetId, checkIds }, index) => {
      const target = docTargets[index]!;
      let targetRuntime = this.targets.get(targetId);
      const hostSource = JSON.stringify(target.ssh ?? null);
      const createHost = () => this.options.createHost?.(target) ?? localHost;
      if (!targetRuntime) {
        targetRuntime = new TargetRuntime(targetId, target.name, target.tags ?? [], createHost(), hostSource);
        this.targets.set(targetId, targetRuntime);
      } else if (targetRuntime.hostSource !== hostSource) {
        hostChanges.push(targetRuntime.replaceHost(createHost(), hostSource));
      }
      targetRuntime.name = target.name;
      targetRuntime.tags = target.tags ?? [];
      targetRuntime.checkIds = checkIds;
      this.targetOrder.push(targetId);
      checkIds.forEach((checkId, checkIndex) => {
        const check = { ...resolved[index]![checkIndex]!.resolved, checkId };
        const existing = this.checks.get(checkId);
        if (existing) {
          const changed = JSON.stringify(existing.check.params) !== JSON.stringify(check.params) || existing.check.enabled !== check.enabled;
          if (existing.check.enabled && !check.enabled) existing.pausedAt = at;
          else if (!existing.check.enabled && check.enabled) {
            // Resumed: the status it had before the pause is dated from now, not from before the pause.
            existing.pausedAt = null;
            existing.machine = { ...existing.machine, since: at };
          }
          existing.check = check;
          existing.targetId = targetId;
          if (changed) this.syncJob(existing);
          this.dirty.add(checkId);
        } else {
          const saved = this.persisted!.get(checkId);
          const runtime = new CheckRuntime(check, targetId, saved?.machine ?? initialMachineState(), saved?.lastResult ?? null);
          if (!check.enabled) runtime.pausedAt = at;
          this.checks.set(checkId, runtime);
          fresh.push(runtime);
          this.syncJob(runtime);
        }
      });
    });
    await Promise.all(hostChanges);
    this.oversight.apply(config);
    for (const runtime of fresh) this.loadStats(runtime);
    if (firstRun) this.repairAlertLevels();

    if (this.scheduler && (previousSettings.concurrency !== this.settings.concurrency || previousSettings.jitter !== this.settings.jitter)) {
      this.rebuildScheduler();
    }
    this.publishOverview();
  }

  /**
   * Level-triggered repair at start: a check stored as DOWN without an active alert gets one; a check
   * stored as up or degraded with an active alert has it resolved.
   */
  private repairAlertLevels(): void {
    const store = this.options.store;
    for (const runtime of this.checks.values()) {
      if (!runtime.check.enabled) continue;
      try {
        store.transact((tx) => {
          const active = store.alerts.active(alertKey(runtime.id));
          const latest = active ?? store.alerts.latestForCheck(runtime.id);
          const decided = decideAlert({ next: runtime.machine, signal: null, active, latest, at: this.now(), alertOnDegraded: runtime.check.params.alertOnDegraded });
          const action = filterSuppressed(decided, this.oversight.suppression(runtime, this.now()));
          if (action && action.kind !== 'seen') {
            this.options.alerts.apply(this.subjectOf(runtime), action, runtime.lastResult?.message ?? 'down when Kaavan last ran', this.now(), tx);
          }
        });
      } catch (error) {
        this.reportStoreFailure(error);
      }
    }
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.rebuildScheduler();
    if (!this.paused) this.oversight.start();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref?.();
    void this.prune();
  }

  /**
   * Stops probing; waits for probes in flight, a reconcile and a retention run to settle, so the
   * store can be closed safely afterwards (libsql aborts the process on a closed connection).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const scheduler = this.scheduler;
    this.scheduler = null;
    scheduler?.stop();
    // Probes that finished before the stop are written, as they would have been one by one.
    this.writePending();
    if (this.deltaTimer) clearTimeout(this.deltaTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.deltaTimer = null;
    this.pruneTimer = null;
    this.started = false;
    await this.oversight.stop();
    await this.queue.catch(() => undefined);
    await this.pruning;
    await Promise.all([...this.checks.values()].map((c) => c.dispose(scheduler)));
    await Promise.all([...this.targets.values()].map((t) => t.dispose()));
  }

  setPaused(paused: boolean): void {
    if (paused !== this.paused) this.pausedAt = paused ? this.now() : null;
    this.paused = paused;
    if (this.scheduler) {
      if (paused) this.scheduler.pause();
      else this.scheduler.start();
    }
    if (this.started) void (paused ? this.oversight.stop() : this.oversight.start());
    this.publishOverview();
  }

  /** Probes a check now, outside its schedule, and returns the result. */
  async runNow(target: string, check: string): Promise<CheckResult> {
    const runtime = this.findCheck(target, check);
    if (!runtime) throw new KaavanError('not_found', `no check "${check}" in target "${target}"`);
    if (!this.scheduler) throw new KaavanError('unavailable', 'monitoring has not started');
    const before = runtime.lastResult;
    const outcome = await this.scheduler.runNow(runtime.jobId);
    if (!outcome) throw new KaavanError('conflict', `a probe of ${target} / ${check} is already running; try again in a moment`);
    // The caller waits for this result: it is written now rather than at the end of the window.
    this.writePending();
    const result = runtime.lastResult;
    return result && result !== before ? result : { ...outcome, checkId: runtime.id, target, check, at: this.now() };
  }

  /** The host a check runs on: its target's (SSH or this computer). */
  hostOf(checkId: number | undefined): Host {
    const runtime = checkId === undefined ? undefined : this.checks.get(checkId);
    return (runtime && this.targets.get(runtime.targetId)?.host) ?? localHost;
  }

  /**
   * The host of a target by name (case-insensitive), the same connection its checks use (its
   * pinned hostKey, its trust state); undefined when no target has that name.
   */
  hostOfTarget(name: string): Host | undefined {
    const wanted = name.toLowerCase();
    for (const target of this.targets.values()) if (target.name.toLowerCase() === wanted) return target.host;
    return undefined;
  }

  /** The runtime of a check by its labels (names compare case-insensitively). */
  findCheck(target: string, check: string): CheckRuntime | undefined {
    const t = target.toLowerCase();
    const c = check.toLowerCase();
    for (const runtime of this.checks.values()) {
      if (runtime.check.target.toLowerCase() === t && runtime.check.name.toLowerCase() === c) return runtime;
    }
    return undefined;
  }

  overview(): Overview {
    const now = this.now();
    const targets: TargetView[] = [];
    for (const targetId of this.targetOrder) {
      const target = this.targets.get(targetId);
      if (!target) continue;
      const checks: CheckView[] = [];
      for (const id of target.checkIds) {
        const runtime = this.checks.get(id);
        if (runtime) checks.push(this.viewOf(runtime, now));
      }
      const active = checks.filter((c) => c.status !== 'paused').map((c) => c.status);
      targets.push({ id: target.id, name: target.name, tags: target.tags, status: active.length ? worstStatus(active) : 'paused', checks, ...this.oversight.targetExtras(target, checks, now) });
    }
    return { ...this.summary(now), targets };
  }

  summary(now = this.now()): OverviewSummary {
    const counts: Record<CheckStatus, number> = { pending: 0, up: 0, degraded: 0, down: 0, paused: 0 };
    let retrying = false;
    for (const runtime of this.checks.values()) {
      counts[this.statusOf(runtime)]++;
      if (runtime.check.enabled && runtime.machine.status === 'pending' && runtime.machine.failStreak > 0) retrying = true;
    }
    let openAlerts = 0;
    try {
      openAlerts = this.options.store.alerts.countActive();
    } catch (error) {
      this.reportStoreFailure(error);
    }
    return { paused: this.paused, level: this.levelOf(counts, retrying), counts, openAlerts, generatedAt: now };
  }

  /** Publishes a full snapshot now (structure changed, or pause toggled). */
  publishOverview(): void {
    this.dirty.clear();
    try {
      this.options.emit({ type: 'overview', overview: this.overview() });
    } catch (error) {
      this.log.error('publishing the overview failed', { error });
    }
  }

  /** Marks a check's view as changed; changed views are sent together, at most every 150 ms. */
  markDirty(checkId?: number): void {
    if (checkId !== undefined) this.dirty.add(checkId);
    if (this.deltaTimer || this.stopped) return;
    this.deltaTimer = setTimeout(() => {
      this.deltaTimer = null;
      this.publishDelta();
    }, DELTA_COALESCE_MS);
    this.deltaTimer.unref?.();
  }

  private publishDelta(): void {
    const now = this.now();
    const checks: CheckView[] = [];
    for (const id of this.dirty) {
      const runtime = this.checks.get(id);
      if (runtime) checks.push(this.viewOf(runtime, now));
    }
    this.dirty.clear();
    try {
      this.options.emit({ type: 'checks.changed', checks, summary: this.summary(now) });
    } catch (error) {
      this.log.error('publishing check changes failed', { error });
    }
  }

  private statusOf(runtime: CheckRuntime, machine: CheckMachineState = runtime.machine): CheckStatus {
    return this.paused || !runtime.check.enabled ? 'paused' : machine.status;
  }

  /** A paused check's status began when it (or monitoring as a whole) was paused. */
  private sinceOf(runtime: CheckRuntime): number | null {
    if (!runtime.check.enabled) return runtime.pausedAt ?? runtime.machine.since;
    if (this.paused) return this.pausedAt ?? runtime.machine.since;
    return runtime.machine.since;
  }

  private levelOf(counts: Record<CheckStatus, number>, retrying: boolean): OverallLevel {
    if (this.paused) return 'idle';
    if (counts.down > 0) return 'error';
    if (counts.degraded > 0 || retrying) return 'warning';
    if (counts.up > 0) return 'ok';
    return 'idle';
  }

  private viewOf(runtime: CheckRuntime, now: number): CheckView {
    const { check, machine } = runtime;
    return {
      id: runtime.id,
      targetId: runtime.targetId,
      target: check.target,
      name: check.name,
      kind: check.kind.kind,
      describe: check.describe,
      enabled: check.enabled,
      status: this.statusOf(runtime),
      since: this.sinceOf(runtime),
      lastResult: runtime.lastResult,
      failStreak: machine.failStreak,
      retries: check.retries,
      intervalMs: check.intervalMs,
      stats24h: runtime.stats.stats(now),
      recentLatency: runtime.stats.recentLatency(SPARKLINE_POINTS),
      suppressed: this.oversight.suppression(runtime, now),
    };
  }

  private subjectOf(runtime: CheckRuntime) {
    return { checkId: runtime.id, target: runtime.check.target, check: runtime.check.name, describe: runtime.check.describe, severity: runtime.check.params.severity };
  }

  private rebuildScheduler(): void {
    this.scheduler?.stop();
    this.scheduler = new Scheduler({
      concurrency: this.settings.concurrency,
      jitter: this.settings.jitter,
      now: this.now,
      onOutcome: (id, outcome, startedAt) => this.record(Number(id), { ...outcome, at: startedAt }),
    });
    for (const runtime of this.checks.values()) this.syncJob(runtime);
    if (!this.paused) this.scheduler.start();
  }

  private syncJob(runtime: CheckRuntime): void {
    if (!this.scheduler) return;
    const { check } = runtime;
    if (!check.enabled) {
      void this.scheduler.remove(runtime.jobId);
      return;
    }
    const resolved: ResolvedCheck = check;
    this.scheduler.upsert({
      id: runtime.jobId,
      intervalMs: check.intervalMs,
      timeoutMs: check.timeoutMs,
      probe: this.oversight.wrapProbe(runtime, (signal) => this.runProbe(resolved, signal)),
    });
  }

  /**
   * Takes one probe's outcome: observer faults and an offline observer are settled here; a judged
   * result waits (at most RECORD_WINDOW_MS) to be written with the others that finish meanwhile.
   */
  private record(checkId: number, outcome: Omit<CheckResult, 'target' | 'check'>): void {
    const runtime = this.checks.get(checkId);
    if (!runtime || runtime.isDisposed) return;
    const health = this.options.health;
    if (outcome.observerFault) {
      // This machine failed (out of descriptors, buffers, ports, no keychain): not the target's fault.
      const { code, message } = observerProblem(outcome.observerFault);
      health.raise(code, message);
      this.log.warn('probe failed on this computer', { check: runtime.check.id, code: outcome.observerFault });
      return;
    }
    for (const code of OBSERVER_PROBLEM_CODES) health.clear(code);
    // This computer offline (asleep, no network): the result says nothing about the target.
    const judged = this.oversight.judge(runtime, outcome);
    if (!judged) return;

    const { check } = runtime;
    this.pending.push({ runtime, result: { ...outcome, ...judged, checkId, target: check.target, check: check.name } });
    if (this.pending.length >= RECORD_BATCH_MAX) this.writePending();
    else if (!this.writeTimer) this.writeTimer = setTimeout(() => this.writePending(), RECORD_WINDOW_MS);
  }

  /**
   * Writes the pending results in one transaction, then (only after the commit) advances memory,
   * emits events and lets delivery start. When the transaction fails nothing is written and memory
   * stays where it was: the next probe of each check decides again (level-triggered).
   */
  private writePending(): void {
    if (this.writeTimer) clearTimeout(this.writeTimer);
    this.writeTimer = null;
    // A check removed or replaced meanwhile has nothing left to record into.
    const batch = this.pending.splice(0).filter((p) => !p.runtime.isDisposed && this.checks.get(p.runtime.id) === p.runtime);
    if (batch.length === 0) return;
    const written: WrittenResult[] = [];
    let failed = false;
    try {
      written.push(...this.writeResults(batch));
    } catch (error) {
      if (batch.length > 1 && error instanceof BatchWriteError) {
        // The transaction began but did not commit: one result (or the disk filling up midway) may
        // be the cause, so each is tried on its own and the others are not lost with it. (One that
        // could not begin — the database locked — would fail the same way for each: not retried.)
        for (const one of batch) {
          try {
            written.push(...this.writeResults([one]));
          } catch (single) {
            failed = true;
            this.reportStoreFailure(single instanceof BatchWriteError ? single.cause : single);
          }
        }
      } else {
        failed = true;
        this.reportStoreFailure(error instanceof BatchWriteError ? error.cause : error);
      }
    }
    // The problem stays raised while any result could not be written.
    if (!failed) this.options.health.clear('store-write-failed');
    for (const entry of written) this.afterWrite(entry);
  }

  /**
   * One transaction for `batch`. Each result is decided as if it had been recorded alone, in order:
   * its step starts from the state the previous results left, so while deciding, each runtime holds
   * the state of the results before it in this batch. That all happens synchronously inside this
   * call, and on any failure every runtime is put back before the error leaves it, so nothing else
   * ever sees a state that was not committed. Throws BatchWriteError when the transaction began.
   */
  private writeResults(batch: PendingResult[]): WrittenResult[] {
    const store = this.options.store;
    const written: WrittenResult[] = [];
    let began = false;
    try {
      store.transact((tx) => {
        began = true;
        for (const { runtime, result } of batch) {
          const step = this.writeResult(runtime, result, tx);
          written.push({ runtime, result, step, before: runtime.machine, beforeResult: runtime.lastResult });
          runtime.machine = step.state;
          runtime.lastResult = result;
        }
      });
      return written;
    } catch (error) {
      for (let i = written.length - 1; i >= 0; i--) {
        const entry = written[i]!;
        entry.runtime.machine = entry.before;
        entry.runtime.lastResult = entry.beforeResult;
      }
      throw began ? new BatchWriteError(error) : error;
    }
  }

  /** The rows of one result, inside the batch's transaction: result, roll-ups, state, alert, outbox. */
  private writeResult(runtime: CheckRuntime, result: CheckResult, tx: Tx): MachineStep {
    const store = this.options.store;
    const { check } = runtime;
    const checkId = runtime.id;
    const reminder = check.reminder ?? this.settings;
    const step = applyOutcome(runtime.machine, result, result.at, {
      retries: check.retries,
      reminderEvery: reminder.reminderEvery,
      reminderEveryMs: reminder.reminderEveryMs,
    });
    store.results.insert(checkId, result);
    store.rollups.add(checkId, result.at, result.status, result.latencyMs);
    store.checkState.save(checkId, { machine: step.state, lastResult: result } satisfies PersistedCheckState);
    const active = store.alerts.active(alertKey(checkId));
    const latest = active ?? store.alerts.latestForCheck(checkId);
    const suppressed = this.oversight.suppression(runtime, result.at, step.state.failStreak > 0 ? step.state.failingSince : null);
    const decided = decideAlert({ next: step.state, signal: step.signal, active, latest, at: result.at, alertOnDegraded: check.params.alertOnDegraded });
    const action = filterSuppressed(decided, suppressed);
    const recovery = action?.kind === 'resolve' ? this.options.healing?.recoveryNote(checkId) : null;
    if (action) this.options.alerts.apply({ ...this.subjectOf(runtime), recovery }, action, result.message, result.at, tx);
    return step;
  }

  /** After the commit: statistics, events, the healing hook, views and dependants. */
  private afterWrite({ runtime, result, step, before }: WrittenResult): void {
    const { check } = runtime;
    runtime.stats.add(result.at, result.status, result.latencyMs);
    this.options.emit({ type: 'check.result', result, status: this.statusOf(runtime, step.state) });
    if (step.transition) {
      this.options.emit({
        type: 'check.transition',
        target: check.target,
        check: check.name,
        from: step.transition.from,
        to: step.transition.to,
        at: result.at,
        message: result.message,
      });
      this.options.healing?.onTransition(this.subjectOf(runtime), step.transition.to, result.at);
    }
    this.markDirty(runtime.id);
    this.oversight.recorded(runtime, before);
  }

  private reportStoreFailure(error: unknown): void {
    const text = describeStoreError(error);
    this.options.health.raise('store-write-failed', `Kaavan cannot write its database: ${text}. Checks keep running; results and alerts are recorded again once it can`);
    this.log.error('store write failed', { error: text });
  }

  private loadStats(runtime: CheckRuntime): void {
    try {
      const { rollups, results } = this.options.store;
      runtime.stats = RollingStats.load(rollups, results, runtime.id, this.now());
    } catch (error) {
      this.reportStoreFailure(error);
    }
  }

  /** Retention in small batches (each its own short transaction), then incremental vacuum. */
  private prune(): Promise<void> {
    if (this.stopped || this.pruning) return this.pruning ?? Promise.resolve();
    this.pruning = (async () => {
      try {
        this.retention ??= new Retention(this.options.store.db);
        await this.retention.run(this.now(), retentionPolicy(this.settings.historyRetentionMs), { isCancelled: () => this.stopped });
      } catch (error) {
        this.log.warn('pruning old history failed', { error: describeStoreError(error) });
      } finally {
        this.pruning = null;
      }
    })();
    return this.pruning;
  }
}
