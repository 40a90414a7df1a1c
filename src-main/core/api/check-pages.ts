// The per-check page's data: a latency/status series over a chosen range, and everything else the
// page shows (uptime windows, transitions, alerts, the bar of recent probes). Reads the store only;
// kaavan-service.ts adds the live view and the configuration.
//
// Where each range comes from, and how many points it can have at most (charts stay light):
//   1 h   raw results, one point per probe          ≤ 1h / interval (interval ≥ 1 s → ≤ 3,600)
//   24 h  minute roll-ups                           ≤ 1,440
//   7 d   minute roll-ups merged into 5 min buckets ≤ 2,016
//   30 d  hour roll-ups                             ≤ 720
//   1 y   hour roll-ups                             ≤ 8,760
// Minute rows carry no histogram, so on the 24 h and 7 d charts p95 is the p95 of the enclosing
// hour (a step line); on 30 d and 1 y it is each hour's own. A single probe has no percentile.
import type { Alert, CheckStatus, ResultPoint } from '../model.js';
import type { CheckSeries, SeriesPoint, SeriesRange } from './service.js';
import type { Store } from '../store/store.js';
import { HOUR_MS, MINUTE_MS, bucketStart, type RollupPoint } from '../store/rollups-repo.js';
import { uptimeWindows } from '../stats/check-stats.js';
import { applyOutcome, initialMachineState, type CheckMachineState } from '../engine/check-state-machine.js';

const DAY_MS = 24 * HOUR_MS;

export const RANGE_MS: Record<SeriesRange, number> = {
  '1h': HOUR_MS,
  '24h': DAY_MS,
  '7d': 7 * DAY_MS,
  '30d': 30 * DAY_MS,
  '1y': 365 * DAY_MS,
};

/** Raw points read at most for the 1 h chart (an interval of 1 s gives 3,600). */
export const MAX_RAW_POINTS = 9_000;
/** Width of a 7 d bucket: minute roll-ups are merged five at a time. */
export const WEEK_BUCKET_MS = 5 * MINUTE_MS;
/** Probes on the bar of recent probes. */
export const RECENT_PROBES = 60;
/** Transitions and alerts listed at most (newest first). */
export const MAX_TRANSITIONS = 100;
export const MAX_ALERTS = 50;
/** Raw results replayed at most to find transitions (two days at a 10 s interval). */
const MAX_REPLAYED_RESULTS = 20_000;

export type Transition = { at: number; from: CheckStatus; to: CheckStatus; message: string };

/** The series of one check over `range` ending at `now`. `intervalMs` is the check's own (the 1 h bucket). */
export function checkSeriesFromStore(store: Store, checkId: number, range: SeriesRange, now: number, intervalMs: number): CheckSeries {
  const from = now - RANGE_MS[range];
  switch (range) {
    case '1h': {
      const points = store.results.history(checkId, from, MAX_RAW_POINTS).map(pointOfResult);
      return { id: checkId, range, bucketMs: intervalMs, points };
    }
    case '24h':
    case '7d': {
      const start = bucketStart(from, MINUTE_MS);
      const minutes = store.rollups.series(checkId, start, now + 1, 'minute');
      const hourP95 = new Map(store.rollups.series(checkId, bucketStart(start, HOUR_MS), now + 1, 'hour').map((h) => [h.at, h.p95LatencyMs]));
      const bucketMs = range === '24h' ? MINUTE_MS : WEEK_BUCKET_MS;
      const merged = bucketMs === MINUTE_MS ? minutes : mergeBuckets(minutes, bucketMs);
      const points = merged.map((m) => ({ ...pointOfRollup(m), p95Ms: hourP95.get(bucketStart(m.at, HOUR_MS)) ?? null }));
      return { id: checkId, range, bucketMs, points };
    }
    case '30d':
    case '1y': {
      const hours = store.rollups.series(checkId, bucketStart(from, HOUR_MS), now + 1, 'hour');
      return { id: checkId, range, bucketMs: HOUR_MS, points: hours.map(pointOfRollup) };
    }
  }
}

function pointOfResult(r: ResultPoint): SeriesPoint {
  return {
    at: r.at,
    up: r.status === 'up' ? 1 : 0,
    degraded: r.status === 'degraded' ? 1 : 0,
    down: r.status === 'down' ? 1 : 0,
    meanMs: r.status === 'down' ? null : r.latencyMs,
    p95Ms: null,
  };
}

function pointOfRollup(r: RollupPoint): SeriesPoint {
  return {
    at: r.at,
    up: r.probes - r.down - r.degraded,
    degraded: r.degraded,
    down: r.down,
    meanMs: r.meanLatencyMs,
    p95Ms: r.p95LatencyMs,
  };
}

/** Merges consecutive buckets into wider ones (counts add up; the mean is weighted by answered probes). */
function mergeBuckets(points: RollupPoint[], widthMs: number): RollupPoint[] {
  const out: RollupPoint[] = [];
  let current: RollupPoint | null = null;
  let latN = 0;
  let latSum = 0;
  const flush = () => {
    if (!current) return;
    current.meanLatencyMs = latN ? Math.round((latSum / latN) * 10) / 10 : null;
    current.uptime = current.probes ? (current.probes - current.down) / current.probes : 1;
    out.push(current);
  };
  for (const p of points) {
    const at = bucketStart(p.at, widthMs);
    if (!current || current.at !== at) {
      flush();
      current = { at, probes: 0, down: 0, degraded: 0, uptime: 1, meanLatencyMs: null, minLatencyMs: null, maxLatencyMs: null, p95LatencyMs: null };
      latN = 0;
      latSum = 0;
    }
    current.probes += p.probes;
    current.down += p.down;
    current.degraded += p.degraded;
    // The answered probes of a minute are those neither down nor without a latency: weight by them.
    const answered = p.meanLatencyMs === null ? 0 : p.probes - p.down;
    if (answered > 0) {
      latN += answered;
      latSum += p.meanLatencyMs! * answered;
    }
  }
  flush();
  return out;
}

export interface CheckPageFacts {
  uptime: { h24: number | null; d7: number | null; d30: number | null };
  transitions: Transition[];
  alerts: Alert[];
  recent: ResultPoint[];
}

/** Everything of the check page that comes from the store (the live view and config are added by the service). */
export function checkPageFacts(store: Store, checkId: number, now: number, retries: number): CheckPageFacts {
  const windows = uptimeWindows(store.rollups, checkId, now);
  const alerts = alertsOfCheck(store, checkId, MAX_ALERTS);
  const replayed = store.results.history(checkId, now - 2 * DAY_MS, MAX_REPLAYED_RESULTS);
  return {
    uptime: { h24: windows.h24.uptime, d7: windows.d7.uptime, d30: windows.d30.uptime },
    transitions: mergeTransitions(transitionsFromResults(replayed, retries), transitionsFromAlerts(store, alerts, replayed[0]?.at ?? now, retries)),
    alerts,
    recent: store.results.recent(checkId, RECENT_PROBES),
  };
}

/**
 * The status changes a run of probes made, replayed through the check's own state machine (so
 * retries count as in the engine: failures before DOWN show as pending). The first probe only sets
 * the starting status: a change is reported from the second one on.
 */
export function transitionsFromResults(points: readonly ResultPoint[], retries: number): Transition[] {
  const out: Transition[] = [];
  let state: CheckMachineState = initialMachineState();
  points.forEach((p, i) => {
    const step = applyOutcome(state, { status: p.status }, p.at, { retries, reminderEvery: Number.MAX_SAFE_INTEGER });
    if (i > 0 && step.transition) out.push({ at: p.at, from: step.transition.from, to: step.transition.to, message: p.message });
    state = step.state;
  });
  return out;
}

/**
 * Outages older than the raw results, from the check's alerts: an alert opened when the check went
 * down and, when it recovered on its own, was resolved when it came back up.
 */
function transitionsFromAlerts(store: Store, alerts: Alert[], before: number, retries: number): Transition[] {
  const out: Transition[] = [];
  const from: CheckStatus = retries > 0 ? 'pending' : 'up';
  for (const alert of alerts) {
    for (const e of store.alerts.events(alert.id)) {
      if (e.at >= before) continue;
      if (e.type === 'opened' || e.type === 'reopened') out.push({ at: e.at, from, to: 'down', message: e.message });
      else if (e.type === 'resolved' && alert.resolvedBy === 'auto') out.push({ at: e.at, from: 'down', to: 'up', message: e.message });
    }
  }
  return out;
}

/** Newest first, at most MAX_TRANSITIONS. */
function mergeTransitions(...lists: Transition[][]): Transition[] {
  return lists
    .flat()
    .sort((a, b) => b.at - a.at)
    .slice(0, MAX_TRANSITIONS);
}

/** The check's alerts, newest first. */
export function alertsOfCheck(store: Store, checkId: number, limit: number): Alert[] {
  const rows = store.db.prepare('SELECT id FROM alerts WHERE check_id = ? ORDER BY opened_at DESC, id DESC LIMIT ?').all(checkId, limit) as Array<{ id: number }>;
  return rows.map((r) => store.alerts.get(Number(r.id))).filter((a): a is Alert => a !== null);
}
