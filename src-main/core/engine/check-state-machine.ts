// Per-check state machine: turns probe outcomes into statuses and the transitions that drive alerts.
// Pure: no I/O, no clock; the engine feeds it outcomes and persists the state it returns.
//
//   retries = failures tolerated before DOWN (Uptime Kuma's meaning): with retries 2, the 1st and
//   2nd consecutive failures show as "pending" (unconfirmed) and the 3rd makes the check DOWN.
//   While DOWN, a reminder is due every `reminderEvery` further failures, or, when `reminderEveryMs`
//   is set, once that much time has passed since the outage began or the last reminder (so a 1 s
//   check does not remind every 5 s).
//   Degraded (slow but answering) is not a failure: it resets the failure streak.
import type { CheckStatus, ProbeOutcome } from '../model.js';

export interface CheckMachineState {
  /** Status from probes alone (pause is applied on top by the engine). */
  status: Exclude<CheckStatus, 'paused'>;
  /** When the current status began. */
  since: number | null;
  /** Consecutive failed probes. */
  failStreak: number;
  /** Time of the first failure of the current streak; when DOWN, the start of the outage. */
  failingSince: number | null;
  /** Failed probes since DOWN was declared (the declaring one counts as 1). */
  failuresWhileDown: number;
  /** When the last reminder was due (or DOWN was declared); drives time-based reminders. */
  lastReminderAt?: number | null;
}

export const initialMachineState = (): CheckMachineState => ({
  status: 'pending',
  since: null,
  failStreak: 0,
  failingSince: null,
  failuresWhileDown: 0,
  lastReminderAt: null,
});

export type MachineSignal =
  | { kind: 'down'; downSince: number }
  | { kind: 'still-down'; failuresWhileDown: number; reminder: boolean; downSince: number }
  | { kind: 'recovered'; downSince: number; downtimeMs: number };

export interface MachineStep {
  state: CheckMachineState;
  /** Set when the status changed. */
  transition: { from: CheckMachineState['status']; to: CheckMachineState['status'] } | null;
  /** What the alerting side must act on, if anything. */
  signal: MachineSignal | null;
}

export interface MachineOptions {
  retries: number;
  /** Remind every N failed probes while DOWN (used when reminderEveryMs is not set). */
  reminderEvery: number;
  /** Remind once this much time has passed since DOWN or the last reminder. */
  reminderEveryMs?: number | null;
}

export function applyOutcome(
  prev: CheckMachineState,
  outcome: Pick<ProbeOutcome, 'status'>,
  at: number,
  opts: MachineOptions,
): MachineStep {
  const next: CheckMachineState = { ...prev };
  let signal: MachineSignal | null = null;

  if (outcome.status === 'down') {
    next.failStreak = prev.failStreak + 1;
    const streakStart = prev.failStreak === 0 ? at : (prev.failingSince ?? at);
    if (prev.status === 'down') {
      next.failuresWhileDown = prev.failuresWhileDown + 1;
      const lastReminderAt = prev.lastReminderAt ?? prev.failingSince ?? at;
      const reminder = opts.reminderEveryMs
        ? at - lastReminderAt >= opts.reminderEveryMs
        : (next.failuresWhileDown - 1) % opts.reminderEvery === 0;
      if (reminder) next.lastReminderAt = at;
      signal = { kind: 'still-down', failuresWhileDown: next.failuresWhileDown, reminder, downSince: prev.failingSince ?? at };
    } else if (next.failStreak > opts.retries) {
      next.status = 'down';
      next.failingSince = streakStart;
      next.failuresWhileDown = 1;
      next.lastReminderAt = at;
      signal = { kind: 'down', downSince: streakStart };
    } else {
      next.status = 'pending';
      // Remember where the streak began so the outage is dated from its first failure.
      next.failingSince = streakStart;
    }
  } else {
    if (prev.status === 'down' && prev.failingSince !== null) {
      signal = { kind: 'recovered', downSince: prev.failingSince, downtimeMs: Math.max(0, at - prev.failingSince) };
    }
    next.status = outcome.status;
    next.failStreak = 0;
    next.failingSince = null;
    next.failuresWhileDown = 0;
    next.lastReminderAt = null;
  }

  const changed = next.status !== prev.status;
  if (changed || next.since === null) next.since = at;
  return { state: next, transition: changed ? { from: prev.status, to: next.status } : null, signal };
}

