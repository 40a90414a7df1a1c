// What the hosts issue adds around each probe, kept out of monitor-engine.ts, which only calls in:
//   - dependencies: host-level checks of an SSH target depend on reaching it (one watcher per such
//     target, with ONE target-level alert: "web1 unreachable over SSH: …", critical and naming both
//     fingerprints when the host key changed); `dependsOn` names other targets or checks. While a
//     parent fails, its children are "blocked by parent" and open no alerts of their own; when it
//     recovers they run again at once. Alerts opened earlier still resolve with their notice.
//   - maintenance windows: checks run and are recorded, but no alert opens and no reminder goes out;
//   - latency anomalies: an `up` result far slower than usual becomes `degraded`, with the figures;
//   - observer offline: results that say more about this computer than the target are dropped;
//   - the health score and the maintenance state of each target, for the overview.
// The decisions are pure functions in their own modules; this class holds the state and timers.
import type { CheckView, HealthScoreView, ProbeOutcome, TargetView } from '../model.js';
import type { KaavanConfig, CheckConfig } from '../config/schema.js';
import type { Host } from '../hosts/host.js';
import type { Store } from '../store/store.js';
import type { AlertManager, AlertSubject } from '../alerts/alert-manager.js';
import type { AlertAction } from '../alerts/alert-decision.js';
import type { SelfHealth } from '../health/self-health.js';
import type { Logger } from '../log/logger.js';
import type { CheckRuntime, TargetRuntime } from './runtimes.js';
import { decideAlert, outageStartOf } from '../alerts/alert-decision.js';
import { applyOutcome, initialMachineState, type CheckMachineState } from './check-state-machine.js';
import { nameKey } from '../config/fields.js';
import { parseDuration } from '../config/duration.js';
import { healthScore } from '../health/health-score.js';
import { compileMaintenance, maintenanceAt, type MaintenanceState, type MaintenanceWindow } from './maintenance.js';
import { ANOMALY_DEFAULTS, ANOMALY_KINDS_BY_DEFAULT, LatencyWindow, applyLatencyAnomaly, type AnomalyOptions } from './latency-anomaly.js';
import { ObserverOnline } from './observer-online.js';
import { SshHostError } from '../hosts/ssh-host.js';
import { formatInZone } from '../hosts/host-probe.js';

/** Kinds that run on the target's host (over SSH for an SSH target), not from this computer. */
export const HOST_LEVEL_KINDS: ReadonlySet<string> = new Set(['system', 'disk', 'files', 'logs', 'cron', 'command']);

/** The SSH watcher tolerates one failed connection before its alert (like a check's default retries). */
const SSH_PARENT_RETRIES = 1;
/** How often the clocks are compared to notice a sleep without waiting for a probe. */
const WAKE_TICK_MS = 5_000;

export type Suppression = NonNullable<CheckView['suppressed']>;

/** Alert actions allowed while a check is suppressed: it may resolve, never open or remind. */
export function filterSuppressed(action: AlertAction | null, suppressed: Suppression | null): AlertAction | null {
  if (!action || !suppressed) return action;
  switch (action.kind) {
    case 'open':
      return null;
    case 'remind':
    case 'reopen':
      return { kind: 'seen', alert: action.alert };
    default:
      return action;
  }
}

/** A check runtime is failing: DOWN, or its latest probe failed (so children do not race it). */
function failing(machine: CheckMachineState): boolean {
  return machine.status === 'down' || machine.failStreak > 0;
}

/** "web1 unreachable over SSH", or "web1 changed its SSH host key" when that is why. */
function sshProblemText(target: string, problem: SshHostError | null): string {
  return problem?.reason === 'changed-host-key' ? `${target} changed its SSH host key` : `${target} unreachable over SSH`;
}

export function sshAlertKey(targetId: number): string {
  return `ssh:${targetId}`;
}

interface SshParent {
  targetId: number;
  /** The connection watched; a new one (new address, credentials or a trusted key) is probed at once. */
  host: Host;
  machine: CheckMachineState;
  lastError: SshHostError | null;
  intervalMs: number;
  timer: NodeJS.Timeout | null;
  probing: Promise<void> | null;
}

interface Connectable extends Host {
  checkConnection(signal?: AbortSignal): Promise<SshHostError | null>;
}

function isConnectable(host: Host | undefined): host is Connectable {
  return !!host && host.kind === 'ssh' && typeof (host as Partial<Connectable>).checkConnection === 'function';
}

export interface HostOversightDeps {
  store: Store;
  alerts: AlertManager;
  health: SelfHealth;
  now: () => number;
  monotonic?: () => number;
  hasNetwork?: () => boolean;
  log: Logger;
  checks: ReadonlyMap<number, CheckRuntime>;
  targets: ReadonlyMap<number, TargetRuntime>;
  /** Runs these checks now, outside their schedule. */
  runNow: (checkIds: number[]) => void;
  /** A check's (or every check's) view changed. */
  changed: (checkId?: number) => void;
}

export class HostOversight {
  private windows: MaintenanceWindow[] = [];
  /** Maintenance state per target, computed at most once a second (views ask for it per check). */
  private maintenanceCache = new Map<number, { second: number; state: MaintenanceState | null }>();
  private weights: Record<string, number> = {};
  private anomalyDefaults: AnomalyOptions = { ...ANOMALY_DEFAULTS };
  /** Per check: its parents as resolved refs (checks by id, targets by id). */
  private parents = new Map<number, { checks: number[]; targets: number[] }>();
  /** Per check: its latency window and the options it was built for (as text, and the object last seen). */
  private readonly anomalyWindows = new Map<number, { options: string; seen: AnomalyOptions; window: LatencyWindow }>();
  private readonly sshParents = new Map<number, SshParent>();
  /** Children whose own probe found the SSH connection down (before the watcher noticed). */
  private readonly sshBlocked = new Map<number, SshHostError>();
  /** Checks whose latest result was dropped because this computer was offline, with why. */
  private readonly offline = new Map<number, string>();
  readonly observer: ObserverOnline;
  private wakeTimer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(private readonly deps: HostOversightDeps) {
    this.observer = new ObserverOnline({
      now: deps.now,
      ...(deps.monotonic ? { monotonic: deps.monotonic } : {}),
      ...(deps.hasNetwork ? { hasNetwork: deps.hasNetwork } : {}),
    });
  }

  /** Takes in a reconciled configuration: windows, weights, thresholds, dependencies, SSH watchers. */
  apply(config: KaavanConfig): void {
    const settings = config.settings ?? {};
    this.windows = compileMaintenance(config.maintenance ?? []);
    this.maintenanceCache = new Map();
    this.weights = { ...(settings.health?.weights ?? {}) };
    this.anomalyDefaults = anomalyOptions(ANOMALY_DEFAULTS, settings.anomaly);

    const targetsByKey = new Map<string, TargetRuntime>();
    for (const target of this.deps.targets.values()) targetsByKey.set(nameKey(target.name), target);
    const docTargets = new Map((config.targets ?? []).map((t) => [nameKey(t.name), t]));
    const resolveRef = (ref: string, into: { checks: number[]; targets: number[] }) => {
      const [t, c] = ref.split('/').map((p) => p.trim());
      const target = targetsByKey.get(nameKey(t!));
      if (!target) return;
      if (c === undefined) into.targets.push(target.id);
      else {
        const check = target.checkIds.map((id) => this.deps.checks.get(id)).find((r) => r && nameKey(r.check.name) === nameKey(c));
        if (check) into.checks.push(check.id);
      }
    };
    this.parents = new Map();
    for (const target of this.deps.targets.values()) {
      const doc = docTargets.get(nameKey(target.name));
      for (const id of target.checkIds) {
        const runtime = this.deps.checks.get(id);
        if (!runtime) continue;
        const refs = { checks: [] as number[], targets: [] as number[] };
        for (const ref of doc?.dependsOn ?? []) resolveRef(ref, refs);
        for (const ref of (runtime.check.params as CheckConfig & { dependsOn?: string[] }).dependsOn ?? []) resolveRef(ref, refs);
        if (refs.checks.length || refs.targets.length) this.parents.set(id, refs);
      }
    }
    for (const id of this.anomalyWindows.keys()) if (!this.deps.checks.has(id)) this.anomalyWindows.delete(id);
    for (const id of this.offline.keys()) if (!this.deps.checks.has(id)) this.offline.delete(id);
    this.syncSshParents();
  }

  start(): void {
    this.running = true;
    for (const parent of this.sshParents.values()) this.scheduleSsh(parent, 0);
    if (!this.wakeTimer) {
      this.wakeTimer = setInterval(() => {
        if (this.observer.tick()) this.onWake();
      }, WAKE_TICK_MS);
      this.wakeTimer.unref?.();
    }
  }

  /**
   * Stops the watchers. A connection check in flight is not awaited (it may take the connect
   * timeout): its result is dropped once it returns, before it touches the store.
   */
  async stop(): Promise<void> {
    this.running = false;
    if (this.wakeTimer) clearInterval(this.wakeTimer);
    this.wakeTimer = null;
    for (const parent of this.sshParents.values()) this.clearSsh(parent);
  }

  /** The shell saw the computer suspend (Electron's powerMonitor). */
  suspend(): void {
    this.observer.suspend();
    this.deps.health.raise('observer-offline', 'this computer is asleep: results are not counted until it wakes');
    this.deps.changed();
  }

  /** …and resume: every check runs again now. */
  resume(): void {
    this.observer.resume();
    this.onWake();
  }

  // --- Probing -------------------------------------------------------------------------------

  /**
   * Wraps a check's probe: a host-level check of an SSH target first makes sure the connection is
   * up; when it is not, the check is blocked by its parent and its own probe is not run.
   */
  wrapProbe(runtime: CheckRuntime, probe: (signal: AbortSignal) => Promise<ProbeOutcome>): (signal: AbortSignal) => Promise<ProbeOutcome> {
    return async (signal) => {
      const host = this.deps.targets.get(runtime.targetId)?.host;
      if (!HOST_LEVEL_KINDS.has(runtime.check.kind.kind) || !isConnectable(host)) return probe(signal);
      let problem = await host.checkConnection(signal);
      if (!problem) {
        const outcome = await probe(signal);
        // A failure while the connection dropped (the server went away mid-command) is the
        // parent's, not this check's: look again before blaming the check.
        if (outcome.status !== 'down' || signal.aborted) {
          this.sshBlocked.delete(runtime.id);
          return outcome;
        }
        problem = await host.checkConnection(signal);
        if (!problem) {
          this.sshBlocked.delete(runtime.id);
          return outcome;
        }
      }
      this.sshBlocked.set(runtime.id, problem);
      const parent = this.sshParents.get(runtime.targetId);
      // The watcher learns of the failure now, so this child never races it to an alert.
      if (parent && !failing(parent.machine) && !parent.probing) this.scheduleSsh(parent, 0);
      return { status: 'down', latencyMs: null, message: `blocked by parent: ${sshProblemText(runtime.check.target, problem)}: ${problem.message}` };
    };
  }

  /**
   * Judges an outcome before it is recorded: null when it must be dropped (this computer is
   * offline: nothing recorded, nothing alerts), else the outcome, latency anomalies applied.
   */
  judge(runtime: CheckRuntime, outcome: ProbeOutcome): ProbeOutcome | null {
    const host = this.deps.targets.get(runtime.targetId)?.host;
    const network = !HOST_LEVEL_KINDS.has(runtime.check.kind.kind) || host?.kind === 'ssh';
    const verdict = this.observer.judge(`t${runtime.targetId}`, outcome, network, this.deps.now());
    if (verdict.woke) this.onWake();
    if (verdict.observerOffline) {
      this.offline.set(runtime.id, verdict.reason);
      this.deps.health.raise('observer-offline', `${verdict.reason}: results are not counted and nothing alerts until it is back`);
      this.deps.changed(runtime.id);
      return null;
    }
    if (network && outcome.status !== 'down') this.backOnline();
    else if (this.offline.delete(runtime.id)) this.deps.changed(runtime.id);
    const options = this.anomalyFor(runtime);
    if (!options) return outcome;
    return applyLatencyAnomaly(outcome, this.windowOf(runtime, options), options);
  }

  /**
   * Why a check raises no alerts of its own right now, or null. `failingSince` is given only while
   * recording a failed result (the start of its failure streak): parents not probed since are
   * probed now and the check waits for them.
   */
  suppression(runtime: CheckRuntime, at: number, failingSince: number | null = null): Suppression | null {
    const offline = this.offline.get(runtime.id) ?? (this.observer.state(at).offline ? this.observer.state(at).reason : undefined);
    if (offline !== undefined) return { reason: 'observer-offline', message: `observer offline: ${offline}` };
    const blocked = this.blockedBy(runtime, failingSince);
    if (blocked) return { reason: 'blocked', message: `blocked by parent: ${blocked}` };
    const target = this.deps.targets.get(runtime.targetId);
    const maintenance = target ? this.maintenanceOf(target, at) : null;
    if (maintenance) return { reason: 'maintenance', message: `in maintenance until ${formatInZone(maintenance.until)} (${maintenance.reason})` };
    return null;
  }

  /** After a result committed: a parent that stopped failing lets its children run again now. */
  recorded(runtime: CheckRuntime, before: CheckMachineState): void {
    if (failing(before) && !failing(runtime.machine)) this.rerunChildrenOf({ check: runtime.id, target: runtime.targetId });
  }

  // --- Overview ------------------------------------------------------------------------------

  /** The health score, maintenance and host kind of a target, for its TargetView. */
  targetExtras(target: TargetRuntime, checks: readonly CheckView[], at: number): Pick<TargetView, 'health' | 'maintenance' | 'host'> {
    const scored = checks
      .filter((view) => view.enabled)
      .map((view) => {
        const runtime = this.deps.checks.get(view.id);
        return { kind: view.kind, category: runtime?.check.params.category, weight: runtime?.check.weight ?? 1, status: view.status };
      });
    const health: HealthScoreView = healthScore(scored, this.weights);
    const window = this.maintenanceOf(target, at);
    return { health, maintenance: window ? { until: window.until, reason: window.reason } : null, host: target.host.kind };
  }

  private maintenanceOf(target: TargetRuntime, at: number): MaintenanceState | null {
    if (this.windows.length === 0) return null;
    const second = Math.floor(at / 1000);
    const cached = this.maintenanceCache.get(target.id);
    if (cached && cached.second === second) return cached.state;
    const state = maintenanceAt(this.windows, target, at);
    this.maintenanceCache.set(target.id, { second, state });
    return state;
  }

  // --- Dependencies --------------------------------------------------------------------------

  /** What blocks this check, in words ("web1 unreachable over SSH", "db1/postgres is down"), or null. */
  private blockedBy(runtime: CheckRuntime, failingSince: number | null): string | null {
    if (HOST_LEVEL_KINDS.has(runtime.check.kind.kind) && isConnectable(this.deps.targets.get(runtime.targetId)?.host)) {
      const parent = this.sshParents.get(runtime.targetId);
      const own = this.sshBlocked.get(runtime.id);
      if (own || (parent && failing(parent.machine))) return sshProblemText(runtime.check.target, own ?? parent?.lastError ?? null);
    }
    const refs = this.parents.get(runtime.id);
    if (!refs) return null;
    for (const id of refs.checks) {
      const parent = this.deps.checks.get(id);
      if (parent && parent.check.enabled && failing(parent.machine)) return `${parent.check.target}/${parent.check.name} is ${parent.machine.status === 'down' ? 'down' : 'failing'}`;
    }
    for (const id of refs.targets) {
      const target = this.deps.targets.get(id);
      if (!target) continue;
      const ssh = this.sshParents.get(id);
      if (ssh && failing(ssh.machine)) return sshProblemText(target.name, ssh.lastError);
      const down = target.checkIds.map((c) => this.deps.checks.get(c)).find((c) => c && c.check.enabled && failing(c.machine));
      if (down) return `${target.name} is down (${down.check.name})`;
    }
    // A failing child whose parents look fine, but were last probed before its failure began, may
    // only be failing because of them: they are probed now, and the child waits for their verdict
    // (its alert, if it still fails with its parents up, opens on its next probe).
    if (failingSince !== null) {
      const stale = this.parentChecksOf(refs).filter((c) => c.check.enabled && (c.lastResult?.at ?? -Infinity) < failingSince);
      if (stale.length) {
        this.deps.runNow(stale.map((c) => c.id));
        return `waiting for ${stale.map((c) => `${c.check.target}/${c.check.name}`).join(', ')} to be checked`;
      }
    }
    return null;
  }

  private parentChecksOf(refs: { checks: number[]; targets: number[] }): CheckRuntime[] {
    const ids = [...refs.checks, ...refs.targets.flatMap((id) => this.deps.targets.get(id)?.checkIds ?? [])];
    return ids.map((id) => this.deps.checks.get(id)).filter((c): c is CheckRuntime => !!c);
  }

  private rerunChildrenOf(parent: { check?: number; target: number }, sshOnly = false): void {
    const children: number[] = [];
    for (const runtime of this.deps.checks.values()) {
      if (!runtime.check.enabled) continue;
      const sshChild = runtime.targetId === parent.target && HOST_LEVEL_KINDS.has(runtime.check.kind.kind);
      if (sshOnly) {
        if (sshChild) children.push(runtime.id);
        continue;
      }
      const refs = this.parents.get(runtime.id);
      if (refs && ((parent.check !== undefined && refs.checks.includes(parent.check)) || refs.targets.includes(parent.target))) children.push(runtime.id);
    }
    if (sshOnly) for (const [id, refs] of this.parents) if (refs.targets.includes(parent.target) && !children.includes(id)) children.push(id);
    if (children.length) this.deps.runNow(children);
  }

  // --- The SSH watcher of each SSH target with host-level checks -----------------------------

  private syncSshParents(): void {
    const wanted = new Map<number, { intervalMs: number; host: Host }>();
    for (const target of this.deps.targets.values()) {
      if (!isConnectable(target.host)) continue;
      const intervals = target.checkIds
        .map((id) => this.deps.checks.get(id))
        .filter((r): r is CheckRuntime => !!r && r.check.enabled && HOST_LEVEL_KINDS.has(r.check.kind.kind))
        .map((r) => r.check.intervalMs);
      if (intervals.length) wanted.set(target.id, { intervalMs: Math.min(...intervals), host: target.host });
    }
    for (const [id, parent] of this.sshParents) {
      if (wanted.has(id)) continue;
      this.clearSsh(parent);
      this.sshParents.delete(id);
      this.closeSshAlert(id, 'the target no longer has host-level checks over SSH');
    }
    for (const [id, { intervalMs, host }] of wanted) {
      const existing = this.sshParents.get(id);
      if (existing) {
        existing.intervalMs = intervalMs;
        if (existing.host !== host) {
          // The connection changed (e.g. its host key was just trusted): judge it now, not at the next interval.
          existing.host = host;
          if (this.running && !existing.probing) this.scheduleSsh(existing, 0);
        }
        continue;
      }
      const parent: SshParent = { targetId: id, host, machine: this.sshMachineFromStore(id), lastError: null, intervalMs, timer: null, probing: null };
      this.sshParents.set(id, parent);
      if (this.running) this.scheduleSsh(parent, 0);
    }
  }

  /**
   * The watcher's state after a restart: DOWN since its open alert's outage when it has one, so a
   * server still away stays on that alert (reminders as usual) instead of announcing it again.
   */
  private sshMachineFromStore(targetId: number): CheckMachineState {
    try {
      const active = this.deps.store.alerts.active(sshAlertKey(targetId));
      if (!active) return initialMachineState();
      const since = outageStartOf(active);
      return { status: 'down', since, failStreak: 1, failingSince: since, failuresWhileDown: active.count, lastReminderAt: active.lastSeenAt };
    } catch {
      return initialMachineState();
    }
  }

  private clearSsh(parent: SshParent): void {
    if (parent.timer) clearTimeout(parent.timer);
    parent.timer = null;
  }

  private scheduleSsh(parent: SshParent, delay: number): void {
    if (!this.running) return;
    this.clearSsh(parent);
    parent.timer = setTimeout(() => {
      parent.timer = null;
      if (parent.probing) return;
      const probed = parent.host;
      parent.probing = this.probeSsh(parent).finally(() => {
        parent.probing = null;
        if (this.sshParents.get(parent.targetId) === parent) this.scheduleSsh(parent, parent.host === probed ? parent.intervalMs : 0);
      });
    }, delay);
    parent.timer.unref?.();
  }

  private async probeSsh(parent: SshParent): Promise<void> {
    const target = this.deps.targets.get(parent.targetId);
    if (!target || !isConnectable(target.host)) return;
    const problem = await target.host.checkConnection();
    if (!this.running || this.sshParents.get(parent.targetId) !== parent) return;
    const at = this.deps.now();
    const outcome: ProbeOutcome = problem
      ? { status: 'down', latencyMs: null, message: `${sshProblemText(target.name, problem)}: ${problem.message}` }
      : { status: 'up', latencyMs: null, message: `${target.name} reachable over SSH` };
    // A lost network or a sleep is this computer's problem, not the server's.
    const verdict = this.observer.judge(`t${target.id}`, { status: outcome.status, message: problem?.message ?? '' }, true, at);
    if (verdict.woke) this.onWake();
    if (verdict.observerOffline) return;
    const before = parent.machine;
    const step = applyOutcome(before, outcome, at, { retries: problem?.reason === 'changed-host-key' ? 0 : SSH_PARENT_RETRIES, reminderEvery: 5 });
    const changedKey = problem?.reason === 'changed-host-key';
    const subject: AlertSubject = {
      checkId: null,
      key: sshAlertKey(target.id),
      target: target.name,
      check: changedKey ? 'SSH host key' : 'SSH connection',
      describe: target.host.label,
      severity: changedKey ? 'critical' : 'error',
    };
    const message = outcome.message;
    const store = this.deps.store;
    try {
      store.transact((tx) => {
        const active = store.alerts.active(sshAlertKey(target.id));
        const latest = active ?? this.latestByKey(sshAlertKey(target.id));
        const action = decideAlert({ next: step.state, signal: step.signal, active, latest, at });
        const inMaintenance = this.maintenanceOf(target, at);
        const allowed = filterSuppressed(action, inMaintenance ? { reason: 'maintenance', message: inMaintenance.reason } : null);
        if (allowed) this.deps.alerts.apply(subject, allowed, message, at, tx);
      });
    } catch (error) {
      this.deps.log.warn('recording the SSH connection state failed', { target: target.name, error: error instanceof Error ? error.message : String(error) });
      return;
    }
    parent.machine = step.state;
    parent.lastError = problem;
    if (failing(before) !== failing(step.state)) {
      // The children's cards change (blocked or not); on recovery they run again at once.
      for (const id of target.checkIds) this.deps.changed(id);
      if (!failing(step.state)) {
        for (const id of target.checkIds) this.sshBlocked.delete(id);
        this.rerunChildrenOf({ target: target.id }, true);
      }
    }
  }

  private latestByKey(key: string) {
    const row = this.deps.store.db.prepare('SELECT id FROM alerts WHERE key = ? ORDER BY id DESC LIMIT 1').get(key) as { id: number } | undefined;
    return row ? this.deps.store.alerts.get(Number(row.id)) : null;
  }

  private closeSshAlert(targetId: number, reason: string): void {
    const store = this.deps.store;
    try {
      store.transact((tx) => {
        const active = store.alerts.active(sshAlertKey(targetId));
        if (!active) return;
        const at = this.deps.now();
        this.deps.alerts.apply(
          { checkId: null, key: sshAlertKey(targetId), target: active.target, check: active.check, describe: '' },
          { kind: 'resolve', alert: active, downtimeMs: Math.max(0, at - active.openedAt) },
          reason,
          at,
          tx,
        );
      });
    } catch (error) {
      this.deps.log.warn('closing an SSH alert failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }

  // --- Observer offline ----------------------------------------------------------------------

  private backOnline(): void {
    this.deps.health.clear('observer-offline');
    if (this.offline.size === 0) return;
    const ids = [...this.offline.keys()];
    this.offline.clear();
    for (const id of ids) this.deps.changed(id);
    // Whatever was dropped while offline is probed again now rather than at its next interval.
    this.runSoon(ids);
  }

  /**
   * Runs checks right after the current turn: the probe whose outcome is being judged is still
   * "running" in the scheduler until then, and would otherwise be skipped.
   */
  private runSoon(ids: number[]): void {
    setTimeout(() => {
      if (this.running) this.deps.runNow(ids);
    }, 0).unref?.();
  }

  private onWake(): void {
    this.deps.health.clear('observer-offline');
    this.offline.clear();
    this.deps.changed();
    this.runSoon([...this.deps.checks.keys()]);
    for (const parent of this.sshParents.values()) if (!parent.probing) this.scheduleSsh(parent, 0);
  }

  // --- Latency anomalies ---------------------------------------------------------------------

  private anomalyFor(runtime: CheckRuntime): AnomalyOptions | null {
    const own = (runtime.check.params as CheckConfig & { anomaly?: boolean | AnomalySetting & { enabled?: boolean } }).anomaly;
    if (own === false || (typeof own === 'object' && own.enabled === false)) return null;
    if (own === undefined && !ANOMALY_KINDS_BY_DEFAULT.has(runtime.check.kind.kind)) return null;
    return typeof own === 'object' ? anomalyOptions(this.anomalyDefaults, own) : this.anomalyDefaults;
  }

  private windowOf(runtime: CheckRuntime, options: AnomalyOptions): LatencyWindow {
    const entry = this.anomalyWindows.get(runtime.id);
    // The same options object (the defaults, usually) needs no comparison: one stringify per result is not free at thousands of checks.
    if (entry && entry.seen === options) return entry.window;
    const key = JSON.stringify(options);
    if (entry && entry.options === key) {
      entry.seen = options;
      return entry.window;
    }
    const window = new LatencyWindow(options.window);
    try {
      // Seeded from stored results, so a restart does not start learning from nothing.
      for (const point of this.deps.store.results.recent(runtime.id, options.window)) {
        if (point.status !== 'down' && point.latencyMs !== null) window.add(point.latencyMs);
      }
    } catch {
      // An unreadable history only means learning from scratch.
    }
    this.anomalyWindows.set(runtime.id, { options: key, seen: options, window });
    return window;
  }
}

interface AnomalySetting {
  window?: number | undefined;
  z?: number | undefined;
  minSamples?: number | undefined;
  minDelta?: string | number | undefined;
}

function anomalyOptions(base: AnomalyOptions, setting: AnomalySetting | undefined): AnomalyOptions {
  if (!setting) return { ...base };
  return {
    window: setting.window ?? base.window,
    z: setting.z ?? base.z,
    minSamples: setting.minSamples ?? base.minSamples,
    minDeltaMs: setting.minDelta !== undefined ? (parseDuration(setting.minDelta) ?? base.minDeltaMs) : base.minDeltaMs,
  };
}
