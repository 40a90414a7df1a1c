// The store fails under the engine: another program holds the database lock, the disk is full.
// Kaavan reports it as its own problem, never advances its state past what was written, and once
// the store works again the next probe raises exactly the alert and notice that were due.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../src-main/core/log/logger.js';
import type { AlertChannel } from '../../src-main/core/alerts/channel.js';
import { cleanups, runCleanups, switchablePort, tempDir, waitFor, writeConfig } from './fault-helpers.js';
import { RecordingChannel } from '../helpers/core-harness.js';

afterEach(runCleanups);


async function boot(configFile: string, dataDir: string, channel: AlertChannel): Promise<KaavanRuntime> {
  const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir, mode: 'headless', channels: [channel], logger: silentLogger });
  cleanups.push(() => rt.stop());
  return rt;
}

describe('store faults', () => {
  it('a database locked by another program: no state advance, a health problem, then exactly one alert', { timeout: 60_000 }, async () => {
    const dir = tempDir('kaavan-locked-');
    const dataDir = join(dir, 'data');
    const target = await switchablePort();
    const channel = new RecordingChannel();
    const rt = await boot(writeConfig(dir, target.port), dataDir, channel);

    // Another process takes the write lock and keeps it for 4 s (longer than the busy timeout).
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('libsql'); const db = new D(${JSON.stringify(join(dataDir, 'kaavan.db'))});
         db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 4000);`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    cleanups.push(() => void holder.kill('SIGKILL'));
    await new Promise<void>((r) => holder.stdout!.once('data', () => r()));
    await rt.start();

    const health = await waitFor(async () => {
      const h = await rt.service.health();
      return h.problems.find((p) => p.code === 'store-write-failed');
    });
    expect(health.message).toMatch(/^Kaavan cannot write its database: the database is locked by another program/);
    // Nothing was written, so nothing advanced: the check is not shown DOWN, no alert, no notice.
    expect((await rt.service.overview()).targets[0]!.checks[0]!.status).toBe('pending');
    expect(await rt.service.listAlerts({})).toEqual([]);
    expect(channel.notices).toEqual([]);

    await waitFor(async () => (await rt.service.listAlerts({ state: 'active' })).length === 1, 20_000);
    await waitFor(() => channel.notices.length >= 1);
    await waitFor(async () => (await rt.service.health()).ok);
    await new Promise((r) => setTimeout(r, 1500));
    expect(channel.notices.map((n) => n.kind)).toEqual(['opened']);
    expect(await rt.service.listAlerts({})).toHaveLength(1);
  });

  const canMount = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v mount']).status === 0;

  it.skipIf(!canMount)('a full disk: reported as Kaavan\'s problem, then the alert is raised once space is back', { timeout: 60_000 }, async () => {
    const dir = tempDir('kaavan-full-');
    const mountPoint = join(dir, 'small');
    mkdirSync(mountPoint);
    const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', mountPoint]);
    if (mounted.status !== 0) throw new Error(`mount failed: ${mounted.stderr.toString()}`);
    cleanups.push(() => void spawnSync('umount', ['-l', mountPoint]));
    const dataDir = join(mountPoint, 'data');
    const target = await switchablePort();
    await target.up();
    const channel = new RecordingChannel();
    const rt = await boot(writeConfig(dir, target.port), dataDir, channel);
    await rt.start();
    await waitFor(async () => (await rt.service.overview()).targets[0]!.checks[0]!.status === 'up');

    // Fill the disk to the last byte, then the server goes down.
    const filler = join(mountPoint, 'filler');
    const fd = openSync(filler, 'w');
    const block = Buffer.alloc(64 * 1024, 1);
    try {
      for (;;) writeSync(fd, block);
    } catch {
      // ENOSPC: full.
    }
    try {
      for (;;) writeSync(fd, Buffer.alloc(512, 1));
    } catch {
      // ENOSPC down to the last block.
    }
    closeSync(fd);
    await target.down();

    const problem = await waitFor(async () => (await rt.service.health()).problems.find((p) => p.code === 'store-write-failed'));
    expect(problem.message).toMatch(/the disk is full/);
    expect(await rt.service.listAlerts({})).toEqual([]);
    expect((await rt.service.overview()).targets[0]!.checks[0]!.status).toBe('up');

    rmSync(filler);
    await waitFor(async () => (await rt.service.listAlerts({ state: 'active' })).length === 1, 20_000);
    await waitFor(() => channel.notices.length >= 1);
    await waitFor(async () => (await rt.service.health()).ok);
    await new Promise((r) => setTimeout(r, 1500));
    expect(channel.notices.map((n) => n.kind)).toEqual(['opened']);
  });
});
