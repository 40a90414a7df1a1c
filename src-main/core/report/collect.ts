// Gathers the report's input from the store (roll-ups, alerts, persisted check state) and the
// configuration, with or without a running engine: the service passes its live overview (statuses,
// health scores); `kaavan report` reads the persisted state, so it works beside a running
// `kaavan serve` (SQLite WAL lets it read while the server writes).
import type { Store } from '../store/store.js';
import type { KaavanConfig } from '../config/schema.js';
import type { CheckResult, CheckStatus, Overview } from '../model.js';
import type { ReportInput, ReportTargetInput } from './report.js';

interface PersistedState {
  machine?: { status?: Exclude<CheckStatus, 'paused'> };
  lastResult?: CheckResult | null;
}

const ALERTS_SCANNED = 1000;

function windowFigures(store: Store, checkId: number, sinceMs: number, now: number) {
  const { uptime, probes } = store.rollups.uptime(checkId, sinceMs, now);
  const buckets = store.rollups.hourBuckets(checkId, sinceMs, now);
  let latN = 0;
  let latSum = 0;
  let degraded = 0;
  for (const b of buckets) {
    latN += b.latN;
    latSum += b.latSumMs;
    degraded += b.degraded;
  }
  return { probes, down: uptime === null ? 0 : Math.round(probes * (1 - uptime)), degraded, meanLatencyMs: latN ? latSum / latN : null };
}

export function collectReportInput(deps: { store: Store; config: KaavanConfig; overview?: Overview; now: number; sinceMs: number }): ReportInput {
  const { store, now, sinceMs } = deps;
  let targets: ReportTargetInput[];
  if (deps.overview) {
    targets = deps.overview.targets.map((t) => ({
      name: t.name,
      health: t.health ?? null,
      maintenance: t.maintenance ?? null,
      checks: t.checks.map((c) => ({
        id: c.id,
        target: t.name,
        name: c.name,
        kind: c.kind,
        enabled: c.enabled,
        status: c.status,
        ...windowFigures(store, c.id, sinceMs, now),
        message: c.status === 'up' ? null : (c.lastResult?.message ?? null),
        metrics: c.lastResult?.metrics ?? null,
      })),
    }));
  } else {
    // No engine: ids from the store's live entities, matched to the configuration by name.
    const liveTargets = store.entities.live('target');
    const liveChecks = store.entities.live('check');
    const states = store.checkState.load<PersistedState>();
    targets = (deps.config.targets ?? []).map((t) => {
      const targetEntity = liveTargets.find((e) => e.name.toLowerCase() === t.name.toLowerCase());
      return {
        name: t.name,
        checks: (t.checks ?? []).flatMap((c) => {
          const entity = targetEntity ? liveChecks.find((e) => e.parentId === targetEntity.id && e.name.toLowerCase() === c.name.toLowerCase()) : undefined;
          if (!entity) return []; // never run yet: nothing to report
          const state = states.get(entity.id);
          const enabled = c.enabled !== false && (t as { enabled?: boolean }).enabled !== false;
          const status: CheckStatus = enabled ? (state?.machine?.status ?? 'pending') : 'paused';
          return [
            {
              id: entity.id,
              target: t.name,
              name: c.name,
              kind: c.kind,
              enabled,
              status,
              ...windowFigures(store, entity.id, sinceMs, now),
              message: status === 'up' ? null : (state?.lastResult?.message ?? null),
              metrics: state?.lastResult?.metrics ?? null,
            },
          ];
        }),
      };
    });
  }
  const alerts = store.alerts.list({ limit: ALERTS_SCANNED }).filter((a) => a.openedAt <= now && (a.resolvedAt === null || a.resolvedAt >= sinceMs));
  return { now, sinceMs, targets, alerts };
}
