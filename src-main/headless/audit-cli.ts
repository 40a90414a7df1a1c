// `kaavan audit [--since 24h] [--action A] [--subject TEXT] [--actor user|engine] [--limit N] [--json]`:
// the audit log of a data folder, newest first. Reads the database beside a running app or serve
// (SQLite WAL lets a reader in), and never creates one where there is none.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Store } from '../core/store/store.js';
import { parseDuration } from '../core/config/duration.js';
import type { AuditEntry } from '../core/model.js';

export interface AuditCliContext {
  json: boolean;
  dataDir: string;
  stdout: (text: string) => void;
  now?: () => number;
}

export interface AuditCliFlags {
  since?: string;
  action?: string;
  subject?: string;
  actor?: string;
  limit?: string;
}

export class AuditUsageError extends Error {}

/** The filters of the command line, checked, in the repository's terms. */
export function auditFilter(flags: AuditCliFlags, now: number): { since?: number; action?: string; subject?: string; actor?: string; limit: number } {
  let since: number | undefined;
  if (flags.since !== undefined) {
    const ms = parseDuration(flags.since);
    if (ms === null || ms <= 0) throw new AuditUsageError(`--since takes a duration like 30m, 24h or 7d, got "${flags.since}"`);
    since = now - ms;
  }
  const limit = flags.limit === undefined ? 500 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new AuditUsageError(`--limit must be a whole number from 1 to 100000, got "${flags.limit}"`);
  return {
    ...(since !== undefined ? { since } : {}),
    ...(flags.action ? { action: flags.action } : {}),
    ...(flags.subject ? { subject: flags.subject } : {}),
    ...(flags.actor ? { actor: flags.actor } : {}),
    limit,
  };
}

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' · ');
}

/** One line per entry: "2026-11-23 18:05:12Z  user    alert.acknowledge  web1 / homepage  note: on it". */
export function formatAudit(entries: AuditEntry[]): string {
  if (entries.length === 0) return '';
  const actorWidth = Math.max(...entries.map((e) => e.actor.length));
  const actionWidth = Math.max(...entries.map((e) => e.action.length));
  return entries
    .map((e) => {
      const when = `${new Date(e.at).toISOString().slice(0, 19).replace('T', ' ')}Z`;
      const detail = detailText(e.detail);
      return `${when}  ${e.actor.padEnd(actorWidth)}  ${e.action.padEnd(actionWidth)}  ${e.subject}${detail ? `  ${detail}` : ''}`;
    })
    .join('\n')
    .concat('\n');
}

export async function auditCommand(ctx: AuditCliContext, flags: AuditCliFlags): Promise<number> {
  const filter = auditFilter(flags, (ctx.now ?? Date.now)());
  const file = join(ctx.dataDir, 'kaavan.db');
  let entries: AuditEntry[] = [];
  if (existsSync(file)) {
    const store = Store.open(file);
    try {
      entries = store.audit.search(filter);
    } finally {
      store.close();
    }
  }
  if (ctx.json) {
    ctx.stdout(`${JSON.stringify(entries)}\n`);
    return 0;
  }
  if (entries.length === 0) {
    ctx.stdout(existsSync(file) ? `nothing in the audit log${flags.since ? ` in the last ${flags.since}` : ''}${filter.action || filter.subject || filter.actor ? ' matching the filters' : ''}\n` : `no Kaavan data in ${ctx.dataDir} yet (nothing was ever recorded there)\n`);
    return 0;
  }
  ctx.stdout(formatAudit(entries));
  return 0;
}
