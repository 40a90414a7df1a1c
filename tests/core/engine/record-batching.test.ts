// Results that finish together are written together (one transaction per short window). What a
// user relies on still holds: a result is announced only once it is in the store, and a result
// that cannot be written costs the others of its batch nothing — their alerts open and are
// delivered, while the failed check's state stays where it was until its next probe is written,
// which then raises exactly the one alert that was due.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'libsql';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import type { KaavanEvent } from '../../../src-main/core/api/service.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const CHECKS = ['a', 'b', 'c', 'd'];

/**
 * An HTTP server that holds each request until all `size` checks have asked (or 300 ms passed),
 * then answers them at once, so their results finish together; `status` is what it answers.
 */
async function startBarrierServer(size: number): Promise<{ port: number; setStatus(code: number): void }> {
  let status = 200;
  let held: ServerResponse[] = [];
  let timer: NodeJS.Timeout | null = null;
  const release = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    for (const res of held.splice(0)) res.writeHead(status, { 'Content-Type': 'text/plain' }).end(status === 200 ? 'ok' : 'broken');
  };
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    held.push(res);
    if (held.length >= size) release();
    else timer ??= setTimeout(release, 300);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        release();
        held = [];
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { port: (server.address() as AddressInfo).port, setStatus: (code) => (status = code) };
}

async function boot(port: number): Promise<{ rt: KaavanRuntime; channel: RecordingChannel; events: KaavanEvent[]; db: Database.Database }> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-batch-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'kaavan.yaml');
  const checks = CHECKS.map((name) => `      - { name: ${name}, kind: http, url: "http://127.0.0.1:${port}/${name}", interval: 1s, timeout: 2s, retries: 0 }`);
  writeFileSync(configFile, `version: 1\nsettings: { reminderEvery: 1000, jitter: 0 }\ntargets:\n  - name: web\n    checks:\n${checks.join('\n')}\n`);
  const channel = new RecordingChannel();
  const dataDir = join(dir, 'data');
  const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir, mode: 'headless', channels: [channel], logger: silentLogger });
  cleanups.push(() => rt.stop());
  const events: KaavanEvent[] = [];
  rt.service.subscribe((e) => events.push(e));
  // A second connection to the same file, as another program would open it.
  const db = new Database(join(dataDir, 'kaavan.db'));
  db.exec('PRAGMA busy_timeout = 5000');
  cleanups.push(() => {
    db.close();
  });
  return { rt, channel, events, db };
}

function checkIdOf(db: Database.Database, name: string): number {
  const row = db.prepare("SELECT id FROM entities WHERE kind = 'check' AND name = ? AND retired_at IS NULL").get(name) as { id: number };
  return Number(row.id);
}

async function statusOf(rt: KaavanRuntime, name: string): Promise<string | undefined> {
  return (await rt.service.overview()).targets[0]?.checks.find((c) => c.name === name)?.status;
}

describe('recording results in batches', () => {
  it('announces a result only once it is in the store, for every result of a batch', async () => {
    const server = await startBarrierServer(CHECKS.length);
    const { rt, db } = await boot(server.port);
    const ids = new Map(CHECKS.map((name) => [name, checkIdOf(db, name)]));
    const announced: Array<{ check: string; at: number; stored: number; state: string | null }> = [];
    const storedRows = db.prepare('SELECT COUNT(*) AS n FROM results WHERE check_id = ? AND at = ?');
    const storedState = db.prepare('SELECT state FROM check_state WHERE check_id = ?');
    rt.service.subscribe((e) => {
      if (e.type !== 'check.result') return;
      const id = ids.get(e.result.check)!;
      // Read at the moment of the event, through the other connection: only committed rows show.
      const stored = Number((storedRows.get(id, e.result.at) as { n: number }).n);
      const state = storedState.get(id) as { state: string } | undefined;
      announced.push({ check: e.result.check, at: e.result.at, stored, state: state?.state ?? null });
    });
    await rt.start();
    await waitFor(() => CHECKS.every((name) => announced.filter((a) => a.check === name).length >= 3));

    for (const a of announced) {
      expect(a.stored, `${a.check} at ${a.at} was announced before it was written`).toBe(1);
      expect(JSON.parse(a.state!).lastResult.at).toBeGreaterThanOrEqual(a.at);
    }
    // The history shows every result that was announced.
    for (const name of CHECKS) {
      const history = await rt.service.checkHistory({ target: 'web', check: name });
      const announcedAt = announced.filter((a) => a.check === name).map((a) => a.at);
      expect(history.map((p) => p.at)).toEqual(expect.arrayContaining(announcedAt));
    }
  }, 30_000);

  it('a result that cannot be written costs the others of its batch nothing, and its alert comes once it can be', async () => {
    const server = await startBarrierServer(CHECKS.length);
    const { rt, channel, events, db } = await boot(server.port);
    await rt.start();
    await waitFor(async () => {
      const checks = (await rt.service.overview()).targets[0]?.checks ?? [];
      return checks.length === CHECKS.length && checks.every((c) => c.status === 'up');
    });

    // The store refuses every result of check b (a real SQLite error inside the transaction).
    const b = checkIdOf(db, 'b');
    db.exec(`CREATE TRIGGER refuse_b BEFORE INSERT ON results WHEN NEW.check_id = ${b} BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`);
    server.setStatus(500);

    // The others of each batch go through: down, one alert each, delivered.
    await waitFor(async () => (await rt.service.listAlerts({ state: 'active' })).length === CHECKS.length - 1);
    await waitFor(() => channel.notices.length >= CHECKS.length - 1);
    const problem = await waitFor(async () => (await rt.service.health()).problems.find((p) => p.code === 'store-write-failed'));
    expect(problem.message).toMatch(/refused by the test/);
    for (const name of ['a', 'c', 'd']) expect(await statusOf(rt, name)).toBe('down');
    // b's failures were never written, so b did not advance: still up, no alert, no notice.
    expect(await statusOf(rt, 'b')).toBe('up');
    expect((await rt.service.listAlerts({})).map((a) => a.check).sort()).toEqual(['a', 'c', 'd']);
    expect(events.some((e) => e.type === 'check.result' && e.result.check === 'b' && e.result.status === 'down')).toBe(false);

    // Once b's results can be written again, its next probe raises exactly the alert that was due.
    db.exec('DROP TRIGGER refuse_b');
    await waitFor(async () => (await rt.service.listAlerts({ state: 'active' })).length === CHECKS.length);
    await waitFor(() => channel.notices.length >= CHECKS.length);
    await waitFor(async () => (await rt.service.health()).ok);
    expect(await statusOf(rt, 'b')).toBe('down');
    const alerts = await rt.service.listAlerts({});
    expect(alerts.map((a) => a.check).sort()).toEqual(CHECKS);
    expect(channel.notices.filter((n) => n.kind === 'opened').map((n) => n.alert.check).sort()).toEqual(CHECKS);
  }, 40_000);
});
