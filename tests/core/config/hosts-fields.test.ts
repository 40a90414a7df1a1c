import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src-main/core/config/validate.js';

function issues(doc: unknown) {
  const result = validateConfig(doc);
  return result.ok ? [] : result.issues;
}
const targets = [
  { name: 'db1', checks: [{ name: 'pg', kind: 'tcp', host: '127.0.0.1', port: 5432 }] },
  { name: 'web1', dependsOn: ['db1'], checks: [{ name: 'home', kind: 'http', url: 'http://127.0.0.1/', dependsOn: ['db1/pg'], anomaly: { z: 5, window: 100 } }] },
];

describe('hosts fields in the configuration', () => {
  it('accepts dependencies, anomaly settings, health weights and maintenance windows', () => {
    expect(
      issues({
        version: 1,
        settings: { health: { weights: { files: 30, availability: 10 } }, anomaly: { z: 3, minSamples: 20, minDelta: '50ms' } },
        targets,
        maintenance: [
          { targets: ['web1'], start: '2026-11-24T02:00:00Z', end: '2026-11-24T05:00+02:00', reason: 'upgrade' },
          { tags: ['prod'], schedule: '0 3 * * 0', duration: '2h', timezone: 'Europe/Helsinki' },
        ],
      }),
    ).toEqual([]);
  });

  it('names unknown and circular dependencies in words', () => {
    expect(issues({ version: 1, targets: [{ name: 'web1', dependsOn: ['db9'], checks: [] }, { name: 'db1' }] })).toEqual([
      { path: 'targets.0.dependsOn.0', message: 'no target named "db9"; did you mean "db1"?' },
    ]);
    expect(issues({ version: 1, targets: [targets[0], { ...targets[1], checks: [{ ...targets[1]!.checks[0], dependsOn: ['db1/pgg'] }] }] })).toEqual([
      { path: 'targets.1.checks.0.dependsOn.0', message: 'target "db1" has no check named "pgg"; did you mean "pg"?' },
    ]);
    const circle = issues({ version: 1, targets: [{ ...targets[0], dependsOn: ['web1'] }, targets[1]] });
    expect(circle).toEqual([{ path: 'targets', message: expect.stringMatching(/^dependsOn goes round in a circle: .*db1.*web1.*; remove one of these dependencies$/) }]);
    expect(issues({ version: 1, targets: [{ name: 'a', checks: [{ name: 'x', kind: 'tcp', host: '127.0.0.1', port: 1, dependsOn: ['a/x'] }] }] })).toEqual([
      { path: 'targets.0.checks.0.dependsOn.0', message: 'cannot depend on itself' },
    ]);
  });

  it('explains a maintenance window that is incomplete, backwards or for an unknown target', () => {
    expect(issues({ version: 1, targets, maintenance: [{ start: '2026-11-24T02:00:00Z' }] })).toEqual([{ path: 'maintenance.0.end', message: 'is needed with start: when the window ends' }]);
    expect(issues({ version: 1, targets, maintenance: [{ start: '2026-11-24T02:00:00Z', end: '2026-11-24T01:00:00Z' }] })).toEqual([{ path: 'maintenance.0.end', message: 'must be later than start' }]);
    expect(issues({ version: 1, targets, maintenance: [{ schedule: '0 3 * * 0' }] })).toEqual([{ path: 'maintenance.0.duration', message: 'is needed with schedule: how long each window lasts, like 2h' }]);
    expect(issues({ version: 1, targets, maintenance: [{ start: 'tomorrow', end: '2026-11-24T01:00:00Z' }] })).toEqual([
      { path: 'maintenance.0.start', message: '"tomorrow" is not a date and time; use e.g. "2026-11-24T02:00:00Z" or "2026-11-24T04:00+02:00"' },
    ]);
    expect(issues({ version: 1, targets, maintenance: [{ targets: ['webb1'], start: '2026-11-24T02:00:00Z', end: '2026-11-24T03:00:00Z' }] })).toEqual([
      { path: 'maintenance.0.targets.0', message: 'no target named "webb1"; did you mean "web1"?' },
    ]);
    expect(issues({ version: 1, targets, maintenance: [{}] })).toEqual([{ path: 'maintenance.0', message: 'needs start and end (one window), or schedule and duration (a recurring one)' }]);
  });

  it('explains bad weights and anomaly thresholds', () => {
    expect(issues({ version: 1, settings: { health: { weights: { files: 300 } }, anomaly: { z: 0 } } })).toEqual([
      { path: 'settings.health.weights.files', message: 'must be at most 100' },
      { path: 'settings.anomaly.z', message: 'must be at least 1' },
    ]);
  });
});
