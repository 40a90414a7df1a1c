// The disk check on this computer and over a real sshd: usage compared with statfs(2), thresholds
// as numbers and "80%" strings, odd paths, a missing path and the forecast from the stored trend.
import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diskCheck, forecastMsUntil, parseDf } from '../../../../src-main/core/checks/kinds/disk.js';
import { inMemoryCheckMemory, makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import { checkSchema } from '../../../../src-main/core/config/schema.js';
import type { Host } from '../../../../src-main/core/hosts/host.js';
import { hostVariants } from '../../../helpers/host-variants.js';

type DiskParams = Parameters<typeof diskCheck.probe>[0];

function statfsPercent(path: string): { pct: number; usedBytes: number; totalBytes: number } {
  const s = statfsSync(path);
  const used = s.blocks - s.bfree;
  return { pct: (used / (used + s.bavail)) * 100, usedBytes: used * s.bsize, totalBytes: (used + s.bavail) * s.bsize };
}

describe.each(hostVariants())('disk check ($name)', (variant) => {
  let host: Host;
  let dir: string;
  beforeAll(async () => {
    host = await variant.setup();
    dir = mkdtempSync(join(tmpdir(), "kaavan disk 'q' $x-"));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await variant.teardown();
  });
  const probe = (params: DiskParams, memory = inMemoryCheckMemory(), now = Date.now) =>
    diskCheck.probe(params, makeProbeContext({ timeoutMs: 10_000, host, memory, now }));

  it('reports the percent used that statfs reports, and free space, for a path with spaces and quotes', async () => {
    const r = await probe({ path: dir, warn: 99.8, critical: 99.9 });
    const expected = statfsPercent(dir);
    expect(r.status).toBe('up');
    expect(r.metrics!.usedPercent).toBeCloseTo(expected.pct, 0);
    expect(r.metrics!.totalBytes).toBe(expected.totalBytes);
    expect(r.message).toMatch(/^\/\S*: \d+(\.\d)?% used, \d+\.\d [KMGT]B free; inodes \d+(\.\d)?% used$/);
  });

  it('is degraded at warn and down at critical, numbers or "N%" strings', async () => {
    const pct = statfsPercent(dir).pct;
    const degraded = await probe({ path: dir, warn: '0%', critical: '100%' });
    expect(degraded.status).toBe('degraded');
    expect(degraded.message).toMatch(/% used, .* free \(warning at 0%\)/);
    const down = await probe({ path: dir, warn: 0, critical: Math.floor(pct) });
    expect(down.status).toBe('down');
    expect(down.message).toContain(`(critical at ${Math.floor(pct)}%)`);
  });

  it('reports inode usage as statfs does (and leaves it out with inodes: false)', async () => {
    const s = statfsSync(dir);
    const inodePct = ((s.files - s.ffree) / s.files) * 100;
    const r = await probe({ path: dir, warn: 99.8, critical: 99.9 });
    expect(r.metrics!.inodesUsedPercent).toBeCloseTo(inodePct, 0);
    const without = await probe({ path: dir, warn: 99.8, critical: 99.9, inodes: false });
    expect(without.metrics!.inodesUsedPercent).toBeUndefined();
    expect(without.message).not.toContain('inodes');
  });

  it('names a path that does not exist', async () => {
    const r = await probe({ path: join(dir, 'nope') });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(new RegExp(`^cannot read disk usage of .*nope${variant.name === 'ssh' ? ' on root@127\\.0\\.0\\.1:\\d+' : ''}: .*No such file or directory`));
  });

  it('forecasts from the stored trend and warns before critical is reached', async () => {
    const now = Date.now();
    const { usedBytes, totalBytes } = statfsPercent(dir);
    const critical = 99;
    const limit = (critical / 100) * totalBytes;
    const perHour = (limit - usedBytes) / 24; // critical in about a day at this rate
    const memory = inMemoryCheckMemory();
    memory.set('trend', [
      { at: now - 2 * 3_600_000, used: usedBytes - 2 * perHour },
      { at: now - 3_600_000, used: usedBytes - perHour },
    ]);
    const r = await probe({ path: dir, warn: 98, critical }, memory, () => now);
    expect(r.status).toBe('degraded');
    expect(r.message).toMatch(/; at this rate 99% in (2\d h|1\.0 days), full in \d+(\.\d)? days$/);
    expect(r.metrics!.daysUntilCritical).toBeCloseTo(1, 0);
    // The sample was added to the trend; with a short forecastWarn the forecast is only shown.
    expect(memory.get<unknown[]>('trend')).toHaveLength(3);
    const calm = await probe({ path: dir, warn: 98, critical, forecastWarn: '1h' }, memory, () => now + 1000);
    expect(calm.status).toBe('up');
    expect(calm.message).toContain('at this rate 99% in');
  });
});

describe('disk check parts', () => {
  it('parses df -P lines whose filesystem and mount point contain spaces', () => {
    const out = 'Filesystem 1024-blocks Used Available Capacity Mounted on\nmy fs 100 40 60 40% /mnt/my disk\n';
    expect(parseDf(out)).toEqual({ filesystem: 'my fs', total: 100, used: 40, available: 60, mount: '/mnt/my disk' });
  });

  it('forecasts only from a rising trend spanning an hour', () => {
    const h = 3_600_000;
    expect(forecastMsUntil([{ at: 0, used: 10 }, { at: h / 2, used: 20 }, { at: h / 2 + 1, used: 30 }], 100)).toBeNull();
    expect(forecastMsUntil([{ at: 0, used: 30 }, { at: h, used: 20 }, { at: 2 * h, used: 10 }], 100)).toBeNull();
    expect(forecastMsUntil([{ at: 0, used: 10 }, { at: h, used: 20 }, { at: 2 * h, used: 30 }], 100)).toBeCloseTo(7 * h, -3);
  });

  it('validates thresholds in the config', () => {
    const parse = (extra: object) => checkSchema.safeParse({ name: 'd', kind: 'disk', ...extra });
    expect(parse({ warn: '80%', critical: 95 }).success).toBe(true);
    expect(parse({ warn: 'lots' }).error?.issues[0]?.message).toBe('"lots" is not a percentage (use a number from 0 to 100, or a string like "80%")');
    expect(parse({ warn: 95, critical: 90 }).error?.issues[0]?.message).toBe('must not be above critical (90%)');
  });
});
