import { describe, expect, it } from 'vitest';
import { applyOutcome, initialMachineState, type CheckMachineState, type MachineStep } from '../../../src-main/core/engine/check-state-machine.js';
import type { ProbeStatus } from '../../../src-main/core/model.js';

function run(statuses: ProbeStatus[], opts = { retries: 0, reminderEvery: 5 }, start = 1000, step = 1000) {
  let state: CheckMachineState = initialMachineState();
  const steps: MachineStep[] = [];
  statuses.forEach((status, i) => {
    const s = applyOutcome(state, { status }, start + i * step, opts);
    steps.push(s);
    state = s.state;
  });
  return { state, steps };
}

describe('check state machine', () => {
  it('starts pending and becomes up on the first success', () => {
    const { steps } = run(['up']);
    expect(steps[0]!.transition).toEqual({ from: 'pending', to: 'up' });
    expect(steps[0]!.state.since).toBe(1000);
    expect(steps[0]!.signal).toBeNull();
  });

  it('goes down on the first failure when retries is 0 and opens an outage', () => {
    const { steps } = run(['up', 'down']);
    expect(steps[1]!.transition).toEqual({ from: 'up', to: 'down' });
    expect(steps[1]!.signal).toEqual({ kind: 'down', downSince: 2000 });
  });

  it('tolerates `retries` failures as pending, then goes down dated from the first failure', () => {
    const { steps } = run(['up', 'down', 'down', 'down'], { retries: 2, reminderEvery: 5 });
    expect(steps.map((s) => s.state.status)).toEqual(['up', 'pending', 'pending', 'down']);
    expect(steps[1]!.signal).toBeNull();
    expect(steps[2]!.signal).toBeNull();
    expect(steps[3]!.signal).toEqual({ kind: 'down', downSince: 2000 });
    expect(steps.map((s) => s.state.failStreak)).toEqual([0, 1, 2, 3]);
  });

  it('a success during retries resets the streak without any alert signal', () => {
    const { steps, state } = run(['up', 'down', 'up', 'down'], { retries: 1, reminderEvery: 5 });
    expect(steps.map((s) => s.state.status)).toEqual(['up', 'pending', 'up', 'pending']);
    expect(steps.every((s) => s.signal === null)).toBe(true);
    expect(state.failStreak).toBe(1);
  });

  it('asks for a reminder every N failures while down (default cadence 5)', () => {
    const { steps } = run(['down', ...Array<ProbeStatus>(15).fill('down')]);
    const reminders = steps.map((s, i) => (s.signal?.kind === 'still-down' && s.signal.reminder ? i + 1 : null)).filter(Boolean);
    // Down at failure 1; reminders after 5 more failures each: failures 6, 11, 16.
    expect(reminders).toEqual([6, 11, 16]);
  });

  it('reminds on every failure with reminderEvery 1', () => {
    const { steps } = run(['down', 'down', 'down'], { retries: 0, reminderEvery: 1 });
    expect(steps.slice(1).every((s) => s.signal?.kind === 'still-down' && s.signal.reminder)).toBe(true);
  });

  it('recovers with the downtime measured from the first failure', () => {
    const { steps } = run(['up', 'down', 'down', 'down', 'up'], { retries: 1, reminderEvery: 5 }, 0, 60_000);
    expect(steps[4]!.signal).toEqual({ kind: 'recovered', downSince: 60_000, downtimeMs: 180_000 });
    expect(steps[4]!.transition).toEqual({ from: 'down', to: 'up' });
    expect(steps[4]!.state.failingSince).toBeNull();
  });

  it('treats degraded as answering: no failure, and it ends an outage', () => {
    const { steps } = run(['up', 'degraded', 'down', 'degraded']);
    expect(steps.map((s) => s.state.status)).toEqual(['up', 'degraded', 'down', 'degraded']);
    expect(steps[3]!.signal?.kind).toBe('recovered');
  });

  it('keeps `since` while the status does not change', () => {
    const { steps } = run(['up', 'up', 'up']);
    expect(steps.map((s) => s.state.since)).toEqual([1000, 1000, 1000]);
    expect(steps[1]!.transition).toBeNull();
  });
});

describe('reminders by time', () => {
  it('with reminderEveryMs, a 1 s check reminds once per period, not every N probes', () => {
    const opts = { retries: 0, reminderEvery: 5, reminderEveryMs: 30 * 60_000 };
    let state = initialMachineState();
    const reminders: number[] = [];
    for (let t = 0; t <= 3_600_000; t += 1000) {
      const step = applyOutcome(state, { status: 'down' }, t, opts);
      if (step.signal?.kind === 'still-down' && step.signal.reminder) reminders.push(t);
      state = step.state;
    }
    expect(reminders).toEqual([1_800_000, 3_600_000]);
  });
});
