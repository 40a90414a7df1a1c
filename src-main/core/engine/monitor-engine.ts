// The monitoring engine: keeps one runtime per configured check, feeds probe outcomes through the
// state machine, persists results and state, hands signals to the alert manager and publishes
// events. Reconciles in place when the configuration changes (unchanged checks keep their state).
import type { CheckResult, CheckStatus, CheckView, Overview, OverallLevel, TargetView } from '../model.js';
import type { KaavanConfig } from '../config/schema.js';
import type { KaavanEvent } from '../api/service.js';
import { resolveChecks, resolveSettings, type ResolvedCheck, type ResolvedSettings } from '../config/resolve.js';
import { applyOutcome, initialMachineState, type CheckMachineState } from './check-state-machine.js';
import { Scheduler } from './scheduler.js';
import { createProbeRunner, type ProbeRunner } from './probe-runner.js';
import { RollingStats, STATS_WINDOW_MS } from '../stats/check-stats.js';
import type { Store } from '../store/store.js';
import type { AlertManager } from '../alerts/alert-manager.js';
import { KaavanError } from '../api/errors.js';

const SPARKLINE_POINTS = 40;
const OVERVIEW_COALESCE_MS = 150;
const PRUNE_EVERY_MS = 3_600_000;

interface PersistedCheckState {
  machine: CheckMachineState;
  lastResult: CheckResult | null;
}

interface CheckRuntime {
  check: ResolvedCheck;
  machine: CheckMachineState;
  lastResult: CheckResult | null;
  stats: RollingStats;
}

const SEVERITY_ORDER: Record<CheckStatus, number> = { paused: 0, up: 1, pending: 2, degraded: 3, down: 4 };

export function worstStatus(statuses: CheckStatus[]): CheckStatus {
  let worst: CheckStatus | null = null;
  for (const s of statuses) if (worst === null || SEVERITY_ORDER[s] > SEVERITY_ORDER[worst]) worst = s;
  return worst ?? 'paused';
}

export interface MonitorEngineOptions {
  store: Store;
  alerts: AlertManager;
  emit: (event: KaavanEvent) => void;
  now?: () => number;
  /** Reports unexpected internal errors (logged by the caller); the engine carries on. */
  onError?: (error: unknown) => void;
  runProbe?: ProbeRunner;
}

export class MonitorEngine {
  private readonly runtimes = new Map<string, CheckRuntime>();
  private readonly targets = new Map<string, { tags: string[]; checkIds: string[] }>();
  private scheduler: Scheduler | null = null;
  private settings: ResolvedSettings;
  private paused = false;
  private started = false;
  private overviewTimer: NodeJS.Timeout | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private persisted: Map<string, PersistedCheckState>;
  private readonly now: () => number;
  private readonly runProbe: ProbeRunner;

  constructor(private readonly options: MonitorEngineOptions) {
    this.now = options.now ?? Date.now;
    this.runProbe = options.runProbe ?? createProbeRunner({ now: this.now });
    this.settings = resolveSettings({ version: 1 });
    this.persisted = options.store.checkState.load<PersistedCheckState>();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Applies a (validated) configuration; safe to call before or after start(). */
  applyConfig(config: KaavanConfig): void {
    const previousSettings = this.settings;
    this.settings = resolveSettings(config);
    if (!this.started) this.paused = this.settings.paused;
    const resolved = resolveChecks(config);
    const wanted = new Set(resolved.map((c) => c.id));

    for (const [id, runtime] of this.runtimes) {
      if (!wanted.has(id)) {
        this.scheduler?.remove(id);
        this.runtimes.delete(id);
        this.options.store.checkState.delete(runtime.check.target, runtime.check.name);
        this.options.alerts.closeForRetiredCheck(runtime.check.target, runtime.check.name, 'removed from');
      }
    }

    this.targets.clear();
    for (const target of config.targets ?? []) {
      this.targets.set(target.name, { tags: target.tags ?? [], checkIds: (target.checks ?? []).map((c) => `${target.name}/${c.name}`) });
    }

    const fresh: string[] = [];
    for (const check of resolved) {
      const existing = this.runtimes.get(check.id);
      if (existing) {
        const changed = JSON.stringify(existing.check.params) !== JSON.stringify(check.params);
        if (existing.check.enabled && !check.enabled) {
          this.options.alerts.closeForRetiredCheck(check.target, check.name, 'disabled in');
        }
        existing.check = check;
        if (changed) this.syncJob(existing);
      } else {
        const saved = this.persisted.get(check.id);
        const runtime: CheckRuntime = {
          check,
          machine: saved?.machine ?? initialMachineState(),
          lastResult: saved?.lastResult ?? null,
          stats: new RollingStats(),
        };
        this.runtimes.set(check.id, runtime);
        fresh.push(check.id);
        this.syncJob(runtime);
      }
    }
    if (fresh.length) this.loadStats(fresh);

    if (this.scheduler && (previousSettings.concurrency !== this.settings.concurrency || previousSettings.jitter !== this.settings.jitter)) {
      this.rebuildScheduler();
    }
    this.scheduleOverview();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.rebuildScheduler();
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_EVERY_MS);
    this.pruneTimer.unref?.();
    this.prune();
  }

  stop(): void {
    this.scheduler?.stop();
    this.scheduler = null;
    if (this.overviewTimer) clearTimeout(this.overviewTimer);
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.overviewTimer = null;
    this.pruneTimer = null;
    this.started = false;
  }

  setPaused(paused: boolean): void {
    this.paused = paused;
    if (this.scheduler) {
      if (paused) this.scheduler.pause();
      else this.scheduler.start();
    }
    this.scheduleOverview(true);
  }

  /** Probes a check now, outside its schedule, and returns the result. */
  async runNow(target: string, check: string): Promise<CheckResult> {
    const id = `${target}/${check}`;
    const runtime = this.runtimes.get(id);
    if (!runtime) throw new KaavanError('not_found', `no check "${check}" in target "${target}"`);
    if (!this.scheduler) throw new KaavanError('unavailable', 'monitoring has not started');
    const before = runtime.lastResult;
    const outcome = await this.scheduler.runNow(id);
    if (!outcome) throw new KaavanError('conflict', `a probe of ${target} / ${check} is already running; try again in a moment`);
    const result = this.runtimes.get(id)?.lastResult;
    return result && result !== before ? result : { ...outcome, target, check, at: this.now() };
  }

  overview(): Overview {
    const now = this.now();
    const counts: Record<CheckStatus, number> = { pending: 0, up: 0, degraded: 0, down: 0, paused: 0 };
    const targets: TargetView[] = [];
    for (const [name, target] of this.targets) {
      const checks: CheckView[] = [];
      for (const id of target.checkIds) {
        const runtime = this.runtimes.get(id);
        if (!runtime) continue;
        const view = this.viewOf(runtime, now);
        counts[view.status]++;
        checks.push(view);
      }
      const active = checks.filter((c) => c.status !== 'paused').map((c) => c.status);
      targets.push({ id: 0, name, tags: target.tags, status: active.length ? worstStatus(active) : 'paused', checks });
    }
    return {
      paused: this.paused,
      level: this.levelOf(counts),
      counts,
      openAlerts: this.options.store.alerts.countActive(),
      targets,
      generatedAt: now,
    };
  }

  /** Publishes an overview soon (coalesced: many results in a burst give one event). */
  scheduleOverview(immediate = false): void {
    if (immediate) {
      if (this.overviewTimer) clearTimeout(this.overviewTimer);
      this.overviewTimer = null;
      this.publishOverview();
      return;
    }
    if (this.overviewTimer) return;
    this.overviewTimer = setTimeout(() => {
      this.overviewTimer = null;
      this.publishOverview();
    }, OVERVIEW_COALESCE_MS);
    this.overviewTimer.unref?.();
  }

  private publishOverview(): void {
    try {
      this.options.emit({ type: 'overview', overview: this.overview() });
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private levelOf(counts: Record<CheckStatus, number>): OverallLevel {
    if (this.paused) return 'idle';
    if (counts.down > 0) return 'error';
    const retrying = [...this.runtimes.values()].some((r) => r.check.enabled && r.machine.status === 'pending' && r.machine.failStreak > 0);
    if (counts.degraded > 0 || retrying) return 'warning';
    if (counts.up > 0) return 'ok';
    return 'idle';
  }

  private viewOf(runtime: CheckRuntime, now: number): CheckView {
    const { check, machine } = runtime;
    return {
      id: check.checkId ?? 0,
      targetId: 0,
      target: check.target,
      name: check.name,
      kind: check.kind.kind,
      describe: check.describe,
      enabled: check.enabled,
      status: this.paused || !check.enabled ? 'paused' : machine.status,
      since: machine.since,
      lastResult: runtime.lastResult,
      failStreak: machine.failStreak,
      retries: check.retries,
      intervalMs: check.intervalMs,
      stats24h: runtime.stats.stats(now),
      recentLatency: runtime.stats.recentLatency(SPARKLINE_POINTS),
    };
  }

  private rebuildScheduler(): void {
    this.scheduler?.stop();
    this.scheduler = new Scheduler({
      concurrency: this.settings.concurrency,
      jitter: this.settings.jitter,
      now: this.now,
      onOutcome: (id, outcome, startedAt) => this.record(id, { ...outcome, at: startedAt }),
    });
    for (const runtime of this.runtimes.values()) this.syncJob(runtime);
    if (!this.paused) this.scheduler.start();
  }

  private syncJob(runtime: CheckRuntime): void {
    if (!this.scheduler) return;
    const { check } = runtime;
    if (!check.enabled) {
      this.scheduler.remove(check.id);
      return;
    }
    this.scheduler.upsert({
      id: check.id,
      intervalMs: check.intervalMs,
      timeoutMs: check.timeoutMs,
      probe: (signal) => this.runProbe(check, signal),
    });
  }

  private record(id: string, outcome: Omit<CheckResult, 'target' | 'check'>): void {
    const runtime = this.runtimes.get(id);
    if (!runtime) return;
    const { check } = runtime;
    const result: CheckResult = { ...outcome, target: check.target, check: check.name };
    try {
      const step = applyOutcome(runtime.machine, result, result.at, {
        retries: check.retries,
        reminderEvery: this.settings.reminderEvery,
      });
      runtime.machine = step.state;
      runtime.lastResult = result;
      runtime.stats.add(result.at, result.status, result.latencyMs);
      this.options.store.results.insert(result);
      this.options.store.checkState.save(check.target, check.name, { machine: step.state, lastResult: result } satisfies PersistedCheckState);
      if (step.signal) this.options.alerts.handle({ target: check.target, check: check.name, describe: check.describe }, step.signal, result.message, result.at);
      this.options.emit({ type: 'check.result', result, status: step.state.status });
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
      }
    } catch (error) {
      // A store or listener failure must not stop monitoring; report it and keep going.
      this.options.onError?.(error);
    }
    this.scheduleOverview();
  }

  private loadStats(ids: string[]): void {
    const since = this.now() - STATS_WINDOW_MS;
    for (const id of ids) {
      const runtime = this.runtimes.get(id)!;
      const history = this.options.store.results.history(runtime.check.target, runtime.check.name, since, 100_000);
      for (const point of history) runtime.stats.add(point.at, point.status, point.latencyMs);
    }
  }

  private prune(): void {
    try {
      this.options.store.results.prune(this.now() - Math.max(this.settings.historyRetentionMs, STATS_WINDOW_MS));
    } catch (error) {
      this.options.onError?.(error);
    }
  }
}
