// Runs a check's heal action when it is DOWN, within its guards: at most `maxAttempts` per outage,
// a cooldown between attempts, and the circuit breaker. Then waits `verifyAfter`, asks the caller to
// probe the check again, and reports what happened. Pure decisions (healDecision,
// recoveryAttribution) are apart from the one effectful step (runHeal); the caller persists the
// returned state as JSON, records `audit` in the audit log and puts `message` on the alert.
// Reference: docs/channels.md, "Self-healing".
import type { Host } from '../hosts/host.js';
import type { AuditEntry } from '../model.js';
import type { SecretReader } from '../alerts/channel-kinds/types.js';
import { redact } from '../alerts/channel-kinds/types.js';
import { breakerGate, closedBreaker, parseBreakerState, recordHealResult, type BreakerState } from './circuit-breaker.js';
import type { ResolvedHeal } from './heal-config.js';

export interface OutageHealState {
  /** When the outage began (the alert's down-since): identifies it. */
  downSince: number;
  attempts: number;
  /** The label of the heal after which the check was up again; null when none helped (yet). */
  healedBy: string | null;
}

export interface HealState {
  breaker: BreakerState;
  /** The outage being healed; null while the check is up. */
  outage: OutageHealState | null;
  /** Last attempt, whatever the outage: the cooldown spans outages (a flapping service is not restarted in a loop). */
  lastAttemptAt: number | null;
}

export function initialHealState(): HealState {
  return { breaker: closedBreaker(), outage: null, lastAttemptAt: null };
}

/** Reads a persisted state (JSON.parse output) back; unreadable parts start fresh. */
export function parseHealState(value: unknown): HealState {
  const v = (value ?? {}) as Partial<HealState>;
  const o = v.outage as Partial<OutageHealState> | null | undefined;
  const outage =
    o && typeof o.downSince === 'number' && typeof o.attempts === 'number'
      ? { downSince: o.downSince, attempts: o.attempts, healedBy: typeof o.healedBy === 'string' ? o.healedBy : null }
      : null;
  return { breaker: parseBreakerState(v.breaker), outage, lastAttemptAt: typeof v.lastAttemptAt === 'number' ? v.lastAttemptAt : null };
}

const clock = (ms: number) => `${new Date(ms).toISOString().slice(11, 19)} UTC`;

export type HealDecision = { run: true; attempt: number; state: HealState } | { run: false; reason: string; state: HealState };

/** Whether to heal now, for an outage that began at `downSince`. Pure. */
export function healDecision(heal: ResolvedHeal, state: HealState, downSince: number, now: number): HealDecision {
  const outage = state.outage?.downSince === downSince ? state.outage : { downSince, attempts: 0, healedBy: null };
  const base = { ...state, outage };
  if (outage.attempts >= heal.maxAttempts)
    return { run: false, reason: `not healing: all ${heal.maxAttempts} attempt${heal.maxAttempts === 1 ? '' : 's'} for this outage are used`, state: base };
  if (state.lastAttemptAt !== null && now < state.lastAttemptAt + heal.cooldownMs)
    return { run: false, reason: `not healing: cooling down until ${clock(state.lastAttemptAt + heal.cooldownMs)}`, state: base };
  const gate = breakerGate(state.breaker, now, heal.breaker);
  if (!gate.allowed)
    return { run: false, reason: `not healing: the circuit breaker is open until ${clock(gate.until)} after ${heal.breaker.failures} failed heals`, state: { ...base, breaker: gate.state } };
  return { run: true, attempt: outage.attempts + 1, state: { breaker: gate.state, outage: { ...outage, attempts: outage.attempts + 1 }, lastAttemptAt: now } };
}

export interface HealSubject {
  checkId: number;
  target: string;
  check: string;
}

export interface HealRunContext {
  subject: HealSubject;
  /** Where a command runs: this computer, or the target's SSH host. */
  host: Host;
  secrets: SecretReader;
  now: () => number;
  /** Probes the check once more: true when it is up. */
  verify: (signal: AbortSignal) => Promise<boolean>;
  /** Aborts at shutdown. */
  signal?: AbortSignal;
  /** Waits before verifying (tests may pass a shorter one). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export type HealResult = 'healed' | 'not-healed' | 'failed' | 'skipped';

export interface HealOutcome {
  result: HealResult;
  /** For the alert: "ran 'restart web' on this computer (exit 0); the check is up again". */
  message: string;
  /** Persist this (JSON) in place of the state passed in. */
  state: HealState;
  /** Record in the audit log; null when nothing ran. */
  audit: Omit<AuditEntry, 'id'> | null;
}

const defaultSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => (clearTimeout(t), reject(signal.reason as Error)), { once: true });
  });

const tail = (text: string, max = 400) => {
  const t = text.trim();
  return t.length > max ? `…${t.slice(-max)}` : t;
};

/** Runs the action; resolves with whether it reported success and what it said. */
async function execute(heal: ResolvedHeal, attempt: number, downSince: number, ctx: HealRunContext, signal: AbortSignal): Promise<{ ok: boolean; detail: string; exitCode?: number | null }> {
  const action = heal.action;
  if (action.kind === 'command') {
    try {
      const r = await ctx.host.exec(action.command, { signal, maxOutputBytes: 64 * 1024 });
      const output = tail(`${r.stdout}\n${r.stderr}`);
      const how = r.signal ? `killed by ${r.signal}` : `exit ${r.exitCode}`;
      return { ok: r.exitCode === 0, exitCode: r.exitCode, detail: `ran '${heal.label}' on ${ctx.host.label} (${how})${output ? `: ${output}` : ''}` };
    } catch (err) {
      if (signal.aborted) return { ok: false, detail: `'${heal.label}' on ${ctx.host.label} did not finish within ${heal.timeoutMs / 1000} s and was stopped` };
      return { ok: false, detail: `could not start '${heal.label}' on ${ctx.host.label}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  const raw = await ctx.secrets.get(action.urlRef);
  if (!raw) return { ok: false, detail: `the secret "${action.urlRef}" (heal webhook URL) is not set; store it with \`kaavan secret set ${action.urlRef}\`` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, detail: `the secret "${action.urlRef}" is not a URL` };
  }
  const secrets = [raw, url.pathname, url.search].filter((s) => s.length > 1);
  try {
    const response = await fetch(url, {
      method: action.method,
      headers: { 'content-type': 'application/json', 'idempotency-key': `heal:${ctx.subject.checkId}:${downSince}:${attempt}`, 'user-agent': 'Kaavan' },
      body: JSON.stringify({ target: ctx.subject.target, check: ctx.subject.check, action: heal.label, attempt, down_since: new Date(downSince).toISOString() }),
      signal,
      redirect: 'manual',
    });
    const text = tail((await response.text().catch(() => '')).replace(/\s+/g, ' '), 200);
    return { ok: response.ok, detail: redact(`heal webhook '${heal.label}': HTTP ${response.status} from ${url.host}${text ? `: ${text}` : ''}`, secrets) };
  } catch (err) {
    if (signal.aborted) return { ok: false, detail: `heal webhook '${heal.label}': no answer from ${url.host} within ${heal.timeoutMs / 1000} s` };
    const code = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, detail: `heal webhook '${heal.label}': cannot reach ${url.host}${code ? ` (${code})` : ''}` };
  }
}

/**
 * One heal for an outage that began at `downSince`: decides, runs, verifies, and returns the new
 * state with the audit entry. A heal counts as a success for the breaker only when the check is up
 * again afterwards; a command that exits 0 without fixing anything is a failed heal.
 */
export async function runHeal(heal: ResolvedHeal, state: HealState, downSince: number, ctx: HealRunContext): Promise<HealOutcome> {
  const startedAt = ctx.now();
  const decision = healDecision(heal, state, downSince, startedAt);
  if (!decision.run) return { result: 'skipped', message: decision.reason, state: decision.state, audit: null };

  const stop = ctx.signal ?? new AbortController().signal;
  const ran = await execute(heal, decision.attempt, downSince, ctx, AbortSignal.any([stop, AbortSignal.timeout(heal.timeoutMs)]));
  let up = false;
  if (ran.ok) {
    try {
      await (ctx.sleep ?? defaultSleep)(heal.verifyAfterMs, stop);
      up = await ctx.verify(stop);
    } catch {
      up = false; // stopped while waiting: judged not healed, retried after the restart within the guards
    }
  }
  const result: HealResult = !ran.ok ? 'failed' : up ? 'healed' : 'not-healed';
  const at = ctx.now();
  const breaker = recordHealResult(decision.state.breaker, result === 'healed', at, heal.breaker);
  const outage = decision.state.outage!;
  const next: HealState = { ...decision.state, breaker, outage: { ...outage, healedBy: result === 'healed' ? heal.label : outage.healedBy } };
  const verdict = result === 'healed' ? 'the check is up again' : result === 'not-healed' ? 'the check is still down' : 'the heal failed';
  const opened = breaker.phase === 'open' && decision.state.breaker.phase !== 'open' ? `; circuit breaker open for ${Math.round(heal.breaker.openForMs / 60_000)} min` : '';
  const message = `heal ${decision.attempt}/${heal.maxAttempts}: ${ran.detail}; ${verdict}${opened}`;
  return {
    result,
    message,
    state: next,
    audit: {
      at,
      actor: 'engine',
      action: 'heal',
      subject: `${ctx.subject.target} / ${ctx.subject.check}`,
      detail: {
        result,
        label: heal.label,
        kind: heal.action.kind,
        host: heal.action.kind === 'command' ? ctx.host.label : undefined,
        attempt: decision.attempt,
        maxAttempts: heal.maxAttempts,
        exitCode: ran.exitCode,
        message,
        durationMs: at - startedAt,
        breaker: breaker.phase,
      },
    },
  };
}

/**
 * The recovery's wording and the state once the check is up: "recovered after 'restart nginx'"
 * when a heal of this outage was followed by the check being up, else "recovered by itself".
 */
export function recoveryAttribution(state: HealState): { text: string; state: HealState } {
  const o = state.outage;
  const text = o?.healedBy
    ? `recovered after '${o.healedBy}'`
    : o && o.attempts > 0
      ? `recovered by itself (${o.attempts} heal attempt${o.attempts === 1 ? '' : 's'} did not help)`
      : 'recovered by itself';
  return { text, state: { ...state, outage: null } };
}
