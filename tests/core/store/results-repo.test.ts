import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src-main/core/store/database.js';
import { ResultsRepo } from '../../../src-main/core/store/results-repo.js';

let dir: string;
let db: Db;
let results: ResultsRepo;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-results-'));
  db = openDatabase(join(dir, 'kaavan.db'));
  results = new ResultsRepo(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);

describe('results (compact rows)', () => {
  it('keeps an up result as status and latency only and rebuilds its text', () => {
    results.insert(7, { at: T0, status: 'up', latencyMs: 12.34, message: 'HTTP 200 in 12 ms', metrics: { statusCode: 200, bodyBytes: 3 } });
    results.insert(7, { at: T0 + 1_000, status: 'up', latencyMs: 4.26, message: 'connected in 4.3 ms' });
    const stored = db.prepare('SELECT status, latency, message, metrics FROM results WHERE check_id = 7 ORDER BY at').all();
    expect(stored).toEqual([
      { status: 0, latency: 123, message: null, metrics: null },
      { status: 0, latency: 43, message: null, metrics: null },
    ]);
    expect(results.history(7, 0, 10)).toEqual([
      { at: T0, status: 'up', latencyMs: 12.3, message: 'up in 12 ms' },
      { at: T0 + 1_000, status: 'up', latencyMs: 4.3, message: 'up in 4.3 ms' },
    ]);
  });

  it('keeps the message and metrics of a result that is not up', () => {
    results.insert(7, { at: T0, status: 'down', latencyMs: null, message: 'connection refused' });
    results.insert(7, { at: T0 + 1, status: 'degraded', latencyMs: 2_500, message: 'HTTP 200 in 2.5 s (slow)', metrics: { statusCode: 200 } });
    results.insert(7, { at: T0 + 2, status: 'down', latencyMs: 30, message: 'HTTP 503', metrics: { statusCode: 503 } });
    expect(results.history(7, 0, 10)).toEqual([
      { at: T0, status: 'down', latencyMs: null, message: 'connection refused' },
      { at: T0 + 1, status: 'degraded', latencyMs: 2_500, message: 'HTTP 200 in 2.5 s (slow)' },
      { at: T0 + 2, status: 'down', latencyMs: 30, message: 'HTTP 503' },
    ]);
    expect(db.prepare('SELECT metrics FROM results WHERE check_id = 7 AND at = ?').get(T0 + 2)).toMatchObject({ metrics: '{"statusCode":503}' });
  });

  it('returns one check, since a time, the newest `limit`, oldest first', () => {
    for (let i = 0; i < 10; i++) {
      results.insert(1, { at: T0 + i * 1_000, status: 'up', latencyMs: i, message: '' });
      results.insert(2, { at: T0 + i * 1_000, status: 'down', latencyMs: null, message: `fail ${i}` });
    }
    expect(results.history(1, T0 + 5_000, 100).map((p) => p.at)).toEqual([5, 6, 7, 8, 9].map((i) => T0 + i * 1_000));
    expect(results.history(1, 0, 3).map((p) => p.latencyMs)).toEqual([7, 8, 9]);
    expect(results.recent(2, 2).map((p) => p.message)).toEqual(['fail 8', 'fail 9']);
    expect(results.recent(3, 5)).toEqual([]);
  });

  it('a second result at the same millisecond replaces the first instead of failing', () => {
    results.insert(1, { at: T0, status: 'up', latencyMs: 1, message: '' });
    results.insert(1, { at: T0, status: 'down', latencyMs: null, message: 'timeout' });
    expect(results.history(1, 0, 10)).toEqual([{ at: T0, status: 'down', latencyMs: null, message: 'timeout' }]);
  });

  it('prunes exactly the results older than the cut-off, a batch at a time, across checks', () => {
    const cutoff = T0 + 50 * 30_000;
    for (let check = 1; check <= 5; check++) {
      for (let i = 0; i < 100; i++) results.insert(check, { at: T0 + i * 30_000, status: 'up', latencyMs: 10, message: '' });
    }
    const batches: number[] = [];
    for (;;) {
      const n = results.pruneBatch(cutoff, 120);
      batches.push(n);
      if (n < 120) break;
    }
    // 5 checks × 50 old results = 250: two full batches and a last partial one.
    expect(batches).toEqual([120, 120, 10]);
    for (let check = 1; check <= 5; check++) {
      const left = results.history(check, 0, 1_000);
      expect(left).toHaveLength(50);
      expect(left[0]!.at).toBe(cutoff);
    }
    expect(results.pruneBatch(cutoff, 120)).toBe(0);
  });
});
