// The per-check page's data against a real SQLite store holding 30 days of history: one probe a
// minute for the last week (raw results for the last two hours), hour roll-ups before that, an
// outage in the raw window and an older one known only from its alert.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Store } from '../../../src-main/core/store/store.js';
import { LatencyHistogram } from '../../../src-main/core/stats/latency-histogram.js';
import { checkPageFacts, checkSeriesFromStore, transitionsFromResults, RECENT_PROBES } from '../../../src-main/core/api/check-pages.js';
import type { ProbeStatus, ResultPoint } from '../../../src-main/core/model.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 23, 12, 30, 0);
const CHECK = 7;
const YEAR_CHECK = 8;
/** Raw outage: 10 failed probes from 90 to 81 minutes ago. */
const OUTAGE_START = NOW - 90 * MIN;
const OUTAGE_END = NOW - 80 * MIN;
/** An older outage (hour roll-ups only): the whole day 20 days ago is down. */
const OLD_DOWN_FROM = NOW - 20 * DAY - 30 * MIN;

let dir: string;
let store: Store;

/** Latency of the probe at time t: 40 ms, plus 200 ms in every hour's last 4 minutes (the p95 tail). */
function latencyAt(t: number): number {
  return Math.floor(t / MIN) % 60 >= 56 ? 240 : 40;
}

function statusAt(t: number): ProbeStatus {
  return t >= OUTAGE_START && t < OUTAGE_END ? 'down' : 'up';
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-check-pages-'));
  store = Store.open(join(dir, 'kaavan.db'));
  store.transact(() => {
    // Days 30..7 ago: whole hours (60 probes each), as a week-old store keeps them.
    for (let hour = Math.floor((NOW - 30 * DAY) / HOUR) * HOUR; hour + HOUR <= NOW - 7 * DAY; hour += HOUR) {
      const down = hour >= OLD_DOWN_FROM && hour < OLD_DOWN_FROM + DAY ? 60 : 0;
      const histogram = new LatencyHistogram();
      for (let i = 0; i < 60 - down; i++) histogram.add(i >= 56 ? 240 : 40);
      const latN = 60 - down;
      store.rollups.addHour(CHECK, {
        at: hour,
        probes: 60,
        down,
        degraded: 0,
        latN,
        latSumMs: latN === 0 ? 0 : (latN - 4) * 40 + 4 * 240,
        minLatencyMs: latN ? 40 : null,
        maxLatencyMs: latN ? 240 : null,
        histogram,
      });
    }
    // The last week: one probe a minute into minute and hour roll-ups; raw results for two hours.
    for (let t = NOW - 7 * DAY; t < NOW; t += MIN) {
      const status = statusAt(t);
      const latencyMs = status === 'down' ? null : latencyAt(t);
      store.rollups.add(CHECK, t, status, latencyMs);
      if (t >= NOW - 2 * HOUR) store.results.insert(CHECK, { at: t, status, latencyMs, message: status === 'down' ? 'connection refused' : 'ok' });
    }
    // Another check with a full year of hours: the longest chart there is.
    for (let hour = Math.floor((NOW - 365 * DAY) / HOUR) * HOUR; hour < NOW; hour += HOUR) {
      const histogram = new LatencyHistogram();
      histogram.add(10);
      store.rollups.addHour(YEAR_CHECK, { at: hour, probes: 1, down: 0, degraded: 0, latN: 1, latSumMs: 10, minLatencyMs: 10, maxLatencyMs: 10, histogram });
    }
  });
  // The old outage's alert: opened when it went down, resolved on recovery.
  const { alert } = store.alerts.open({
    key: 'check:web/home',
    checkId: CHECK,
    target: 'web',
    check: 'home',
    severity: 'error',
    title: 'web / home is down',
    message: 'connection refused',
    at: OLD_DOWN_FROM,
    metadata: {},
  });
  store.alerts.resolve(alert.id, OLD_DOWN_FROM + DAY, 'auto', 'back up after 1 d');
});

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('checkSeries: where each range comes from and how many points it has', () => {
  it('1 h: one point per raw result, the outage as down points without latency', () => {
    const series = checkSeriesFromStore(store, CHECK, '1h', NOW, MIN);
    expect(series.bucketMs).toBe(MIN);
    expect(series.points).toHaveLength(60);
    expect(series.points[0]!.at).toBe(NOW - 60 * MIN);
    expect(series.points.at(-1)!.at).toBe(NOW - MIN);
    // The outage ended 80 minutes ago: the last hour is all up, each probe its own latency.
    expect(series.points.every((p) => p.up === 1 && p.down === 0 && p.p95Ms === null)).toBe(true);
    expect(series.points.find((p) => p.at === NOW - MIN)!.meanMs).toBe(latencyAt(NOW - MIN));
    const withOutage = checkSeriesFromStore(store, CHECK, '1h', NOW - 30 * MIN, MIN);
    const down = withOutage.points.filter((p) => p.down === 1);
    expect(down).toHaveLength(10);
    expect(down.every((p) => p.meanMs === null)).toBe(true);
  });

  it('24 h: 1,440 minute buckets, p95 of the enclosing hour', () => {
    const series = checkSeriesFromStore(store, CHECK, '24h', NOW, MIN);
    expect(series.bucketMs).toBe(MIN);
    expect(series.points).toHaveLength(1440);
    expect(series.points.reduce((n, p) => n + p.down, 0)).toBe(10);
    const quiet = series.points.find((p) => p.at === NOW - 6 * HOUR)!;
    expect(quiet.meanMs).toBe(40);
    // 4 of 60 probes at 240 ms: the hour's p95 is in the slow tail (histogram bins: ±2.5 %).
    expect(quiet.p95Ms).toBeGreaterThan(230);
    expect(quiet.p95Ms).toBeLessThan(250);
  });

  it('7 d: minute roll-ups merged into 2,016 five-minute buckets with weighted means', () => {
    const series = checkSeriesFromStore(store, CHECK, '7d', NOW, MIN);
    expect(series.bucketMs).toBe(5 * MIN);
    expect(series.points).toHaveLength(7 * 24 * 12);
    expect(series.points.every((p) => p.up + p.down + p.degraded === 5)).toBe(true);
    // Minutes 55..59 of an hour: 55 at 40 ms and 56..59 at 240 ms.
    const tail = series.points.find((p) => p.at === Math.floor((NOW - DAY) / HOUR) * HOUR + 55 * MIN)!;
    expect(tail.meanMs).toBe((40 + 4 * 240) / 5);
    // The raw outage spans two 5-minute buckets fully: 10 down probes in all.
    expect(series.points.reduce((n, p) => n + p.down, 0)).toBe(10);
  });

  it('30 d: hour roll-ups, the old outage as a day of down hours', () => {
    const series = checkSeriesFromStore(store, CHECK, '30d', NOW, MIN);
    expect(series.bucketMs).toBe(HOUR);
    expect(series.points).toHaveLength(30 * 24 + 1);
    const downHours = series.points.filter((p) => p.down === 60);
    expect(downHours).toHaveLength(24);
    expect(downHours[0]!.at).toBe(OLD_DOWN_FROM);
    expect(downHours.every((p) => p.meanMs === null)).toBe(true);
    const normal = series.points.find((p) => p.at === Math.floor((NOW - 10 * DAY) / HOUR) * HOUR)!;
    expect(normal.meanMs).toBe(53.3);
    expect(normal.p95Ms).toBeGreaterThan(230);
  });

  it('1 y: at most one point per hour (8,761 with the current one)', () => {
    const year = checkSeriesFromStore(store, YEAR_CHECK, '1y', NOW, MIN);
    expect(year.points).toHaveLength(365 * 24 + 1);
    expect(year.points.length).toBeLessThanOrEqual(9_000);
    // The 30-day check has no more than its 30 days, whatever the range asks.
    expect(checkSeriesFromStore(store, CHECK, '1y', NOW, MIN).points).toHaveLength(30 * 24 + 1);
  });
});

describe('checkDetail facts', () => {
  it('uptime over 24 h, 7 d and 30 d from the hour roll-ups', () => {
    const facts = checkPageFacts(store, CHECK, NOW, 1);
    // 24 h window = the current hour and the 23 before: 23 × 60 + 30 probes, 10 down.
    expect(facts.uptime.h24).toBeCloseTo(1 - 10 / (23 * 60 + 30), 10);
    expect(facts.uptime.d7).toBeCloseTo(1 - 10 / (167 * 60 + 30), 10);
    // 30 d: the down day counts too (the hour 7 days ago holds the 30 minutes since the minute probes began).
    expect(facts.uptime.d30).toBeCloseTo(1 - (10 + 24 * 60) / (719 * 60), 10);
    expect(checkPageFacts(store, 999, NOW, 1).uptime).toEqual({ h24: null, d7: null, d30: null });
  });

  it('transitions from the replayed raw results (retries respected) and older ones from alerts, newest first', () => {
    const facts = checkPageFacts(store, CHECK, NOW, 1);
    expect(facts.transitions.map((t) => [t.at, t.from, t.to])).toEqual([
      [OUTAGE_END, 'down', 'up'],
      [OUTAGE_START + MIN, 'pending', 'down'],
      [OUTAGE_START, 'up', 'pending'],
      [OLD_DOWN_FROM + DAY, 'down', 'up'],
      [OLD_DOWN_FROM, 'pending', 'down'],
    ]);
    expect(facts.transitions[1]!.message).toBe('connection refused');
    expect(facts.alerts.map((a) => a.check)).toEqual(['home']);
  });

  it('the bar of recent probes: the last 60, oldest first', () => {
    const facts = checkPageFacts(store, CHECK, NOW, 1);
    expect(facts.recent).toHaveLength(RECENT_PROBES);
    expect(facts.recent[0]!.at).toBe(NOW - RECENT_PROBES * MIN);
    expect(facts.recent.at(-1)!.at).toBe(NOW - MIN);
  });

  it('with retries 0 a failure is down at once, and a check that starts down reports no change until it moves', () => {
    const p = (at: number, status: ProbeStatus): ResultPoint => ({ at, status, latencyMs: status === 'down' ? null : 5, message: status });
    expect(transitionsFromResults([p(1, 'up'), p(2, 'down'), p(3, 'degraded'), p(4, 'up')], 0).map((t) => `${t.from}>${t.to}`)).toEqual([
      'up>down',
      'down>degraded',
      'degraded>up',
    ]);
    expect(transitionsFromResults([p(1, 'down'), p(2, 'down'), p(3, 'up')], 0).map((t) => `${t.from}>${t.to}`)).toEqual(['down>up']);
  });
});
