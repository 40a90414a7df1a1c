// Merging per-check deltas into the dashboard's overview: what the user sees after each event.
import { describe, expect, it } from 'vitest';
import type { CheckStatus, CheckView, Overview, OverviewSummary } from '../../src-main/core/model';
import { mergeCheckDeltas, targetStatus } from '../../src-renderer/src/state/overview-merge';
import { worstStatus } from '../../src-main/core/engine/monitor-engine';

const ALL: CheckStatus[] = ['paused', 'up', 'pending', 'degraded', 'down'];

function check(id: number, target: string, name: string, status: CheckStatus, extra: Partial<CheckView> = {}): CheckView {
  return {
    id,
    targetId: target === 'web' ? 1 : 2,
    target,
    name,
    kind: 'http',
    describe: `http://127.0.0.1/${name}`,
    enabled: status !== 'paused',
    status,
    since: 1000,
    lastResult: null,
    failStreak: 0,
    retries: 0,
    intervalMs: 30_000,
    stats24h: { uptime: 1, meanLatencyMs: 10, p95LatencyMs: 12, probes: 5 },
    recentLatency: [10, 11],
    ...extra,
  };
}

function snapshot(): Overview {
  const web = [check(1, 'web', 'home', 'up'), check(2, 'web', 'api', 'up')];
  const db = [check(3, 'db', 'port', 'up')];
  return {
    paused: false,
    level: 'ok',
    counts: { pending: 0, up: 3, degraded: 0, down: 0, paused: 0 },
    openAlerts: 0,
    generatedAt: 5000,
    targets: [
      { id: 1, name: 'web', tags: ['prod'], status: 'up', checks: web },
      { id: 2, name: 'db', tags: [], status: 'up', checks: db },
    ],
  };
}

function summary(over: Partial<OverviewSummary> = {}): OverviewSummary {
  return { paused: false, level: 'ok', counts: { pending: 0, up: 3, degraded: 0, down: 0, paused: 0 }, openAlerts: 0, generatedAt: 6000, ...over };
}

function merged(result: ReturnType<typeof mergeCheckDeltas>): Overview {
  if (result.kind !== 'merged') throw new Error(`expected a merge, got: ${result.reason}`);
  return result.overview;
}

describe('mergeCheckDeltas', () => {
  it('replaces the changed check by id, turns its target down, and takes counters from the summary', () => {
    const before = snapshot();
    const down = check(2, 'web', 'api', 'down', { failStreak: 3, since: 5900 });
    const after = merged(
      mergeCheckDeltas(before, [down], summary({ level: 'error', counts: { pending: 0, up: 2, degraded: 0, down: 1, paused: 0 }, openAlerts: 1 })),
    );
    expect(after.targets[0]!.checks.map((c) => [c.name, c.status])).toEqual([
      ['home', 'up'],
      ['api', 'down'],
    ]);
    expect(after.targets[0]!.status).toBe('down');
    expect(after).toMatchObject({ level: 'error', openAlerts: 1, generatedAt: 6000, counts: { up: 2, down: 1 } });
    // The snapshot it came from is left as it was.
    expect(before.targets[0]!.status).toBe('up');
    expect(before.targets[0]!.checks[1]!.status).toBe('up');
  });

  it('keeps untouched targets and checks as the same objects (no re-render for them)', () => {
    const before = snapshot();
    const after = merged(mergeCheckDeltas(before, [check(2, 'web', 'api', 'degraded')], summary()));
    expect(after.targets[1]).toBe(before.targets[1]);
    expect(after.targets[0]!.checks[0]).toBe(before.targets[0]!.checks[0]);
    expect(after.targets[0]).not.toBe(before.targets[0]);
    expect(after.targets[0]!.tags).toEqual(['prod']);
  });

  it('brings a target back up when its last failing check recovers', () => {
    const down = merged(mergeCheckDeltas(snapshot(), [check(3, 'db', 'port', 'down')], summary({ generatedAt: 6000 })));
    expect(down.targets[1]!.status).toBe('down');
    const up = merged(mergeCheckDeltas(down, [check(3, 'db', 'port', 'up')], summary({ generatedAt: 7000 })));
    expect(up.targets[1]!.status).toBe('up');
    expect(up.generatedAt).toBe(7000);
  });

  it('ignores paused checks when judging a target, and calls a fully paused target paused', () => {
    const oneOff = merged(mergeCheckDeltas(snapshot(), [check(1, 'web', 'home', 'paused')], summary()));
    expect(oneOff.targets[0]!.status).toBe('up');
    const allOff = merged(mergeCheckDeltas(oneOff, [check(2, 'web', 'api', 'paused')], summary({ generatedAt: 6001 })));
    expect(allOff.targets[0]!.status).toBe('paused');
    const pending = merged(mergeCheckDeltas(allOff, [check(1, 'web', 'home', 'pending')], summary({ generatedAt: 6002 })));
    expect(pending.targets[0]!.status).toBe('pending');
  });

  it('applies several checks of several targets in one delta', () => {
    const after = merged(
      mergeCheckDeltas(snapshot(), [check(1, 'web', 'home', 'pending'), check(2, 'web', 'api', 'degraded'), check(3, 'db', 'port', 'down')], summary()),
    );
    expect(after.targets.map((t) => t.status)).toEqual(['degraded', 'down']);
  });

  it('shows a renamed check under its new name (ids, not names, identify checks)', () => {
    const after = merged(mergeCheckDeltas(snapshot(), [check(1, 'web', 'homepage', 'up')], summary()));
    expect(after.targets[0]!.checks.map((c) => c.name)).toEqual(['homepage', 'api']);
  });

  it('drops a delta older than the snapshot instead of moving the picture back in time', () => {
    const before = snapshot();
    const result = mergeCheckDeltas(before, [check(2, 'web', 'api', 'down')], summary({ generatedAt: 4000, level: 'error' }));
    expect(merged(result)).toBe(before);
  });

  it('asks for a fresh snapshot when a delta names a check it does not know', () => {
    const result = mergeCheckDeltas(snapshot(), [check(99, 'web', 'new', 'up')], summary());
    expect(result).toEqual({ kind: 'needs-snapshot', reason: 'check 99 (web / new) is not in the last overview' });
  });

  it('asks for a fresh snapshot rather than guess when ids are ambiguous', () => {
    const before = snapshot();
    before.targets[1]!.checks[0] = check(1, 'db', 'port', 'up');
    const result = mergeCheckDeltas(before, [check(1, 'web', 'home', 'down')], summary());
    expect(result.kind).toBe('needs-snapshot');
  });
});

describe('targetStatus', () => {
  it('judges a target exactly as the engine does, for every mix of up to three checks', () => {
    const mixes: CheckStatus[][] = [[]];
    for (let size = 1; size <= 3; size++) {
      const next: CheckStatus[][] = [];
      for (const mix of mixes.filter((m) => m.length === size - 1)) for (const s of ALL) next.push([...mix, s]);
      mixes.push(...next);
    }
    expect(mixes).toHaveLength(1 + 5 + 25 + 125);
    for (const mix of mixes) {
      const active = mix.filter((s) => s !== 'paused');
      const engine = active.length ? worstStatus(active) : 'paused';
      const checks = mix.map((s, i) => check(i + 1, 'web', `c${i}`, s));
      expect({ mix, status: targetStatus(checks) }).toEqual({ mix, status: engine });
    }
  });

  it('orders paused < up < pending < degraded < down', () => {
    expect(targetStatus([check(1, 'w', 'a', 'up'), check(2, 'w', 'b', 'pending')])).toBe('pending');
    expect(targetStatus([check(1, 'w', 'a', 'pending'), check(2, 'w', 'b', 'degraded')])).toBe('degraded');
    expect(targetStatus([check(1, 'w', 'a', 'down'), check(2, 'w', 'b', 'degraded')])).toBe('down');
    expect(targetStatus([])).toBe('paused');
  });
});
