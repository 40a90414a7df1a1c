// Per-check roll-ups: one row per minute (kept 7 days) and per hour (kept a year).
import type { Db } from './database.js';
import type { ProbeStatus } from '../model.js';

export class RollupsRepo {
  private readonly minuteStmt;
  private readonly hourStmt;
  constructor(private readonly db: Db) {
    const upsert = (table: string) =>
      db.prepare(
        `INSERT INTO ${table} (check_id, bucket, probes, down, degraded, lat_n, lat_sum, lat_min, lat_max)
         VALUES (?1, ?2, 1, ?3, ?4, ?5, ?6, ?7, ?7)
         ON CONFLICT(check_id, bucket) DO UPDATE SET probes = probes + 1, down = down + ?3, degraded = degraded + ?4,
           lat_n = lat_n + ?5, lat_sum = lat_sum + ?6,
           lat_min = CASE WHEN ?7 IS NULL THEN lat_min WHEN lat_min IS NULL OR ?7 < lat_min THEN ?7 ELSE lat_min END,
           lat_max = CASE WHEN ?7 IS NULL THEN lat_max WHEN lat_max IS NULL OR ?7 > lat_max THEN ?7 ELSE lat_max END`,
      );
    this.minuteStmt = upsert('rollup_minute');
    this.hourStmt = upsert('rollup_hour');
  }

  add(checkId: number, at: number, status: ProbeStatus, latencyMs: number | null): void {
    const lat = status === 'down' || latencyMs === null ? null : Math.round(latencyMs * 10);
    const args = [status === 'down' ? 1 : 0, status === 'degraded' ? 1 : 0, lat === null ? 0 : 1, lat ?? 0, lat] as const;
    this.minuteStmt.run(checkId, Math.floor(at / 60_000), ...args);
    this.hourStmt.run(checkId, Math.floor(at / 3_600_000), ...args);
  }
}
