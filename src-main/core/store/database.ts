// SQLite (libsql, WAL) with versioned migrations. The store keeps history: probe results, check
// state (to resume after a restart), alerts and their events, the notification outbox, the audit log.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'libsql';

export type Db = InstanceType<typeof Database>;

/** Migrations run in order; each runs once, recorded in PRAGMA user_version. Never edit a shipped one. */
const MIGRATIONS: string[] = [
  // 1: the foundation schema
  `
  CREATE TABLE results (
    id INTEGER PRIMARY KEY,
    target TEXT NOT NULL,
    check_name TEXT NOT NULL,
    at INTEGER NOT NULL,
    status TEXT NOT NULL,
    latency_ms REAL,
    message TEXT NOT NULL,
    metrics TEXT
  );
  CREATE INDEX results_by_check ON results(target, check_name, at);
  CREATE INDEX results_by_time ON results(at);

  CREATE TABLE check_state (
    target TEXT NOT NULL,
    check_name TEXT NOT NULL,
    state TEXT NOT NULL,
    PRIMARY KEY (target, check_name)
  );

  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    target TEXT NOT NULL,
    check_name TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    title TEXT NOT NULL,
    message TEXT NOT NULL,
    opened_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    acked_at INTEGER,
    ack_note TEXT,
    resolved_at INTEGER,
    resolved_by TEXT,
    count INTEGER NOT NULL DEFAULT 1,
    metadata TEXT NOT NULL DEFAULT '{}'
  );
  CREATE UNIQUE INDEX alerts_one_active_per_key ON alerts(key) WHERE state <> 'resolved';
  CREATE INDEX alerts_by_opened ON alerts(opened_at);

  CREATE TABLE alert_events (
    id INTEGER PRIMARY KEY,
    alert_id INTEGER NOT NULL REFERENCES alerts(id),
    at INTEGER NOT NULL,
    type TEXT NOT NULL,
    message TEXT NOT NULL
  );
  CREATE INDEX alert_events_by_alert ON alert_events(alert_id, at);

  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    channel TEXT NOT NULL,
    notice TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    delivered_at INTEGER,
    failed_at INTEGER,
    last_error TEXT
  );
  CREATE INDEX outbox_pending ON outbox(delivered_at, failed_at, next_attempt_at);

  CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '{}'
  );
  CREATE INDEX audit_by_time ON audit(at);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function openDatabase(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = NORMAL');
  db.exec('PRAGMA foreign_keys = ON');
  db.exec('PRAGMA busy_timeout = 5000');
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  const current = Number(row.user_version);
  if (current > MIGRATIONS.length) {
    throw new Error(
      `the data store was written by a newer Kaavan (schema ${current}, this build knows ${MIGRATIONS.length}); upgrade Kaavan or use another --data folder`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    })();
  }
}
