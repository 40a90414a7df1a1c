// Writes weeks of history for one check into a data folder before `kaavan serve` starts on it, as a
// Kaavan that had been running that long would have left it: the target and check entities (the
// reconciler then matches them by name), hour roll-ups for the whole span, minute roll-ups for the
// last week and raw results for the last two hours, one probe a minute, with a few outages (one of
// them 50 minutes ago).
// Shared by the check-page E2E and bench/check-page-bench.ts.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../../../src-main/core/store/store.js';
import { LatencyHistogram } from '../../../src-main/core/stats/latency-histogram.js';
import type { ProbeStatus } from '../../../src-main/core/model.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export interface SeedOptions {
  dataDir: string;
  target: string;
  check: string;
  /** Days of hour roll-ups (default 30). */
  days?: number;
  now?: number;
}

/** A latency that wanders over the day (80-160 ms) with a slow tail, and an outage every 5 days. */
function probeAt(t: number): { status: ProbeStatus; latencyMs: number | null } {
  const dayPhase = ((t % DAY) / DAY) * 2 * Math.PI;
  const base = 120 + 40 * Math.sin(dayPhase);
  const minute = Math.floor(t / MIN);
  if (minute % (5 * 24 * 60) < 20) return { status: 'down', latencyMs: null };
  if (minute % (3 * 24 * 60) < 30) return { status: 'degraded', latencyMs: base * 6 };
  return { status: 'up', latencyMs: Math.round((base + (minute % 29 === 0 ? 300 : (minute * 7919) % 23)) * 10) / 10 };
}

/** Seeds the history; returns the check's id. */
export function seedCheckHistory(options: SeedOptions): number {
  const now = options.now ?? Date.now();
  const days = options.days ?? 30;
  mkdirSync(options.dataDir, { recursive: true });
  const store = Store.open(join(options.dataDir, 'kaavan.db'));
  try {
    return store.transact(() => {
      const created = now - days * DAY - HOUR;
      const target = store.entities.create('target', null, options.target, created);
      const check = store.entities.create('check', target.id, options.check, created);
      const weekAgo = now - 7 * DAY;
      // Whole hours before the last week, as the minute rows of that time have been pruned.
      for (let hour = Math.floor((now - days * DAY) / HOUR) * HOUR; hour + HOUR <= weekAgo; hour += HOUR) {
        const histogram = new LatencyHistogram();
        let down = 0;
        let degraded = 0;
        let latN = 0;
        let latSum = 0;
        let min: number | null = null;
        let max: number | null = null;
        for (let t = hour; t < hour + HOUR; t += MIN) {
          const p = probeAt(t);
          if (p.status === 'down') down++;
          if (p.status === 'degraded') degraded++;
          if (p.latencyMs !== null) {
            histogram.add(p.latencyMs);
            latN++;
            latSum += p.latencyMs;
            min = min === null ? p.latencyMs : Math.min(min, p.latencyMs);
            max = max === null ? p.latencyMs : Math.max(max, p.latencyMs);
          }
        }
        store.rollups.addHour(check.id, { at: hour, probes: 60, down, degraded, latN, latSumMs: latSum, minLatencyMs: min, maxLatencyMs: max, histogram });
      }
      for (let t = Math.ceil(weekAgo / MIN) * MIN; t < now - MIN; t += MIN) {
        // A five-minute outage 50 minutes ago: status changes in the raw results too.
        const p = t >= now - 50 * MIN && t < now - 45 * MIN ? { status: 'down' as const, latencyMs: null } : probeAt(t);
        store.rollups.add(check.id, t, p.status, p.latencyMs);
        if (t >= now - 2 * HOUR) store.results.insert(check.id, { at: t, ...p, message: p.status === 'down' ? 'connection refused' : p.status });
      }
      return check.id;
    });
  } finally {
    store.close();
  }
}
