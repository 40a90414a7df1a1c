// What the alerting side must do after a probe, decided from levels, not edges: a check that is
// DOWN has an active alert (unless the operator resolved this very outage by hand), and a check that
// is up or degraded has none. So a write that failed, or a kill between two probes, is repaired by
// the next probe instead of leaving a check DOWN with no alert for ever. Pure: no I/O, no clock.
import type { Alert } from '../model.js';
import type { CheckMachineState, MachineSignal } from '../engine/check-state-machine.js';

export type AlertAction =
  /** `level: 'degraded'` when the check asked for alerts while degraded (a warning, not an outage). */
  | { kind: 'open'; downSince: number; late: boolean; level?: 'degraded' }
  | { kind: 'reopen'; alert: Alert }
  | { kind: 'remind'; alert: Alert; failuresWhileDown: number; downSince: number }
  | { kind: 'seen'; alert: Alert }
  | { kind: 'resolve'; alert: Alert; downtimeMs: number };

export interface AlertDecisionInput {
  next: CheckMachineState;
  signal: MachineSignal | null;
  /** The check's open or acknowledged alert, if any. */
  active: Alert | null;
  /** The check's most recent alert whatever its state (to respect a resolve by hand). */
  latest: Alert | null;
  at: number;
  /** The check's `alertOnDegraded`: a degraded check has an active alert too. */
  alertOnDegraded?: boolean;
}

/** The outage an alert was opened for (its first failure), as recorded in its metadata. */
export function outageStartOf(alert: Alert): number {
  const recorded = alert.metadata.downSince;
  return typeof recorded === 'number' ? recorded : alert.openedAt;
}

export function decideAlert({ next, signal, active, latest, at, alertOnDegraded = false }: AlertDecisionInput): AlertAction | null {
  if (next.status === 'down') {
    const downSince = next.failingSince ?? at;
    if (active) {
      if (signal?.kind === 'down') return { kind: 'reopen', alert: active };
      // A silenced alert (issue 8) sends no reminders until the silence ends; its recovery still goes out.
      if (signal?.kind === 'still-down' && signal.reminder && active.state === 'open' && !((active.silencedUntil ?? 0) > at)) {
        return { kind: 'remind', alert: active, failuresWhileDown: signal.failuresWhileDown, downSince: signal.downSince };
      }
      return { kind: 'seen', alert: active };
    }
    // Resolved by hand during this outage: stay quiet until the check recovers.
    if (latest && latest.resolvedBy === 'manual' && outageStartOf(latest) === downSince) return null;
    return { kind: 'open', downSince, late: signal?.kind !== 'down' };
  }
  if (next.status === 'degraded' && alertOnDegraded) {
    // An alert opened while down stays open through degraded: the check has not recovered yet.
    if (active) return { kind: 'seen', alert: active };
    const degradedSince = next.since ?? at;
    if (latest && latest.resolvedBy === 'manual' && outageStartOf(latest) === degradedSince) return null;
    return { kind: 'open', downSince: degradedSince, late: false, level: 'degraded' };
  }
  if ((next.status === 'up' || next.status === 'degraded') && active) {
    const downtimeMs = signal?.kind === 'recovered' ? signal.downtimeMs : Math.max(0, at - outageStartOf(active));
    return { kind: 'resolve', alert: active, downtimeMs };
  }
  return null;
}
