// The log file on a real folder: where it is, who may read it, how it rotates, and that secrets
// never reach it.
import { afterAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileLogger, isSecretFieldName } from '../../../src-main/core/log/file-logger.js';

const temp = mkdtempSync(join(tmpdir(), 'kaavan-log-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(temp, `data-${++n}`, 'logs');
const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('file logger', () => {
  it('writes JSON lines to <dir>/kaavan.log, owner-only in an owner-only folder', () => {
    const dir = freshDir();
    const logger = createFileLogger({ dir, now: () => Date.UTC(2026, 10, 23, 12, 0, 0) });
    logger.info('engine started', { checks: 3 });
    logger.child({ target: 'web1' }).warn('probe slow', { ms: 900 });
    logger.debug('not written at the default level');
    logger.close();
    expect(logger.path).toBe(join(dir, 'kaavan.log'));
    expect(statSync(logger.path).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(lines(logger.path)).toEqual([
      { time: '2026-11-23T12:00:00.000Z', level: 'info', msg: 'engine started', checks: 3 },
      { time: '2026-11-23T12:00:00.000Z', level: 'warn', msg: 'probe slow', target: 'web1', ms: 900 },
    ]);
  });

  it('makes an existing, readable log file owner-only', () => {
    const dir = freshDir();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'kaavan.log'), '');
    chmodSync(join(dir, 'kaavan.log'), 0o644);
    const logger = createFileLogger({ dir });
    logger.info('hello');
    logger.close();
    expect(statSync(join(dir, 'kaavan.log')).mode & 0o777).toBe(0o600);
  });

  it('rotates by size and keeps at most `files` files, the newest lines in kaavan.log', () => {
    const dir = freshDir();
    const logger = createFileLogger({ dir, maxBytes: 2048, files: 3 });
    for (let i = 0; i < 100; i++) logger.info(`line ${i}`, { pad: 'x'.repeat(60) });
    logger.close();
    expect(readdirSync(dir).sort()).toEqual(['kaavan.log', 'kaavan.log.1', 'kaavan.log.2']);
    for (const name of readdirSync(dir)) {
      expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(2048);
      expect(statSync(join(dir, name)).mode & 0o777).toBe(0o600);
    }
    const numbers = (name: string) => lines(join(dir, name)).map((l) => Number(String(l.msg).split(' ')[1]));
    const newest = numbers('kaavan.log');
    const older = numbers('kaavan.log.1');
    const oldest = numbers('kaavan.log.2');
    expect(newest.at(-1)).toBe(99);
    // Consecutive across files: nothing lost between the kept files, the oldest lines dropped.
    expect([...oldest, ...older, ...newest]).toEqual(Array.from({ length: oldest.length + older.length + newest.length }, (_, i) => oldest[0]! + i));
    expect(oldest[0]).toBeGreaterThan(0);
  });

  it('keeps writing after the log folder was removed under it', () => {
    const dir = freshDir();
    const logger = createFileLogger({ dir });
    logger.info('before');
    rmSync(dir, { recursive: true, force: true });
    logger.info('lost: the open file was unlinked');
    logger.close();
    logger.info('after');
    logger.close();
    expect(lines(join(dir, 'kaavan.log')).map((l) => l.msg)).toEqual(['after']);
  });

  it('never writes a registered secret value, wherever it appears', () => {
    const dir = freshDir();
    const logger = createFileLogger({ dir });
    const secret = 's3cr3t-T0ken-value';
    logger.redactValues(secret, '', undefined);
    const error = new Error(`login refused for token ${secret}`);
    logger.error(`delivery failed with ${secret}`, {
      error,
      response: { body: `{"echo":"${secret}"}`, nested: [{ deep: `x${secret}x` }] },
    });
    logger.child({ header: `Bearer ${secret}` }).info('child line');
    logger.close();
    const text = readFileSync(logger.path, 'utf8');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('T0ken');
    const [first, second] = lines(logger.path);
    expect(first!.msg).toBe('delivery failed with [redacted]');
    expect((first!.error as { message: string }).message).toBe('login refused for token [redacted]');
    expect((first!.error as { stack: string }).stack).toContain('[redacted]');
    expect(second!.header).toBe('Bearer [redacted]');
  });

  it('replaces fields named like credentials whole, keeps …Ref names, masks URL passwords', () => {
    const dir = freshDir();
    const logger = createFileLogger({ dir });
    logger.warn('check config', {
      password: 'hunter2hunter2',
      apiKey: 'ak-123456',
      headers: { Authorization: 'Basic YWxhZGRpbjpvcGVuc2VzYW1l', 'X-Api-Key': 'k-999999', Accept: 'text/html' },
      passwordRef: 'web1-basic',
      target: 'web1',
      url: 'https://alice:pa55word@example.test:8443/health',
    });
    logger.close();
    const text = readFileSync(logger.path, 'utf8');
    for (const leaked of ['hunter2hunter2', 'ak-123456', 'YWxhZGRpbjpvcGVuc2VzYW1l', 'k-999999', 'pa55word']) expect(text).not.toContain(leaked);
    expect(lines(logger.path)[0]).toMatchObject({
      password: '[redacted]',
      apiKey: '[redacted]',
      headers: { Authorization: '[redacted]', 'X-Api-Key': '[redacted]', Accept: 'text/html' },
      passwordRef: 'web1-basic',
      target: 'web1',
      url: 'https://alice:[redacted]@example.test:8443/health',
    });
  });

  it('names credential fields, not their references or lookalikes', () => {
    for (const name of ['password', 'dbPassword', 'token', 'access_token', 'clientSecret', 'authorization', 'cookie', 'privateKey'])
      expect(isSecretFieldName(name), name).toBe(true);
    for (const name of ['passwordRef', 'tokenRef', 'secretRef', 'secret_ref', 'passed', 'bypass', 'target', 'url'])
      expect(isSecretFieldName(name), name).toBe(false);
  });

  it('does not throw when the folder cannot be created (a file is in the way)', () => {
    const parent = join(temp, `blocked-${++n}`);
    writeFileSync(parent, 'not a folder');
    const logger = createFileLogger({ dir: join(parent, 'logs') });
    expect(() => logger.error('nowhere to go')).not.toThrow();
    expect(existsSync(join(parent, 'logs'))).toBe(false);
  });
});

describe('the terminal copy of a log line', () => {
  it('reads as words, keeps the redaction of the file line', async () => {
    const { formatLine, humanLine } = await import('../../../src-main/core/log/file-logger.js');
    const line = formatLine(0, 'warn', 'delivery via ops-mail failed', { error: 'auth failed for s3cr3t-value', channel: 'ops-mail' }, ['s3cr3t-value']);
    expect(humanLine('warn', line)).toBe('kaavan warning: delivery via ops-mail failed (error=auth failed for [redacted], channel=ops-mail)');
  });
});
