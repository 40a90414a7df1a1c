// The process guards in a real child process: what survives, what ends it, and what the log says.
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isRecoverableException } from '../../../src-main/core/log/process-guards.js';

const fixture = fileURLToPath(new URL('./fixtures/guarded-child.ts', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'kaavan-guards-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

function run(scenario: string) {
  const dir = join(temp, scenario);
  const child = spawnSync(process.execPath, ['--import', 'tsx', fixture, dir, scenario], { encoding: 'utf8', timeout: 60_000 });
  const lines = readFileSync(join(dir, 'kaavan.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { level: string; msg: string; error?: { message: string; code?: string; stack?: string } });
  return { status: child.status, stdout: child.stdout, stderr: child.stderr, lines };
}

describe('process guards (child process)', () => {
  it('an unhandled rejection is logged and the process keeps running', () => {
    const result = run('rejection');
    expect(result.stdout).toBe('alive\n');
    expect(result.status).toBe(0);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatchObject({ level: 'error', msg: 'unhandled promise rejection (Kaavan keeps running)', error: { message: 'probe lost its socket' } });
    expect(result.lines[0]!.error!.stack).toContain('guarded-child.ts');
  });

  it('an uncaught connection error (ECONNRESET) is logged as a warning and the process keeps running', () => {
    const result = run('connection-error');
    expect(result.stdout).toBe('alive\n');
    expect(result.status).toBe(0);
    expect(result.lines.map((l) => [l.level, l.error?.code])).toEqual([['warn', 'ECONNRESET']]);
  });

  it('any other uncaught exception is logged, then onFatal ends the process', () => {
    const result = run('bug');
    expect(result.stdout).toBe('fatal\n');
    expect(result.status).toBe(70);
    expect(result.lines).toHaveLength(1);
    expect(result.lines[0]).toMatchObject({ level: 'error', msg: 'uncaught exception: Kaavan stops' });
    expect(result.lines[0]!.error!.message).toMatch(/undefined/);
  });

  it('only coded I/O errors count as recoverable', () => {
    expect(isRecoverableException(Object.assign(new Error('x'), { code: 'EPIPE' }))).toBe(true);
    expect(isRecoverableException(new TypeError('x is not a function'))).toBe(false);
    expect(isRecoverableException(Object.assign(new Error('x'), { code: 'SQLITE_FULL' }))).toBe(false);
    expect(isRecoverableException('ECONNRESET')).toBe(false);
  });
});
