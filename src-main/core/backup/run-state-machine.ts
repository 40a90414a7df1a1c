// Backup run state machine. Pure: no I/O, no clock; the engine passes the time of each transition
// and persists the record it gets back (docs/backup-format.md §5).
//
//   queued → scanning → archiving → uploading → verifying → succeeded
//   any non-terminal state → failed | cancelled | interrupted (the last set by the next start after a crash)

export const RUN_STATES = ['queued', 'scanning', 'archiving', 'uploading', 'verifying', 'succeeded', 'failed', 'cancelled', 'interrupted'] as const;
export type RunState = (typeof RUN_STATES)[number];

export const TERMINAL_STATES: readonly RunState[] = ['succeeded', 'failed', 'cancelled', 'interrupted'];
export const isTerminal = (s: RunState): boolean => TERMINAL_STATES.includes(s);

const FORWARD: Partial<Record<RunState, RunState>> = {
  queued: 'scanning',
  scanning: 'archiving',
  archiving: 'uploading',
  uploading: 'verifying',
  verifying: 'succeeded',
};

export interface RunTransition {
  from: RunState | null;
  to: RunState;
  at: number;
  /** Why, for failed / cancelled / interrupted. */
  reason?: string;
}

export interface RunStateRecord {
  state: RunState;
  transitions: RunTransition[];
}

export function queuedRun(at: number): RunStateRecord {
  return { state: 'queued', transitions: [{ from: null, to: 'queued', at }] };
}

export function canTransition(from: RunState, to: RunState): boolean {
  if (isTerminal(from)) return false;
  if (to === 'failed' || to === 'cancelled' || to === 'interrupted') return true;
  return FORWARD[from] === to;
}

/** The record after moving to `to`; throws on a transition the machine does not allow. */
export function transition(rec: RunStateRecord, to: RunState, at: number, reason?: string): RunStateRecord {
  if (!canTransition(rec.state, to)) throw new Error(`a backup run cannot go from ${rec.state} to ${to}`);
  const t: RunTransition = { from: rec.state, to, at, ...(reason ? { reason } : {}) };
  return { state: to, transitions: [...rec.transitions, t] };
}

/** Milliseconds from queued to the terminal state (or to `now` while running). */
export function runDuration(rec: RunStateRecord, now: number): number {
  const start = rec.transitions[0]?.at ?? now;
  const end = isTerminal(rec.state) ? rec.transitions[rec.transitions.length - 1]!.at : now;
  return Math.max(0, end - start);
}
