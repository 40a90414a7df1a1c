// The cron check on this computer and over a real sshd: a marker file the "job" touches (mtimes set
// by the test), a log line it writes, grace, time zones, and config rules.
import { appendFileSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronCheck, lastDueTime } from '../../../../src-main/core/checks/kinds/cron.js';
import { inMemoryCheckMemory, makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import type { CheckMemory } from '../../../../src-main/core/checks/types.js';
import { checkSchema } from '../../../../src-main/core/config/schema.js';
import type { Host } from '../../../../src-main/core/hosts/host.js';
import { hostVariants } from '../../../helpers/host-variants.js';

type CronParams = Parameters<typeof cronCheck.probe>[0];
const at = (iso: string) => Date.parse(iso);
const HEL = 'Europe/Helsinki'; // UTC+2 in November

describe.each(hostVariants())('cron check ($name)', (variant) => {
  let host: Host;
  let dir: string;
  beforeAll(async () => {
    host = await variant.setup();
    dir = mkdtempSync(join(tmpdir(), 'kaavan cron '));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await variant.teardown();
  });
  const probe = (params: CronParams, now: number, memory: CheckMemory = inMemoryCheckMemory()) =>
    cronCheck.probe(params, makeProbeContext({ timeoutMs: 10_000, host, memory, now: () => now }));
  const touch = (path: string, iso: string) => {
    writeFileSync(path, '', { flag: 'a' });
    utimesSync(path, new Date(iso), new Date(iso));
  };

  it('is up when the marker is newer than the last due time', async () => {
    const marker = join(dir, 'backup.done');
    touch(marker, '2026-11-23T01:02:00Z');
    const r = await probe({ schedule: '0 3 * * *', timezone: HEL, marker }, at('2026-11-23T12:00:00Z'));
    expect(r.status).toBe('up');
    expect(r.message).toBe(`ran on time: the marker ${marker} last changed 2026-11-23 03:02 (${HEL}); next at 2026-11-24 03:00 (${HEL})`);
  });

  it('is down with "last run expected at …" when the marker is older', async () => {
    const marker = join(dir, 'stale.done');
    touch(marker, '2026-11-22T01:01:00Z');
    const r = await probe({ schedule: '0 3 * * *', timezone: HEL, marker }, at('2026-11-23T12:00:00Z'));
    expect(r.status).toBe('down');
    expect(r.message).toBe(`late: last run expected at 2026-11-23 03:00 (${HEL}) (grace 5 min); the marker ${marker} last changed 2026-11-22 03:01 (${HEL})`);
    expect(r.metrics!.lastRunAgeSeconds).toBe((at('2026-11-23T12:00:00Z') - at('2026-11-22T01:01:00Z')) / 1000);
  });

  it('waits for the grace period before judging a run', async () => {
    const marker = join(dir, 'grace.done');
    touch(marker, '2026-11-22T01:01:00Z');
    // 03:03 local: today's 03:00 run is still within its 5 minutes of grace, yesterday's counts.
    expect((await probe({ schedule: '0 3 * * *', timezone: HEL, marker }, at('2026-11-23T01:03:00Z'))).status).toBe('up');
    expect((await probe({ schedule: '0 3 * * *', timezone: HEL, marker, grace: '1m' }, at('2026-11-23T01:03:00Z'))).status).toBe('down');
  });

  it('names a missing marker', async () => {
    const marker = join(dir, 'never-written');
    const r = await probe({ schedule: '*/15 * * * *', timezone: 'UTC', marker }, at('2026-11-23T12:00:00Z'));
    expect(r.status).toBe('down');
    expect(r.message).toMatch(new RegExp(`^last run expected at 2026-11-23 11:45 \\(UTC\\), but the marker .*never-written.* cannot be read: .*No such file or directory`));
  });

  it('looks for a log line: found on first sight (dated by mtime), then new lines count from the probe that saw them', async () => {
    const log = join(dir, 'backup.log');
    writeFileSync(log, 'starting backup\nbackup finished OK\n');
    utimesSync(log, new Date('2026-11-23T01:10:00Z'), new Date('2026-11-23T01:10:00Z'));
    const memory = inMemoryCheckMemory();
    const params = { schedule: '0 3 * * *', timezone: HEL, log, pattern: 'backup finished OK' };
    const first = await probe(params, at('2026-11-23T12:00:00Z'), memory);
    expect(first.message).toBe(`ran on time: a line matching /backup finished OK/ was last seen 2026-11-23 03:10 (${HEL}); next at 2026-11-24 03:00 (${HEL})`);
    // The next day: no new line → late.
    const late = await probe(params, at('2026-11-24T02:00:00Z'), memory);
    expect(late.status).toBe('down');
    expect(late.message).toContain('late: last run expected at 2026-11-24 03:00');
    appendFileSync(log, 'starting backup\nbackup finished OK\n');
    expect((await probe(params, at('2026-11-24T02:30:00Z'), memory)).status).toBe('up');
  });
});

describe('cron check parts', () => {
  it('finds the last due time in a time zone', () => {
    expect(lastDueTime('0 3 * * *', HEL, at('2026-11-23T12:00:00Z'))).toBe(at('2026-11-23T01:00:00Z'));
    expect(lastDueTime('0 3 * * *', 'UTC', at('2026-11-23T03:00:00Z'))).toBe(at('2026-11-23T03:00:00Z'));
  });

  it('names config mistakes', () => {
    const issues = (extra: object) => checkSchema.safeParse({ name: 'c', kind: 'cron', schedule: '0 3 * * *', ...extra }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ marker: '/x' })).toBeUndefined();
    expect(issues({})).toEqual(['marker: set either marker (a file the job touches) or log with pattern (a line the job writes), not both']);
    expect(issues({ log: '/var/log/x' })).toEqual(['pattern: is needed with log: the line the job writes when it ran']);
    expect(issues({ marker: '/x', timezone: 'Mars/Olympus' })).toEqual(['timezone: must be a time zone like "Europe/Helsinki" or "UTC"']);
    expect(issues({ marker: '/x', schedule: 'every day' })?.[0]).toMatch(/^schedule: is not a cron expression \(like "0 3 \* \* \*"\): /);
  });
});
