// The per-target summary of `kaavan check --once --json`: each target's worst status, health score
// and maintenance window, from one round of results. Pure: the clock is an argument.
import type { CheckStatus, HealthScoreView, ProbeStatus } from '../model.js';
import type { KaavanConfig } from '../config/schema.js';
import { healthScore } from './health-score.js';
import { compileMaintenance, maintenanceAt } from '../engine/maintenance.js';
import { worstStatus } from '../engine/monitor-engine.js';
import { nameKey } from '../config/fields.js';

export interface TargetSummary {
  target: string;
  status: CheckStatus;
  health: HealthScoreView;
  maintenance: { until: number; reason: string } | null;
}

export function summarizeTargets(
  config: KaavanConfig,
  rows: ReadonlyArray<{ target: string; check: string; kind: string; status: ProbeStatus }>,
  now: number,
): TargetSummary[] {
  const windows = compileMaintenance(config.maintenance ?? []);
  return (config.targets ?? []).map((target) => {
    const own = rows.filter((r) => r.target === target.name);
    const scored = own.map((row) => {
      const check = (target.checks ?? []).find((c) => nameKey(c.name) === nameKey(row.check));
      return { kind: row.kind, category: check?.category, weight: check?.weight ?? 1, status: row.status };
    });
    return {
      target: target.name,
      status: own.length ? worstStatus(own.map((r) => r.status)) : 'paused',
      health: healthScore(scored, config.settings?.health?.weights ?? {}),
      maintenance: maintenanceAt(windows, { name: target.name, tags: target.tags ?? [] }, now),
    };
  });
}

/** "web1  health 0.67 (poor, WARNING)", one line per target with a score, for the table output. */
export function targetSummaryLines(summaries: readonly TargetSummary[]): string[] {
  return summaries
    .filter((s) => s.health.score !== null || s.maintenance)
    .map((s) => {
      const health = s.health.score !== null ? `health ${s.health.score.toFixed(2)} (${s.health.band}, ${s.health.classification})` : 'no health score yet';
      return `${s.target}  ${health}${s.maintenance ? ` · in maintenance (${s.maintenance.reason})` : ''}`;
    });
}
