// Applying the engine's per-check deltas ("checks.changed") to the last full overview. Pure: the
// store calls it and decides what to do when a delta cannot be applied (fetch a fresh snapshot).
import type { CheckStatus, CheckView, Overview, OverviewSummary, TargetView } from '../../../src-main/core/model';

/** The engine's order (monitor-engine.ts worstStatus): a target shows its worst check. */
const SEVERITY: Record<CheckStatus, number> = { paused: 0, up: 1, pending: 2, degraded: 3, down: 4 };

/** Worst status among the checks that are not paused; "paused" when all are (or there are none). */
export function targetStatus(checks: readonly CheckView[]): CheckStatus {
  let worst: CheckStatus | null = null;
  for (const check of checks) {
    if (check.status === 'paused') continue;
    if (worst === null || SEVERITY[check.status] > SEVERITY[worst]) worst = check.status;
  }
  return worst ?? 'paused';
}

export type MergeResult =
  /** The merged overview (the same object when the delta was older than the snapshot). */
  | { kind: 'merged'; overview: Overview }
  /** The delta names a check the snapshot does not have (or ids are ambiguous): fetch a new snapshot. */
  | { kind: 'needs-snapshot'; reason: string };

/**
 * Replaces each changed check (matched by id) in its target, recomputes the touched targets'
 * status, and takes the counters and colour from `summary`. Untouched targets and checks keep
 * their identity, so React skips re-rendering them.
 */
export function mergeCheckDeltas(overview: Overview, checks: readonly CheckView[], summary: OverviewSummary): MergeResult {
  // A delta computed before this snapshot would move the picture back in time.
  if (summary.generatedAt < overview.generatedAt) return { kind: 'merged', overview };

  const where = new Map<number, { target: number; check: number }>();
  overview.targets.forEach((target, t) =>
    target.checks.forEach((check, c) => {
      if (where.has(check.id)) where.set(check.id, { target: -1, check: -1 });
      else where.set(check.id, { target: t, check: c });
    }),
  );

  const changedTargets = new Map<number, CheckView[]>();
  for (const check of checks) {
    const at = where.get(check.id);
    if (!at) return { kind: 'needs-snapshot', reason: `check ${check.id} (${check.target} / ${check.name}) is not in the last overview` };
    if (at.target === -1) return { kind: 'needs-snapshot', reason: `check id ${check.id} appears more than once in the last overview` };
    let list = changedTargets.get(at.target);
    if (!list) {
      list = [...overview.targets[at.target]!.checks];
      changedTargets.set(at.target, list);
    }
    list[at.check] = check;
  }

  const targets: TargetView[] = overview.targets.map((target, t) => {
    const list = changedTargets.get(t);
    return list ? { ...target, checks: list, status: targetStatus(list) } : target;
  });

  return {
    kind: 'merged',
    overview: {
      ...overview,
      paused: summary.paused,
      level: summary.level,
      counts: summary.counts,
      openAlerts: summary.openAlerts,
      generatedAt: summary.generatedAt,
      targets,
    },
  };
}
