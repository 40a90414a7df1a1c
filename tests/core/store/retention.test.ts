import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { openDatabase, type Db } from '../../../src-main/core/store/database.js';
import { ResultsRepo } from '../../../src-main/core/store/results-repo.js';
import { RollupsRepo } from '../../../src-main/core/store/rollups-repo.js';
import { DEFAULT_RETENTION, Retention, retentionPolicy } from '../../../src-main/core/store/retention.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);

let dir: string;
let file: string;
let db: Db;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-retention-'));
  file = join(dir, 'kaavan.db');
  db = openDatabase(file);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const count = (sql: string) => Number((db.prepare(sql).get() as { n: number }).n);

function addAlert(openedAt: number, state: 'open' | 'resolved', resolvedAt: number | null, events: number): number {
  const id = Number(
    db
      .prepare(
        `INSERT INTO alerts (key, target, check_name, severity, state, title, message, opened_at, last_seen_at, resolved_at)
         VALUES (?, 't', 'c', 'critical', ?, 'x', 'x', ?, ?, ?)`,
      )
      .run(`k${openedAt}-${state}`, state, openedAt, openedAt, resolvedAt).lastInsertRowid,
  );
  for (let i = 0; i < events; i++) db.prepare('INSERT INTO alert_events (alert_id, at, type, message) VALUES (?, ?, ?, ?)').run(id, openedAt + i, 'reminder', 'x');
  return id;
}

describe('retention', () => {
  it('deletes exactly what is older than each table keeps, in batches', async () => {
    const results = new ResultsRepo(db);
    const rollups = new RollupsRepo(db);
    db.transaction(() => {
      // 3 checks, a result every 10 minutes for 10 days.
      for (let check = 1; check <= 3; check++) {
        for (let at = NOW - 10 * DAY; at < NOW; at += 10 * 60_000) {
          results.insert(check, { at, status: 'up', latencyMs: 20, message: '' });
          rollups.add(check, at, 'up', 20);
        }
      }
      // 30 hour buckets from 366 days ago: the first 24 are beyond the year kept.
      for (let h = 0; h < 30; h++) rollups.add(1, NOW - 366 * DAY + h * HOUR, 'up', 20);
      const outbox = db.prepare(
        'INSERT INTO outbox (channel, notice, created_at, next_attempt_at, delivered_at, failed_at, idempotency_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      let key = 0;
      for (let d = 0; d < 40; d++) {
        const at = NOW - d * DAY - 1;
        outbox.run('mail', '{}', at, at, at, null, `d${key++}`); // delivered
        outbox.run('mail', '{}', at, at, null, at, `f${key++}`); // failed
      }
      outbox.run('mail', '{}', NOW - 60 * DAY, NOW, null, null, 'pending'); // still pending: kept whatever its age
      const audit = db.prepare("INSERT INTO audit (at, actor, action, subject) VALUES (?, 'user', 'check.add', 'x')");
      for (let d = 0; d < 400; d += 10) audit.run(NOW - d * DAY - 1);
    })();
    const oldResolved = addAlert(NOW - 400 * DAY, 'resolved', NOW - 366 * DAY, 5);
    const recentResolved = addAlert(NOW - 400 * DAY, 'resolved', NOW - 300 * DAY, 3);
    const ancientOpen = addAlert(NOW - 500 * DAY, 'open', null, 4);

    const report = await new Retention(db).run(NOW, DEFAULT_RETENTION, { batchSize: 100 });

    // Raw results: 48 h kept (288 per check).
    expect(count('SELECT COUNT(*) AS n FROM results')).toBe(3 * 48 * 6);
    expect(count('SELECT MIN(at) AS n FROM results')).toBe(NOW - 48 * HOUR);
    expect(report.results).toBe(3 * 8 * 24 * 6);
    // Minute buckets: 7 days; hour buckets: a year.
    expect(count('SELECT COUNT(*) AS n FROM rollup_minute')).toBe(3 * 7 * 24 * 6);
    expect(count('SELECT MIN(bucket) AS n FROM rollup_minute')).toBe(NOW - 7 * DAY);
    expect(report.hourRollups).toBe(24);
    expect(count('SELECT COUNT(*) AS n FROM rollup_hour')).toBe(3 * 10 * 24 + 6);
    // Outbox: settled within 30 days kept (30 days × 2), the old pending one kept.
    expect(count('SELECT COUNT(*) AS n FROM outbox')).toBe(30 * 2 + 1);
    expect(count("SELECT COUNT(*) AS n FROM outbox WHERE idempotency_key = 'pending'")).toBe(1);
    expect(count('SELECT COUNT(*) AS n FROM audit')).toBe(37);
    // Alerts resolved over a year ago go with their events; open ones and recent ones stay.
    expect(count('SELECT COUNT(*) AS n FROM alerts')).toBe(2);
    expect(count(`SELECT COUNT(*) AS n FROM alerts WHERE id = ${oldResolved}`)).toBe(0);
    expect(count(`SELECT COUNT(*) AS n FROM alert_events WHERE alert_id = ${recentResolved}`)).toBe(3);
    expect(count(`SELECT COUNT(*) AS n FROM alert_events WHERE alert_id = ${ancientOpen}`)).toBe(4);
    expect(report).toMatchObject({ outbox: 20, audit: 3, alertEvents: 5, alerts: 1 });
    // 3,456 results at 100 rows per statement take 35 statements alone.
    expect(report.batches).toBeGreaterThan(3_456 / 100);

    const again = await new Retention(db).run(NOW, DEFAULT_RETENTION, { batchSize: 100 });
    expect(again).toMatchObject({ results: 0, minuteRollups: 0, hourRollups: 0, outbox: 0, audit: 0, alertEvents: 0, alerts: 0 });
  });

  it('lets other work run between batches', async () => {
    const results = new ResultsRepo(db);
    db.transaction(() => {
      for (let i = 0; i < 1_000; i++) results.insert(1, { at: NOW - 3 * DAY + i, status: 'up', latencyMs: 1, message: '' });
    })();
    const turns: number[] = [];
    const retention = new Retention(db);
    const running = retention.run(NOW, DEFAULT_RETENTION, { batchSize: 50 });
    // A second call while one runs joins it instead of pruning twice.
    expect(retention.run(NOW)).toBe(running);
    const watcher = (async () => {
      while (count('SELECT COUNT(*) AS n FROM results') > 0) {
        turns.push(count('SELECT COUNT(*) AS n FROM results'));
        await new Promise((r) => setImmediate(r));
      }
    })();
    const report = await running;
    await watcher;
    expect(report.results).toBe(1_000);
    // The watcher saw the table shrink step by step, 50 rows at a time.
    expect(turns.length).toBeGreaterThanOrEqual(10);
    expect(turns.every((n) => n % 50 === 0)).toBe(true);
  });

  it('gives freed pages back to the file system', async () => {
    const results = new ResultsRepo(db);
    db.transaction(() => {
      for (let check = 1; check <= 20; check++) {
        for (let i = 0; i < 5_000; i++) {
          results.insert(check, { at: NOW - 5 * DAY + i * 1_000, status: 'down', latencyMs: null, message: `connection refused by 10.0.0.${check} after a long wait` });
        }
      }
    })();
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const before = statSync(file).size;
    const report = await new Retention(db).run(NOW, DEFAULT_RETENTION, { reservePages: 10 });
    db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const after = statSync(file).size;
    expect(report.results).toBe(100_000);
    expect(report.vacuumedPages).toBeGreaterThan(0);
    expect(after).toBeLessThan(before / 4);
    expect(Number((db.prepare('PRAGMA freelist_count').get() as { freelist_count: number }).freelist_count)).toBeLessThanOrEqual(10);
  });
});

describe('incremental vacuum mode', () => {
  it('is set on a new store and an older store is converted when opened', () => {
    expect((db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum).toBe(2);
    const oldFile = join(dir, 'old.db');
    const old = new Database(oldFile);
    old.exec('CREATE TABLE leftover (x INTEGER)'); // a table exists before any pragma: auto_vacuum stays off
    expect((old.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum).toBe(0);
    old.close();
    const reopened = openDatabase(oldFile);
    try {
      expect((reopened.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum).toBe(2);
    } finally {
      reopened.close();
    }
  });
});

describe('retention policy', () => {
  it('follows historyRetention for hour roll-ups and never keeps raw results beyond 48 h', () => {
    expect(retentionPolicy()).toEqual(DEFAULT_RETENTION);
    expect(retentionPolicy(2 * 365 * DAY)).toMatchObject({ rawResultsMs: 48 * HOUR, minuteRollupsMs: 7 * DAY, hourRollupsMs: 2 * 365 * DAY });
    expect(retentionPolicy(3 * DAY)).toMatchObject({ rawResultsMs: 48 * HOUR, minuteRollupsMs: 3 * DAY, hourRollupsMs: 3 * DAY });
    expect(retentionPolicy(HOUR)).toMatchObject({ rawResultsMs: HOUR, minuteRollupsMs: HOUR, hourRollupsMs: HOUR });
  });
});
