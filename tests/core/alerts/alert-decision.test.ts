import { describe, expect, it } from 'vitest';
import { decideAlert } from '../../../src-main/core/alerts/alert-decision.js';
import type { Alert } from '../../../src-main/core/model.js';
import type { CheckMachineState } from '../../../src-main/core/engine/check-state-machine.js';

const machine = (status: CheckMachineState['status'], failingSince: number | null = null): CheckMachineState => ({
  status,
  since: 0,
  failStreak: status === 'down' ? 3 : 0,
  failingSince,
  failuresWhileDown: status === 'down' ? 2 : 0,
});
const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 7, checkId: 1, key: 'check:1', target: 't', check: 'c', severity: 'error', state: 'open', title: 't', message: 'm',
  openedAt: 100, lastSeenAt: 100, ackedAt: null, ackNote: null, resolvedAt: null, resolvedBy: null, count: 1,
  metadata: { downSince: 100 }, ...over,
});

describe('alert decisions are level-triggered', () => {
  it('a DOWN check without an active alert gets one, even when the edge was missed', () => {
    expect(decideAlert({ next: machine('down', 100), signal: null, active: null, latest: null, at: 500 })).toEqual({ kind: 'open', downSince: 100, late: true });
    expect(decideAlert({ next: machine('down', 100), signal: { kind: 'down', downSince: 100 }, active: null, latest: null, at: 500 })).toMatchObject({ kind: 'open', late: false });
  });

  it('an outage resolved by hand stays quiet until it recovers, but a new outage alerts again', () => {
    const manual = alert({ state: 'resolved', resolvedBy: 'manual' });
    expect(decideAlert({ next: machine('down', 100), signal: null, active: null, latest: manual, at: 500 })).toBeNull();
    expect(decideAlert({ next: machine('down', 900), signal: null, active: null, latest: manual, at: 950 })).toMatchObject({ kind: 'open', downSince: 900 });
  });

  it('an up check with an active alert resolves it with the downtime since the outage began', () => {
    expect(decideAlert({ next: machine('up'), signal: null, active: alert(), latest: alert(), at: 4_100 })).toMatchObject({ kind: 'resolve', downtimeMs: 4_000 });
  });

  it('reminders only for open (not acknowledged) alerts', () => {
    const signal = { kind: 'still-down' as const, failuresWhileDown: 6, reminder: true, downSince: 100 };
    expect(decideAlert({ next: machine('down', 100), signal, active: alert(), latest: alert(), at: 600 })).toMatchObject({ kind: 'remind' });
    const acked = alert({ state: 'acknowledged' });
    expect(decideAlert({ next: machine('down', 100), signal, active: acked, latest: acked, at: 600 })).toMatchObject({ kind: 'seen' });
  });

  it('pending (failing within retries) neither opens nor resolves', () => {
    expect(decideAlert({ next: machine('pending', 100), signal: null, active: null, latest: null, at: 200 })).toBeNull();
  });
});
