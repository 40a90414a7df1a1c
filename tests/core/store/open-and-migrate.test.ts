// Opening the store: clear start-up errors naming the path and what to do (read-only folder, damaged
// file, missing table, newer schema), private file modes, and the upgrade of a version-1 database
// (names as keys) to stable ids without losing history, state or open alerts.
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { spawnSync } from 'node:child_process';
import { openDatabase, SCHEMA_VERSION, StoreOpenError } from '../../../src-main/core/store/database.js';
import { Store } from '../../../src-main/core/store/store.js';

const dirs: string[] = [];
const temp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-open-'));
  dirs.push(dir);
  return dir;
};
const unmounts: string[] = [];
afterEach(() => {
  for (const m of unmounts.splice(0)) spawnSync('umount', ['-l', m]);
  for (const d of dirs.splice(0)) {
    chmodSync(d, 0o700);
    rmSync(d, { recursive: true, force: true });
  }
});

function openError(file: string): StoreOpenError {
  try {
    openDatabase(file).close();
  } catch (error) {
    if (error instanceof StoreOpenError) return error;
    throw error;
  }
  throw new Error('expected the store to refuse to open');
}

describe('opening the data store', () => {
  it('creates the folder 0700 and the database 0600', () => {
    const dir = join(temp(), 'data');
    openDatabase(join(dir, 'kaavan.db')).close();
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'kaavan.db')).mode & 0o777).toBe(0o600);
  });

  it('a damaged file is a clear error naming the file and what to do', () => {
    const dir = temp();
    const file = join(dir, 'kaavan.db');
    writeFileSync(file, 'this is not a database, it is a grocery list '.repeat(200));
    const error = openError(file);
    expect(error.reason).toBe('corrupt');
    expect(error.message).toContain(file);
    expect(error.message).toMatch(/Move it aside/);
  });

  it('a missing table is found at open, not as a crash later', () => {
    const dir = temp();
    const file = join(dir, 'kaavan.db');
    openDatabase(file).close();
    const db = new Database(file);
    db.exec('DROP TABLE rollup_hour');
    db.close();
    const error = openError(file);
    expect(error.message).toBe(
      `the data store ${file} is incomplete (missing table rollup_hour). Move it aside to start with empty history, or restore it from a backup.`,
    );
  });

  it('a read-only folder says so and suggests --data', () => {
    const dir = temp();
    let readOnly = dir;
    if (process.getuid?.() === 0) {
      // root ignores permission bits: use a file system mounted read-only instead.
      readOnly = join(dir, 'ro');
      mkdirSync(readOnly);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', readOnly]);
      if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr.toString()}`);
      unmounts.push(readOnly);
    } else {
      chmodSync(dir, 0o500);
    }
    const error = openError(join(readOnly, 'data', 'kaavan.db'));
    expect(error.reason).toBe('read-only');
    expect(error.message).toMatch(/--data/);
  });

  it('a database written by a newer Kaavan is refused with a way out', () => {
    const dir = temp();
    const file = join(dir, 'kaavan.db');
    openDatabase(file).close();
    const db = new Database(file);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    expect(openError(file).message).toMatch(/newer Kaavan .* upgrade Kaavan or use another --data folder/);
  });
});

describe('upgrading a version-1 database', () => {
  it('gives every target and check an id and keeps results, state and the open alert attached', () => {
    const dir = temp();
    mkdirSync(join(dir, 'data'));
    const file = join(dir, 'data', 'kaavan.db');
    const db = new Database(file);
    db.exec(V1_SCHEMA);
    db.exec('PRAGMA user_version = 1');
    const insert = db.prepare('INSERT INTO results (target, check_name, at, status, latency_ms, message) VALUES (?, ?, ?, ?, ?, ?)');
    insert.run('web1', 'home', 1000, 'up', 12.34, 'HTTP 200 in 12 ms');
    insert.run('web1', 'home', 2000, 'down', null, 'connection refused');
    insert.run('db', 'port', 1500, 'up', 0.5, 'connected');
    db.prepare('INSERT INTO check_state (target, check_name, state) VALUES (?, ?, ?)').run('web1', 'home', '{"machine":{"status":"down"}}');
    db.prepare(
      "INSERT INTO alerts (key, target, check_name, severity, state, title, message, opened_at, last_seen_at) VALUES ('check:web1/home', 'web1', 'home', 'error', 'open', 't', 'm', 2000, 2000)",
    ).run();
    db.close();

    const store = Store.open(file);
    try {
      const checks = store.entities.live('check');
      const home = checks.find((c) => c.name === 'home')!;
      expect(store.entities.get(home.parentId!)!.name).toBe('web1');
      expect(store.results.history(home.id, 0, 10)).toEqual([
        { at: 1000, status: 'up', latencyMs: 12.3, message: 'up in 12 ms' },
        { at: 2000, status: 'down', latencyMs: null, message: 'connection refused' },
      ]);
      expect(store.checkState.load().get(home.id)).toEqual({ machine: { status: 'down' } });
      const alert = store.alerts.active(`check:${home.id}`)!;
      expect(alert).toMatchObject({ checkId: home.id, target: 'web1', check: 'home', state: 'open' });
      expect(Number((store.db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum)).toBe(2);
    } finally {
      store.close();
    }
  });
});

// The schema shipped as migration 1 (foundation), verbatim.
const V1_SCHEMA = `
  CREATE TABLE results (id INTEGER PRIMARY KEY, target TEXT NOT NULL, check_name TEXT NOT NULL, at INTEGER NOT NULL,
    status TEXT NOT NULL, latency_ms REAL, message TEXT NOT NULL, metrics TEXT);
  CREATE INDEX results_by_check ON results(target, check_name, at);
  CREATE INDEX results_by_time ON results(at);
  CREATE TABLE check_state (target TEXT NOT NULL, check_name TEXT NOT NULL, state TEXT NOT NULL, PRIMARY KEY (target, check_name));
  CREATE TABLE alerts (id INTEGER PRIMARY KEY, key TEXT NOT NULL, target TEXT NOT NULL, check_name TEXT NOT NULL,
    severity TEXT NOT NULL, state TEXT NOT NULL, title TEXT NOT NULL, message TEXT NOT NULL, opened_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL, acked_at INTEGER, ack_note TEXT, resolved_at INTEGER, resolved_by TEXT,
    count INTEGER NOT NULL DEFAULT 1, metadata TEXT NOT NULL DEFAULT '{}');
  CREATE UNIQUE INDEX alerts_one_active_per_key ON alerts(key) WHERE state <> 'resolved';
  CREATE INDEX alerts_by_opened ON alerts(opened_at);
  CREATE TABLE alert_events (id INTEGER PRIMARY KEY, alert_id INTEGER NOT NULL REFERENCES alerts(id), at INTEGER NOT NULL,
    type TEXT NOT NULL, message TEXT NOT NULL);
  CREATE INDEX alert_events_by_alert ON alert_events(alert_id, at);
  CREATE TABLE outbox (id INTEGER PRIMARY KEY, channel TEXT NOT NULL, notice TEXT NOT NULL, created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL, delivered_at INTEGER, failed_at INTEGER, last_error TEXT);
  CREATE INDEX outbox_pending ON outbox(delivered_at, failed_at, next_attempt_at);
  CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}');
  CREATE INDEX audit_by_time ON audit(at);
`;
