// The self-healing circuit breaker as a pure state machine. Closed: heals may run; N failed heals
// within the window open it. Open: no heal runs until `openFor` has passed, then it is half-open:
// one trial heal may run; success closes it, failure opens it again for another `openFor`.
// A successful heal while closed clears the failures: the action is known to work again.
// The caller persists the state as JSON (it is plain data) so a restart does not reset it.

export type BreakerPhase = 'closed' | 'open' | 'half-open';

export interface BreakerState {
  phase: BreakerPhase;
  /** Times of failed heals still inside the window (closed), oldest first. */
  failures: number[];
  /** When it last opened; null unless open or half-open. */
  openedAt: number | null;
}

export interface BreakerConfig {
  /** Failed heals within `windowMs` that open the breaker. */
  failures: number;
  windowMs: number;
  /** How long it stays open before one trial heal is allowed. */
  openForMs: number;
}

export const DEFAULT_BREAKER: BreakerConfig = { failures: 3, windowMs: 3_600_000, openForMs: 1_800_000 };

export function closedBreaker(): BreakerState {
  return { phase: 'closed', failures: [], openedAt: null };
}

export type BreakerGate = { allowed: true; state: BreakerState } | { allowed: false; state: BreakerState; until: number };

/** May a heal run at `now`? Moves open → half-open once `openFor` has passed. */
export function breakerGate(state: BreakerState, now: number, config: BreakerConfig): BreakerGate {
  if (state.phase === 'open') {
    const until = (state.openedAt ?? now) + config.openForMs;
    if (now < until) return { allowed: false, state, until };
    return { allowed: true, state: { ...state, phase: 'half-open' } };
  }
  // Half-open allows the one trial; the caller records its result before the next gate.
  return { allowed: true, state };
}

/** The state after a heal ran and succeeded (`ok`) or not. */
export function recordHealResult(state: BreakerState, ok: boolean, now: number, config: BreakerConfig): BreakerState {
  if (ok) return closedBreaker();
  if (state.phase === 'half-open' || state.phase === 'open') return { phase: 'open', failures: [], openedAt: now };
  const failures = [...state.failures.filter((t) => now - t < config.windowMs), now];
  if (failures.length >= config.failures) return { phase: 'open', failures: [], openedAt: now };
  return { phase: 'closed', failures, openedAt: null };
}

/** Reads a persisted state back; anything unreadable starts closed (the safe side is "heals allowed", guarded by maxAttempts). */
export function parseBreakerState(value: unknown): BreakerState {
  const v = value as Partial<BreakerState> | null;
  if (!v || (v.phase !== 'closed' && v.phase !== 'open' && v.phase !== 'half-open')) return closedBreaker();
  const failures = Array.isArray(v.failures) ? v.failures.filter((t): t is number => typeof t === 'number' && Number.isFinite(t)) : [];
  const openedAt = typeof v.openedAt === 'number' && Number.isFinite(v.openedAt) ? v.openedAt : null;
  if (v.phase !== 'closed' && openedAt === null) return closedBreaker();
  return { phase: v.phase, failures, openedAt };
}
