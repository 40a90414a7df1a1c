import { describe, expect, it } from 'vitest';
import { planReconcile, type DocTarget, type LiveEntity } from '../../../src-main/core/engine/reconciler.js';

const target = (name: string, checks: Array<[string, string]>): DocTarget => ({
  name,
  fingerprint: '',
  checks: checks.map(([n, fingerprint]) => ({ name: n, fingerprint })),
});
const liveT = (id: number, name: string): LiveEntity => ({ id, name, parentId: null, fingerprint: null });
const liveC = (id: number, parentId: number, name: string, fingerprint: string): LiveEntity => ({ id, name, parentId, fingerprint });

describe('reconciler', () => {
  const targets = [liveT(1, 'web1')];
  const checks = [liveC(10, 1, 'home', 'fp-home'), liveC(11, 1, 'api', 'fp-api')];

  it('keeps ids for unchanged names (case-insensitively) and creates what is new', () => {
    const plan = planReconcile([target('WEB1', [['home', 'fp-home'], ['api', 'fp-api'], ['new', 'fp-new']])], targets, checks);
    expect(plan.targets[0]).toMatchObject({ id: 1, renamedFrom: 'web1' });
    expect(plan.targets[0]!.checks.map((c) => c.id)).toEqual([10, 11, null]);
    expect(plan.retireTargets).toEqual([]);
    expect(plan.retireChecks).toEqual([]);
  });

  it('follows a rename announced by the API even when the settings changed too', () => {
    const plan = planReconcile([target('web1', [['homepage', 'fp-other'], ['api', 'fp-api']])], targets, checks, [
      { kind: 'check', target: 'web1', from: 'home', to: 'homepage' },
    ]);
    expect(plan.targets[0]!.checks[0]).toMatchObject({ id: 10, renamedFrom: 'home', fingerprintChanged: true });
    expect(plan.retireChecks).toEqual([]);
  });

  it('recognises a check renamed by hand in the file by its unchanged settings', () => {
    const plan = planReconcile([target('web1', [['homepage', 'fp-home'], ['api', 'fp-api']])], targets, checks);
    expect(plan.targets[0]!.checks[0]).toMatchObject({ id: 10, renamedFrom: 'home' });
  });

  it('recognises a target renamed by hand by its unchanged check names', () => {
    const plan = planReconcile([target('web-1', [['home', 'fp-home'], ['api', 'fp-api']])], targets, checks);
    expect(plan.targets[0]).toMatchObject({ id: 1, renamedFrom: 'web1' });
    expect(plan.targets[0]!.checks.map((c) => c.id)).toEqual([10, 11]);
  });

  it('does not guess when two candidates look the same: the old one retires, the new ones are new', () => {
    const twins = [liveC(10, 1, 'a', 'same'), liveC(11, 1, 'b', 'same')];
    const plan = planReconcile([target('web1', [['c', 'same']])], targets, twins);
    expect(plan.targets[0]!.checks[0]!.id).toBeNull();
    expect(plan.retireChecks.map((c) => c.id).sort()).toEqual([10, 11]);
  });

  it('retires removed targets with all their checks', () => {
    const plan = planReconcile([target('db', [['port', 'fp-port']])], targets, checks);
    expect(plan.targets[0]!.id).toBeNull();
    expect(plan.retireTargets.map((t) => t.id)).toEqual([1]);
    expect(plan.retireChecks.map((c) => c.id).sort()).toEqual([10, 11]);
  });

  it('a removed then re-added check with other settings is a new check', () => {
    const plan = planReconcile([target('web1', [['api', 'fp-api'], ['home2', 'fp-changed']])], targets, checks);
    expect(plan.targets[0]!.checks.map((c) => c.id)).toEqual([11, null]);
    expect(plan.retireChecks.map((c) => c.id)).toEqual([10]);
  });
});
