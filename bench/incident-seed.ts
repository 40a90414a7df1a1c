// Seeds an alert history for the 100,000-alert test and bench (issue 8): one alert a minute from
// SEED_START; every 100th is about nginx (target web0..web9 in turn), every 1000th (at 7) was
// acknowledged with a note, the last 50 are still open. Written straight into the alerts table in
// one transaction; the full-text index follows through its triggers.
import type { Store } from '../src-main/core/store/store.js';

export const SEED_START = Date.UTC(2026, 0, 1);

export function seedAlerts(store: Store, n: number): void {
  const db = store.db;
  const insert = db.prepare(
    `INSERT INTO alerts (id, key, check_id, target, check_name, severity, state, title, message, opened_at, last_seen_at, acked_at, ack_note, resolved_at, resolved_by, count, metadata)
     VALUES (?, ?, NULL, ?, ?, 'error', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
  );
  const checks = ['homepage', 'api', 'db'];
  db.exec('BEGIN');
  try {
    for (let i = 1; i <= n; i++) {
      const at = SEED_START + (i - 1) * 60_000;
      const nginx = i % 100 === 0;
      const target = nginx ? `web${(i / 100) % 10}` : `web${i % 10}`;
      const check = nginx ? 'nginx' : checks[i % 3]!;
      const message = nginx ? 'nginx: 502 Bad Gateway, upstream timed out' : i % 7 === 0 ? 'timeout after 5000 ms' : 'connection refused';
      const open = i > n - 50;
      const acked = i % 1000 === 7;
      const state = acked && open ? 'acknowledged' : open ? 'open' : 'resolved';
      insert.run(
        i,
        `seed:${i}`,
        target,
        check,
        state,
        `${target} / ${check} is down`,
        message,
        at,
        at + 30_000,
        acked ? at + 10_000 : null,
        acked ? `waiting on vendor ticket ${4700 + (i % 100)}` : null,
        open ? null : at + 45_000,
        open ? null : 'auto',
        1 + (i % 5),
      );
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
