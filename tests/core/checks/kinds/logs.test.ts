// The logs check on this computer and over a real sshd against log files the test writes, rotates
// and truncates; a restart (same memory, new context) resumes; a 1 GB burst is skipped, not read.
import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { logsCheck, recentLogMatches } from '../../../../src-main/core/checks/kinds/logs.js';
import { inMemoryCheckMemory, makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import type { CheckMemory } from '../../../../src-main/core/checks/types.js';
import { checkSchema } from '../../../../src-main/core/config/schema.js';
import type { Host } from '../../../../src-main/core/hosts/host.js';
import { hostVariants } from '../../../helpers/host-variants.js';

type LogsParams = Parameters<typeof logsCheck.probe>[0];

describe.each(hostVariants())('logs check ($name)', (variant) => {
  let host: Host;
  let root: string;
  let log: string;
  let memory: CheckMemory;
  let clock: number;
  beforeAll(async () => {
    host = await variant.setup();
    root = mkdtempSync(join(tmpdir(), 'kaavan-logs-'));
  });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await variant.teardown();
  });
  beforeEach(() => {
    log = join(mkdtempSync(join(root, "app 'x' ")), 'app.log');
    writeFileSync(log, 'INFO started\nERROR old failure before watching\n');
    memory = inMemoryCheckMemory();
    clock = Date.now();
  });
  const params: LogsParams = { path: '', patterns: ['ERROR', { regex: 'WARN', severity: 'warning' }], ignore: ['ERROR harmless'], window: '5m' };
  const probe = (extra: Partial<LogsParams> = {}) => logsCheck.probe({ ...params, path: log, ...extra }, makeProbeContext({ timeoutMs: 10_000, host, memory, now: () => clock }));

  it('starts at the end of the file, then counts new matching lines and names the latest', async () => {
    const first = await probe();
    expect(first.status).toBe('up');
    expect(first.message).toBe('no matching lines in the last 5 min; started watching at the end (47 B)');
    appendFileSync(log, 'INFO fine\nERROR harmless retry\nERROR database timeout\n');
    const r = await probe();
    expect(r).toMatchObject({ status: 'down', message: '1 matching line in the last 5 min (threshold 1), latest: ERROR database timeout' });
    expect(r.metrics).toMatchObject({ matches: 1, newMatches: 1, bytesRead: 54 });
    expect(recentLogMatches({ memory }).map((x) => x.line)).toEqual(['ERROR database timeout']);
    // Nothing new: still within the window, still down; once the window has passed, up again.
    clock += 60_000;
    expect((await probe()).status).toBe('down');
    clock += 5 * 60_000;
    expect(await probe()).toMatchObject({ status: 'up', message: 'no matching lines in the last 5 min' });
  });

  it('is degraded when only warnings match, and honours the threshold', async () => {
    await probe();
    appendFileSync(log, 'WARN disk slow\n');
    expect((await probe()).status).toBe('degraded');
    appendFileSync(log, 'ERROR one\n');
    expect((await probe({ threshold: 3 })).message).toBe('2 matching lines in the last 5 min (threshold 3)');
    appendFileSync(log, 'ERROR two\n');
    expect(await probe({ threshold: 3 })).toMatchObject({ status: 'down', message: '3 matching lines in the last 5 min (threshold 3), latest: ERROR two' });
  });

  it('keeps a partial last line for the next probe', async () => {
    await probe();
    appendFileSync(log, 'ERROR half');
    expect((await probe()).status).toBe('up');
    appendFileSync(log, ' written\n');
    expect((await probe()).message).toContain('latest: ERROR half written');
  });

  it('follows rotation: the new file is read from its start', async () => {
    await probe();
    appendFileSync(log, 'INFO before rotation\n');
    await probe();
    renameSync(log, `${log}.1`);
    writeFileSync(log, 'ERROR first line of the new file\n');
    const r = await probe();
    expect(r.status).toBe('down');
    expect(r.message).toBe('1 matching line in the last 5 min (threshold 1), latest: ERROR first line of the new file; the file was replaced (rotated); reading the new one from its start');
  });

  it('follows truncation: the file is read from its start again', async () => {
    await probe();
    truncateSync(log, 0);
    appendFileSync(log, 'ERROR after truncate\n');
    const r = await probe();
    expect(r.message).toBe('1 matching line in the last 5 min (threshold 1), latest: ERROR after truncate; the file was truncated; reading from its start');
  });

  it('resumes from the stored offset after a restart instead of skipping to the end', async () => {
    await probe();
    appendFileSync(log, 'ERROR while Kaavan was stopped\n');
    // A new context with the same stored memory is what a restart looks like to the kind.
    const r = await logsCheck.probe({ ...params, path: log }, makeProbeContext({ timeoutMs: 10_000, host, memory, now: () => clock }));
    expect(r.message).toContain('latest: ERROR while Kaavan was stopped');
  });

  it('names a missing log file', async () => {
    const r = await probe({ path: join(root, 'nope.log') });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^cannot read .*nope\.log( on root@127\.0\.0\.1:\d+)?: .*No such file or directory/);
  });

  it('skips a 1 GB burst and reads at most maxReadBytes, still seeing the newest lines', async () => {
    await probe();
    // A sparse gigabyte (no disk used), then a line: as if 1 GB was logged since the last probe.
    truncateSync(log, 1024 ** 3);
    appendFileSync(log, '\nERROR after the burst\n');
    const r = await probe({ maxReadBytes: 1024 * 1024 });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/latest: ERROR after the burst; skipped 1023\.\d MB written since the last probe \(reads at most 1\.0 MB per probe\)$/);
    expect(r.metrics!.bytesRead).toBeLessThanOrEqual(1024 * 1024);
    appendFileSync(log, 'INFO calm\n');
    expect((await probe({ maxReadBytes: 1024 * 1024 })).metrics!.bytesRead).toBe(10);
  }, 60_000);
});

describe('logs check config', () => {
  it('names an invalid pattern', () => {
    const r = checkSchema.safeParse({ name: 'l', kind: 'logs', path: '/var/log/syslog', patterns: ['(unclosed'] });
    expect(r.error?.issues[0]?.message).toMatch(/^is not a valid regular expression: .*Unterminated group/);
    expect(checkSchema.safeParse({ name: 'l', kind: 'logs', path: 'relative.log', patterns: ['x'] }).error?.issues[0]?.message).toBe('must be an absolute path (start with "/")');
  });
});
