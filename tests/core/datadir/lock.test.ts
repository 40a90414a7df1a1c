// The data-folder lock across real processes: a child holds it, a second taker is told who holds
// it, and after kill -9 the stale lock is taken over.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { acquireDataDirLock, LOCK_FILE } from '../../../src-main/core/datadir/lock.js';
import { KaavanError } from '../../../src-main/core/api/errors.js';

const root = mkdtempSync(join(tmpdir(), 'kaavan-lock-'));
const children: ChildProcess[] = [];
let n = 0;
const freshDir = () => join(root, `d${n++}`);

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Starts a child that tries to take the lock; resolves with its first line ("locked …"/"refused …"). */
function holder(dir: string, mode: 'app' | 'serve'): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('tests/core/datadir/hold-lock.ts'), dir, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return new Promise((res, rej) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    child.stdout!.on('data', (c) => {
      out += c;
      if (out.includes('\n')) res({ child, line: out.split('\n')[0]! });
    });
    child.on('exit', (code) => rej(new Error(`child exited ${code} before answering: ${err}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    child.once('exit', () => r());
    child.kill('SIGKILL');
  });
}

describe('acquireDataDirLock', () => {
  it('refuses a second holder, naming who holds it, and takes over after the holder is killed -9', async () => {
    const dir = freshDir();
    const { child, line } = await holder(dir, 'serve');
    expect(line).toMatch(/^locked /);

    const error = await acquireDataDirLock(dir, { mode: 'app' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaavanError);
    expect((error as KaavanError).code).toBe('conflict');
    expect((error as KaavanError).message).toMatch(
      new RegExp(`^the data folder ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is in use by kaavan serve \\(pid ${child.pid}, since \\d\\d:\\d\\d\\); stop it or pass --data DIR$`),
    );

    await killed(child);
    const lock = await acquireDataDirLock(dir, { mode: 'app' });
    expect(lock.info.pid).toBe(process.pid);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, mode: 'app', host: hostname() });

    // While this process holds it, a child is refused and told it is the app.
    const second = await holder(dir, 'serve');
    expect(second.line).toMatch(/^refused /);
    expect(JSON.parse(second.line.slice('refused '.length))).toMatchObject({ code: 'conflict', message: expect.stringContaining(`the Kaavan app (pid ${process.pid}`) });

    await lock.release();
    await lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await holder(dir, 'serve');
    expect(again.line).toMatch(/^locked /);
  });

  it('lets exactly one of several processes take over a stale lock at once', async () => {
    const dir = freshDir();
    const { child } = await holder(dir, 'serve');
    await killed(child);
    const answers = await Promise.all([0, 1, 2, 3].map(() => holder(dir, 'serve')));
    const winners = answers.filter((a) => a.line.startsWith('locked '));
    expect(winners).toHaveLength(1);
    const lockFile = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number };
    expect(lockFile.pid).toBe(winners[0]!.child.pid);
  }, 30_000);

  it('says when the data folder is a file', async () => {
    const path = join(root, `file-${n++}`);
    writeFileSync(path, '');
    await expect(acquireDataDirLock(path, { mode: 'serve' })).rejects.toMatchObject({
      code: 'unavailable',
      message: `cannot use the data folder ${path}: it is a file, not a folder; pass --data DIR to use another`,
    });
  });

  it('treats an unreadable lock file as stale, and never removes a lock that is no longer its own', async () => {
    const dir = freshDir();
    const first = await acquireDataDirLock(dir, { mode: 'serve' });
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    const second = await acquireDataDirLock(dir, { mode: 'serve' });
    await first.release(); // not its lock any more: must leave second's in place
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ startedAt: second.info.startedAt });
    await second.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
