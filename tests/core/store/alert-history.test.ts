// The alert history at scale: 100,000 alerts in a real SQLite store, paged newest first, searched
// by words (full-text over title, message, target, check and note), by time range and state, and
// exported as CSV. No timing assertions: the speed is measured in bench/incident-history.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Store } from '../../../src-main/core/store/store.js';
import { alertsCsv, ftsQuery } from '../../../src-main/core/store/alerts-repo.js';
import { seedAlerts, SEED_START } from '../../../bench/incident-seed.js';

const N = 100_000;
let dir: string;
let store: Store;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-history-'));
  store = Store.open(join(dir, 'kaavan.db'));
  seedAlerts(store, N);
}, 120_000);

afterAll(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('alert history with 100,000 alerts', () => {
  it('pages newest first with the total, to the very last page', () => {
    const first = store.alerts.history({ limit: 100 });
    expect(first.total).toBe(N);
    expect(first.alerts).toHaveLength(100);
    expect(first.alerts[0]!.id).toBe(N);
    const times = first.alerts.map((a) => a.openedAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);

    const last = store.alerts.history({ offset: N - 30, limit: 100 });
    expect(last.alerts).toHaveLength(30);
    expect(last.alerts.at(-1)!.id).toBe(1);
  });

  it('finds alerts by words in the message, target, check and acknowledgement note', () => {
    // Every 100th alert is about nginx (see the seed): 1,000 of them.
    const nginx = store.alerts.history({ text: 'nginx', limit: 50 });
    expect(nginx.total).toBe(N / 100);
    expect(nginx.alerts.every((a) => /nginx/i.test(`${a.title} ${a.message}`))).toBe(true);
    // Prefix match, case-insensitive, several words all required.
    expect(store.alerts.history({ text: 'NGIN web3', limit: 10 }).total).toBe(N / 100 / 10);
    // The note written when acknowledging.
    const noted = store.alerts.history({ text: 'vendor ticket', limit: 10 });
    expect(noted.total).toBe(N / 1000);
    expect(noted.alerts[0]!.ackNote).toMatch(/vendor ticket/);
    // Text that is FTS syntax is searched as words.
    expect(store.alerts.history({ text: 'NEAR("x" OR *', limit: 10 }).total).toBe(0);
    expect(store.alerts.history({ text: '"" * :', limit: 10 }).total).toBe(0);
  });

  it('filters by time range and state together with the words', () => {
    const day = 86_400_000;
    const range = store.alerts.history({ from: SEED_START, to: SEED_START + day, limit: 5000 });
    // One alert a minute from SEED_START.
    expect(range.total).toBe(1440);
    expect(range.alerts.every((a) => a.openedAt >= SEED_START && a.openedAt < SEED_START + day)).toBe(true);
    const active = store.alerts.history({ state: 'active', text: 'timeout', limit: 10 });
    expect(active.alerts.every((a) => a.state !== 'resolved' && /timeout/i.test(a.message))).toBe(true);
    expect(active.total).toBeGreaterThan(0);
  });

  it('exports what a query matches as CSV, formula-safe', () => {
    const rows = store.alerts.historyAll({ text: 'nginx', from: SEED_START, to: SEED_START + 86_400_000 }, 1000);
    const csv = alertsCsv(rows);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines[0]).toBe('id,target,check,severity,state,title,message,opened_at,acked_at,ack_note,resolved_at,resolved_by,failed_probes');
    expect(lines).toHaveLength(rows.length + 1);
    expect(lines[1]).toMatch(/^\d+,web\d,nginx,error,(open|acknowledged|resolved),web\d \/ nginx is down,"nginx: 502 Bad Gateway, upstream timed out",2026-/);
    expect(alertsCsv([{ ...rows[0]!, message: '=HYPERLINK("x")' }]).split('\r\n')[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('turns any text into a safe full-text query', () => {
    expect(ftsQuery('web1 / homepage')).toBe('"web1"* AND "homepage"*');
    expect(ftsQuery('say "hi"')).toBe('"say"* AND "hi"*');
    expect(ftsQuery('  * : ')).toBeNull();
  });
});
