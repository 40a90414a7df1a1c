// SQLite (libsql, WAL) with versioned migrations. The store keeps history: probe results, check
// state (to resume after a restart), alerts and their events, the notification outbox, the audit log.
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
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
  // 2: stable identities, compact results, roll-ups, idempotent outbox (core-lifecycle issue).
  //    Names become labels: results, state, alerts and outbox reference entity ids.
  `
  CREATE TABLE entities (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    parent_id INTEGER REFERENCES entities(id),
    name TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    retired_at INTEGER,
    retired_reason TEXT,
    fingerprint TEXT
  );
  CREATE INDEX entities_live ON entities(kind, parent_id) WHERE retired_at IS NULL;

  INSERT INTO entities (kind, parent_id, name, created_at)
    SELECT 'target', NULL, target, MIN(t) FROM (
      SELECT target, at AS t FROM results
      UNION ALL SELECT target, 0 FROM check_state
      UNION ALL SELECT target, opened_at FROM alerts
    ) GROUP BY target;
  INSERT INTO entities (kind, parent_id, name, created_at)
    SELECT 'check', (SELECT e.id FROM entities e WHERE e.kind = 'target' AND e.name = x.target), x.check_name, MIN(x.t) FROM (
      SELECT target, check_name, at AS t FROM results
      UNION ALL SELECT target, check_name, 0 FROM check_state
      UNION ALL SELECT target, check_name, opened_at FROM alerts
    ) x GROUP BY x.target, x.check_name;

  -- status: 0 up, 1 degraded, 2 down. latency in tenths of a millisecond (NULL: no answer).
  -- message only for results that are not up (an up result's text is derived from its latency).
  CREATE TABLE results_v2 (
    check_id INTEGER NOT NULL,
    at INTEGER NOT NULL,
    status INTEGER NOT NULL,
    latency INTEGER,
    message TEXT,
    metrics TEXT,
    PRIMARY KEY (check_id, at)
  ) WITHOUT ROWID;
  INSERT OR REPLACE INTO results_v2 (check_id, at, status, latency, message, metrics)
    SELECT e.id, r.at, CASE r.status WHEN 'up' THEN 0 WHEN 'degraded' THEN 1 ELSE 2 END,
           CASE WHEN r.latency_ms IS NULL THEN NULL ELSE CAST(ROUND(r.latency_ms * 10) AS INTEGER) END,
           CASE WHEN r.status = 'up' THEN NULL ELSE r.message END, r.metrics
    FROM results r JOIN entities t ON t.kind = 'target' AND t.name = r.target
    JOIN entities e ON e.kind = 'check' AND e.parent_id = t.id AND e.name = r.check_name;
  DROP TABLE results;
  ALTER TABLE results_v2 RENAME TO results;

  -- Roll-ups: per minute (kept 7 days) and per hour (kept a year). Buckets are epoch ms of their
  -- start; latencies in tenths of a ms.
  -- hist (hour only): latency histogram, see stats/latency-histogram.ts for its layout.
  CREATE TABLE rollup_minute (
    check_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    probes INTEGER NOT NULL,
    down INTEGER NOT NULL,
    degraded INTEGER NOT NULL,
    lat_n INTEGER NOT NULL,
    lat_sum INTEGER NOT NULL,
    PRIMARY KEY (check_id, bucket)
  ) WITHOUT ROWID;
  CREATE TABLE rollup_hour (
    check_id INTEGER NOT NULL,
    bucket INTEGER NOT NULL,
    probes INTEGER NOT NULL,
    down INTEGER NOT NULL,
    degraded INTEGER NOT NULL,
    lat_n INTEGER NOT NULL,
    lat_sum INTEGER NOT NULL,
    lat_min INTEGER,
    lat_max INTEGER,
    hist BLOB,
    PRIMARY KEY (check_id, bucket)
  ) WITHOUT ROWID;

  -- Roll-ups of the history carried over, so statistics and charts do not start empty after the
  -- upgrade (no histograms: p95 starts with the new probes). Minutes only for the last 7 days.
  INSERT INTO rollup_hour (check_id, bucket, probes, down, degraded, lat_n, lat_sum, lat_min, lat_max, hist)
    SELECT check_id, at - at % 3600000, COUNT(*), SUM(status = 2), SUM(status = 1),
           COUNT(CASE WHEN status <> 2 THEN latency END), COALESCE(SUM(CASE WHEN status <> 2 THEN latency END), 0),
           MIN(CASE WHEN status <> 2 THEN latency END), MAX(CASE WHEN status <> 2 THEN latency END), NULL
    FROM results GROUP BY check_id, at - at % 3600000;
  INSERT INTO rollup_minute (check_id, bucket, probes, down, degraded, lat_n, lat_sum)
    SELECT check_id, at - at % 60000, COUNT(*), SUM(status = 2), SUM(status = 1),
           COUNT(CASE WHEN status <> 2 THEN latency END), COALESCE(SUM(CASE WHEN status <> 2 THEN latency END), 0)
    FROM results WHERE at >= (SELECT MAX(at) FROM results) - 604800000
    GROUP BY check_id, at - at % 60000;

  CREATE TABLE check_state_v2 (
    check_id INTEGER PRIMARY KEY,
    state TEXT NOT NULL
  );
  INSERT INTO check_state_v2 (check_id, state)
    SELECT e.id, s.state FROM check_state s JOIN entities t ON t.kind = 'target' AND t.name = s.target
    JOIN entities e ON e.kind = 'check' AND e.parent_id = t.id AND e.name = s.check_name;
  DROP TABLE check_state;
  ALTER TABLE check_state_v2 RENAME TO check_state;

  ALTER TABLE alerts ADD COLUMN check_id INTEGER;
  UPDATE alerts SET check_id = (
    SELECT e.id FROM entities e JOIN entities t ON t.id = e.parent_id
    WHERE e.kind = 'check' AND t.name = alerts.target AND e.name = alerts.check_name);
  UPDATE alerts SET key = 'check:' || check_id WHERE check_id IS NOT NULL;
  CREATE INDEX alerts_by_check ON alerts(check_id, opened_at);

  ALTER TABLE outbox ADD COLUMN idempotency_key TEXT;
  UPDATE outbox SET idempotency_key = 'legacy:' || id;
  CREATE UNIQUE INDEX outbox_idempotency ON outbox(idempotency_key);
  CREATE INDEX outbox_by_channel ON outbox(channel, next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
  CREATE INDEX outbox_by_created ON outbox(created_at);
  CREATE INDEX alert_events_by_time ON alert_events(at);

  -- Per-check memory of a check kind (a file-integrity baseline, a log offset and inode).
  CREATE TABLE check_kv (
    check_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    value BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (check_id, key)
  ) WITHOUT ROWID;
  `,
  // 3: the backup run catalog (this machine's history of runs; the destination stays the truth for
  // what is restorable) and alert silences.
  `
  CREATE TABLE backup_runs (
    id TEXT PRIMARY KEY,
    job TEXT NOT NULL,
    kind TEXT,
    state TEXT NOT NULL,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    files INTEGER NOT NULL DEFAULT 0,
    bytes INTEGER NOT NULL DEFAULT 0,
    stored_bytes INTEGER NOT NULL DEFAULT 0,
    duration_ms INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    error TEXT
  );
  CREATE INDEX backup_runs_job_started ON backup_runs (job, started_at);
  CREATE TABLE backup_run_transitions (
    run_id TEXT NOT NULL REFERENCES backup_runs (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    from_state TEXT,
    to_state TEXT NOT NULL,
    at INTEGER NOT NULL,
    reason TEXT,
    PRIMARY KEY (run_id, seq)
  );

  -- A silenced alert stays open but sends no reminders until then; its resolved notice still goes out.
  ALTER TABLE alerts ADD COLUMN silenced_until INTEGER;
  `,
  // --- Later migrations are appended here, one per change; the lead orders them when merging. ---
  // Incident response (issue 8): full-text search over alert history (message, title, target,
  // check, acknowledgement note) kept in step by triggers, and indexes for the paged history and
  // the delivery queue.
  `
  CREATE VIRTUAL TABLE alerts_fts USING fts5(
    title, message, target, check_name, ack_note,
    content = 'alerts', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
  );
  INSERT INTO alerts_fts (alerts_fts) VALUES ('rebuild');
  CREATE TRIGGER alerts_fts_insert AFTER INSERT ON alerts BEGIN
    INSERT INTO alerts_fts (rowid, title, message, target, check_name, ack_note)
    VALUES (new.id, new.title, new.message, new.target, new.check_name, new.ack_note);
  END;
  CREATE TRIGGER alerts_fts_delete AFTER DELETE ON alerts BEGIN
    INSERT INTO alerts_fts (alerts_fts, rowid, title, message, target, check_name, ack_note)
    VALUES ('delete', old.id, old.title, old.message, old.target, old.check_name, old.ack_note);
  END;
  CREATE TRIGGER alerts_fts_update AFTER UPDATE OF title, message, target, check_name, ack_note ON alerts BEGIN
    INSERT INTO alerts_fts (alerts_fts, rowid, title, message, target, check_name, ack_note)
    VALUES ('delete', old.id, old.title, old.message, old.target, old.check_name, old.ack_note);
    INSERT INTO alerts_fts (rowid, title, message, target, check_name, ack_note)
    VALUES (new.id, new.title, new.message, new.target, new.check_name, new.ack_note);
  END;
  CREATE INDEX alerts_by_target_opened ON alerts(target, opened_at);
  CREATE INDEX alerts_by_state_opened ON alerts(state, opened_at);
  CREATE INDEX audit_by_action_time ON audit(action, at);
  CREATE INDEX outbox_by_failed ON outbox(failed_at) WHERE failed_at IS NOT NULL AND delivered_at IS NULL;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** Tables the code relies on; checked at open so a damaged file fails with a clear message, not later. */
const REQUIRED_TABLES = ['entities', 'check_kv', 'results', 'rollup_minute', 'rollup_hour', 'check_state', 'alerts', 'alert_events', 'outbox', 'audit'];

/** A start-up failure of the data store, in words naming the path and what to do. */
export class StoreOpenError extends Error {
  constructor(
    message: string,
    readonly path: string,
    readonly reason: 'read-only' | 'full' | 'corrupt' | 'newer' | 'locked' | 'other',
  ) {
    super(message);
    this.name = 'StoreOpenError';
  }
}

function describeOpenError(error: unknown, file: string): StoreOpenError {
  if (error instanceof StoreOpenError) return error;
  const code = (error as { code?: string }).code ?? '';
  const text = error instanceof Error ? error.message : String(error);
  const folder = dirname(file);
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || /READONLY|readonly|read-only/i.test(`${code} ${text}`)) {
    return new StoreOpenError(
      `cannot write the data folder ${folder}: it is read-only or not yours (${code || text}). Fix its permissions, or start with --data pointing at a writable folder.`,
      file,
      'read-only',
    );
  }
  if (code === 'ENOSPC' || /SQLITE_FULL|disk is full|database or disk is full/i.test(`${code} ${text}`)) {
    return new StoreOpenError(`the disk holding ${folder} is full. Free some space, or start with --data pointing at another disk.`, file, 'full');
  }
  if (/SQLITE_NOTADB|SQLITE_CORRUPT|file is not a database|malformed/i.test(`${code} ${text}`)) {
    return new StoreOpenError(
      `the data store ${file} is damaged (${text}). Move it aside (Kaavan starts with empty history and your configuration is untouched), or restore it from a backup.`,
      file,
      'corrupt',
    );
  }
  if (/SQLITE_BUSY|database is locked/i.test(`${code} ${text}`)) {
    return new StoreOpenError(`the data store ${file} is locked by another program. Close it and start again.`, file, 'locked');
  }
  return new StoreOpenError(`cannot open the data store ${file}: ${text}`, file, 'other');
}

/** mkdir -p one level at a time: a recursive mkdir reports ENOENT where the truth is EROFS or EACCES. */
function ensureDir(dir: string): void {
  if (existsSync(dir)) return;
  ensureDir(dirname(dir));
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

export function openDatabase(file: string): Db {
  try {
    if (file !== ':memory:') {
      // The folder holds history and notices about the user's servers: private to the user.
      ensureDir(dirname(file));
      if (!existsSync(file)) closeSync(openSync(file, 'a', 0o600));
      chmodSync(file, 0o600);
    }
    const db = new Database(file);
    try {
      // Short: the sync API blocks the event loop while it waits. A longer lock fails the write, which
      // is reported as Kaavan's own problem and repaired by the next probe (level-triggered).
      db.exec('PRAGMA busy_timeout = 1000');
      const fresh = Number((db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version) === 0;
      // Incremental vacuum gives pruned pages back to the file system in small steps. It must be set
      // before the first table exists; an older database is converted once by VACUUM.
      if (fresh) db.exec('PRAGMA auto_vacuum = INCREMENTAL');
      db.exec('PRAGMA journal_mode = WAL');
      db.exec('PRAGMA synchronous = NORMAL');
      db.exec('PRAGMA foreign_keys = ON');
      migrate(db);
      const mode = Number((db.prepare('PRAGMA auto_vacuum').get() as { auto_vacuum: number }).auto_vacuum);
      if (mode !== 2) {
        db.exec('PRAGMA auto_vacuum = INCREMENTAL');
        db.exec('VACUUM');
      }
      checkSchema(db, file);
      return db;
    } catch (error) {
      db.close();
      throw error;
    }
  } catch (error) {
    throw describeOpenError(error, file);
  }
}

function checkSchema(db: Db, file: string): void {
  const rows = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
  const present = new Set(rows.map((r) => r.name));
  const missing = REQUIRED_TABLES.filter((t) => !present.has(t));
  if (missing.length) {
    throw new StoreOpenError(
      `the data store ${file} is incomplete (missing table${missing.length === 1 ? '' : 's'} ${missing.join(', ')}). Move it aside to start with empty history, or restore it from a backup.`,
      file,
      'corrupt',
    );
  }
}

function migrate(db: Db): void {
  const row = db.prepare('PRAGMA user_version').get() as { user_version: number };
  const current = Number(row.user_version);
  if (current > MIGRATIONS.length) {
    throw new StoreOpenError(
      `the data store was written by a newer Kaavan (schema ${current}, this build knows ${MIGRATIONS.length}); upgrade Kaavan or use another --data folder`,
      '',
      'newer',
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    inTransaction(db, 'IMMEDIATE', () => {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    });
  }
}

/**
 * Runs `work` atomically: its own write transaction, or part of the caller's when one is open
 * (libsql's `transaction()` does not nest, and repositories are used both alone and inside the one
 * transaction per probe). Every write goes through here or Store.transact: a write statement that
 * fails on a busy database outside a transaction stays "in progress" in libsql and blocks every
 * later commit of the connection, while a failed `BEGIN IMMEDIATE` leaves nothing behind.
 */
export function atomically<T>(db: Db, work: () => T): T {
  if (db.inTransaction) return work();
  return inTransaction(db, 'IMMEDIATE', work);
}

/**
 * BEGIN … COMMIT around `work`, rolling back on any error and rethrowing THAT error. (libsql's own
 * wrapper issues ROLLBACK unconditionally; after SQLITE_FULL SQLite has already rolled back, and the
 * "no transaction is active" error would hide that the disk is full.)
 */
export function inTransaction<T>(db: Db, mode: 'DEFERRED' | 'IMMEDIATE', work: () => T): T {
  db.exec(`BEGIN ${mode}`);
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    if (db.inTransaction) {
      try {
        db.exec('ROLLBACK');
      } catch {
        // The original error is the one worth reporting.
      }
    }
    throw error;
  }
}
