// Wires self-healing into the running engine. The engine tells it, after a commit, that a check went
// DOWN or came back (onTransition), and asks it, inside the recovery's transaction, how to word the
// recovery (recoveryNote). Everything else happens here, one heal at a time per check:
//   DOWN → runHeal (heal-runner.ts: guards, the command on the check's host or the webhook, verify)
//        → state (attempts, cooldown, breaker) persisted in check_kv under "heal", the attempt and
//          its outcome in the audit log and on the alert's events, ONE transaction
//        → another attempt after the cooldown while the outage lasts and attempts remain.
// Heals are off unless a check has a `heal:` block; `enabled: false` keeps one written but unused.
// Reference: docs/channels.md, "Self-healing".
import type { KaavanConfig } from '../config/schema.js';
import type { Host } from '../hosts/host.js';
import type { Store } from '../store/store.js';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import type { SecretReader } from '../alerts/channel-kinds/types.js';
import type { CheckStatus } from '../model.js';
import { alertKey } from '../alerts/alert-manager.js';
import { outageStartOf } from '../alerts/alert-decision.js';
import { healSchema, resolveHeal, type HealConfig, type ResolvedHeal } from './heal-config.js';
import { initialHealState, parseHealState, recoveryAttribution, runHeal, type HealOutcome, type HealState } from './heal-runner.js';

/** The check_kv key holding a check's heal state (attempts, cooldown, breaker). */
export const HEAL_STATE_KEY = 'heal';

export interface HealSubjectRef {
  checkId: number;
  target: string;
  check: string;
}

/** What the engine calls; both methods never throw. */
export interface HealingHook {
  /** Inside the recovery's transaction: "recovered after 'restart nginx'", or null for a check without heal. */
  recoveryNote(checkId: number): string | null;
  /** After the commit of a transition. */
  onTransition(subject: HealSubjectRef, to: CheckStatus, at: number): void;
}

export interface HealCoordinatorOptions {
  store: Store;
  /** The host a check's command runs on (the engine's hostOf). */
  hostOf: (checkId: number) => Host;
  secrets: SecretReader;
  /** Probes the check once, without recording: true when it is up. */
  probe: (subject: HealSubjectRef, signal: AbortSignal) => Promise<boolean>;
  now?: () => number;
  log?: Logger;
  /** Told after a heal was recorded on an alert (the UI reloads it). */
  onRecorded?: (alertId: number | null) => void;
  /** Waits before verifying (tests may shorten it). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** One row of the healing view: a check with a heal block and where its guards stand. */
export interface HealStatus {
  target: string;
  check: string;
  checkId: number | null;
  enabled: boolean;
  /** "command" or "webhook". */
  kind: 'command' | 'webhook';
  /** The exact command line, or the webhook's secret name and method ("POST to the URL in secret redeploy-hook"). */
  action: string;
  label: string;
  maxAttempts: number;
  cooldownMs: number;
  breaker: { phase: 'closed' | 'open' | 'half-open'; failures: number; openedAt: number | null; reopensAt: number | null; threshold: number };
  lastAttemptAt: number | null;
  /** Attempts in the outage now being healed; 0 when the check is not down. */
  attemptsThisOutage: number;
}

const keyOf = (target: string, check: string) => `${target}\u0000${check}`;

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });

/** When the guards allow the next heal after `state`, or null when this outage has no attempts left. Pure. */
export function nextHealAt(heal: ResolvedHeal, state: HealState): number | null {
  if ((state.outage?.attempts ?? 0) >= heal.maxAttempts) return null;
  let at = state.lastAttemptAt === null ? 0 : state.lastAttemptAt + heal.cooldownMs;
  if (state.breaker.phase === 'open' && state.breaker.openedAt !== null) at = Math.max(at, state.breaker.openedAt + heal.breaker.openForMs);
  return at;
}

/** The exact action, as the confirmation and the healing view show it. */
export function describeHealAction(heal: ResolvedHeal): string {
  return heal.action.kind === 'command' ? heal.action.command : `${heal.action.method} to the URL in secret "${heal.action.urlRef}"`;
}

export class HealCoordinator implements HealingHook {
  private heals = new Map<string, { config: HealConfig; resolved: ResolvedHeal }>();
  private readonly chains = new Map<number, Promise<void>>();
  private readonly timers = new Map<number, NodeJS.Timeout>();
  /** Heals running now whose action succeeded (the check may come back before the verify probe). */
  private readonly acted = new Map<number, string>();
  /** Checks the schedule saw up again while their heal (whose action succeeded) was still verifying. */
  private readonly recoveredWhileHealing = new Set<number>();
  private readonly abort = new AbortController();
  private stopped = false;
  private readonly now: () => number;
  private readonly log: Logger;

  constructor(private readonly options: HealCoordinatorOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? silentLogger;
  }

  /** Takes the heal blocks of a (validated) configuration. */
  apply(config: KaavanConfig): void {
    const next = new Map<string, { config: HealConfig; resolved: ResolvedHeal }>();
    for (const target of config.targets ?? []) {
      for (const check of target.checks ?? []) {
        const raw = (check as { heal?: unknown }).heal;
        if (raw === undefined) continue;
        const parsed = healSchema.safeParse(raw);
        if (parsed.success) next.set(keyOf(target.name, check.name), { config: parsed.data, resolved: resolveHeal(parsed.data) });
      }
    }
    this.heals = next;
  }

  private healFor(target: string, check: string): ResolvedHeal | null {
    const entry = this.heals.get(keyOf(target, check));
    return entry && entry.config.enabled !== false ? entry.resolved : null;
  }

  private loadState(checkId: number): HealState {
    return parseHealState(this.options.store.checkKv.get(checkId, HEAL_STATE_KEY) ?? initialHealState());
  }

  recoveryNote(checkId: number): string | null {
    try {
      const label = this.acted.get(checkId);
      if (label !== undefined) return `recovered after '${label}'`;
      const saved = this.options.store.checkKv.get(checkId, HEAL_STATE_KEY);
      const state = parseHealState(saved ?? initialHealState());
      if (!state.outage && !this.hasHealFor(checkId)) return null;
      return recoveryAttribution(state).text;
    } catch (error) {
      this.log.warn('reading the heal state failed', { error: error instanceof Error ? error.message : String(error) });
      return null;
    }
  }

  /** Checks whose alert subject names a configured heal (by the check's current labels). */
  private hasHealFor(checkId: number): boolean {
    const alert = this.options.store.alerts.active(alertKey(checkId)) ?? this.options.store.alerts.latestForCheck(checkId);
    return alert !== null && this.healFor(alert.target, alert.check) !== null;
  }

  onTransition(subject: HealSubjectRef, to: CheckStatus, _at: number): void {
    if (this.stopped) return;
    if (to === 'down') {
      if (this.healFor(subject.target, subject.check)) this.chain(subject.checkId, () => this.attempt(subject));
      return;
    }
    if (to === 'up' || to === 'degraded') {
      if (this.acted.has(subject.checkId)) this.recoveredWhileHealing.add(subject.checkId);
      this.clearTimer(subject.checkId);
      // After any heal in flight has recorded its outcome: the outage is over.
      this.chain(subject.checkId, async () => {
        const state = this.loadState(subject.checkId);
        if (state.outage) this.options.store.checkKv.set(subject.checkId, HEAL_STATE_KEY, recoveryAttribution(state).state, this.now());
      });
    }
  }

  /** Where each configured heal stands (the healing view). */
  status(ids: (target: string, check: string) => number | null): HealStatus[] {
    const rows: HealStatus[] = [];
    for (const [key, { config, resolved }] of this.heals) {
      const [target, check] = key.split('\u0000') as [string, string];
      const checkId = ids(target, check);
      const state = checkId === null ? initialHealState() : this.loadState(checkId);
      const b = state.breaker;
      rows.push({
        target,
        check,
        checkId,
        enabled: config.enabled !== false,
        kind: resolved.action.kind,
        action: describeHealAction(resolved),
        label: resolved.label,
        maxAttempts: resolved.maxAttempts,
        cooldownMs: resolved.cooldownMs,
        breaker: { phase: b.phase, failures: b.failures.length, openedAt: b.openedAt, reopensAt: b.openedAt === null ? null : b.openedAt + resolved.breaker.openForMs, threshold: resolved.breaker.failures },
        lastAttemptAt: state.lastAttemptAt,
        attemptsThisOutage: state.outage?.attempts ?? 0,
      });
    }
    return rows;
  }

  /** Stops timers and aborts heals in flight; resolves once their outcomes are recorded. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const id of [...this.timers.keys()]) this.clearTimer(id);
    this.abort.abort(new Error('Kaavan is stopping'));
    await Promise.all([...this.chains.values()]);
  }

  private chain(checkId: number, work: () => Promise<void>): void {
    const previous = this.chains.get(checkId) ?? Promise.resolve();
    const next = previous
      .then(() => (this.stopped ? undefined : work()))
      .catch((error: unknown) => this.log.warn('self-healing failed', { checkId, error: error instanceof Error ? error.message : String(error) }));
    this.chains.set(checkId, next);
    void next.then(() => {
      if (this.chains.get(checkId) === next) this.chains.delete(checkId);
    });
  }

  private clearTimer(checkId: number): void {
    const t = this.timers.get(checkId);
    if (t) clearTimeout(t);
    this.timers.delete(checkId);
  }

  /** One heal of the check's current outage, if the check is still down and has a heal. */
  private async attempt(subject: HealSubjectRef): Promise<void> {
    if (this.stopped) return;
    const heal = this.healFor(subject.target, subject.check);
    const { store } = this.options;
    const alert = store.alerts.active(alertKey(subject.checkId));
    if (!heal || !alert) return;
    const downSince = outageStartOf(alert);
    const before = this.loadState(subject.checkId);

    let outcome: HealOutcome;
    try {
      outcome = await runHeal(heal, before, downSince, {
        subject,
        host: this.options.hostOf(subject.checkId),
        secrets: this.options.secrets,
        now: this.now,
        // Up by the verification probe, or by the check's own schedule meanwhile (the notice then
        // already credits this heal, so the audit agrees with it).
        verify: async (signal) => {
          if (this.recoveredWhileHealing.has(subject.checkId)) return true;
          const up = await this.options.probe(subject, signal);
          return up || this.recoveredWhileHealing.has(subject.checkId);
        },
        signal: this.abort.signal,
        // Called only once the action succeeded: from then on a recovery is credited to it.
        sleep: (ms, signal) => {
          this.acted.set(subject.checkId, heal.label);
          return (this.options.sleep ?? defaultSleep)(ms, signal);
        },
      });
    } finally {
      this.acted.delete(subject.checkId);
      this.recoveredWhileHealing.delete(subject.checkId);
    }

    const at = this.now();
    const audit = outcome.audit ?? {
      at,
      actor: 'engine',
      action: 'heal',
      subject: `${subject.target} / ${subject.check}`,
      detail: { result: 'skipped', label: heal.label, message: outcome.message, breaker: outcome.state.breaker.phase },
    };
    store.transact(() => {
      store.checkKv.set(subject.checkId, HEAL_STATE_KEY, outcome.state, at);
      store.audit.record(audit);
      // On the timeline at the attempt's start, so it comes before the recovery it caused.
      const startedAt = typeof audit.detail.durationMs === 'number' ? at - audit.detail.durationMs : at;
      if (store.alerts.get(alert.id)) store.alerts.addEvent(alert.id, startedAt, 'heal', outcome.message);
    });
    this.log.info(`self-healing ${subject.target} / ${subject.check}: ${outcome.message}`);
    this.options.onRecorded?.(alert.id);

    // Still down: try again once the guards allow it, while attempts remain.
    if (outcome.result === 'healed' || this.stopped) return;
    if (!store.alerts.active(alertKey(subject.checkId))) return;
    const nextAt = nextHealAt(heal, outcome.state);
    if (nextAt === null) return;
    this.clearTimer(subject.checkId);
    const timer = setTimeout(() => {
      this.timers.delete(subject.checkId);
      this.chain(subject.checkId, () => this.attempt(subject));
    }, Math.max(0, nextAt - this.now()));
    timer.unref?.();
    this.timers.set(subject.checkId, timer);
  }
}
