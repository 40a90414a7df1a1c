// One engine per data folder: the app and `kaavan serve` (or two `serve`) on one folder would both
// probe and send every notice twice. The lock is a file `<data>/kaavan.lock` holding who owns it;
// it is created atomically complete (written to a temp file, then hard-linked into place, which
// fails when the name exists), so a reader never sees a half-written lock. A lock whose process is
// gone (kill -9, power loss) is stale and taken over.
import { constants } from 'node:fs';
import { access, link, mkdir, open, readFile, rm, stat, unlink } from 'node:fs/promises';
import { hostname, uptime } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { KaavanError } from '../api/errors.js';

export const LOCK_FILE = 'kaavan.lock';

export type DataDirOwnerMode = 'app' | 'serve';

export interface DataDirLockInfo {
  pid: number;
  mode: DataDirOwnerMode;
  /** ISO time the holder took the lock. */
  startedAt: string;
  host: string;
  /** When the holder's machine booted (ms since epoch, to the second): a lock from before the last boot is stale even if its pid was reused. */
  bootedAt?: number;
}

export interface DataDirLock {
  readonly file: string;
  readonly info: DataDirLockInfo;
  /** Removes the lock if it is still ours. Safe to call twice. */
  release(): Promise<void>;
}

/** A takeover guard older than this was left by a process that died mid-takeover. */
const GUARD_STALE_MS = 10_000;
/** The boot time derived from uptime wobbles by a second or two; a reboot moves it far more. */
const BOOT_TOLERANCE_MS = 60_000;

export async function acquireDataDirLock(dataDir: string, owner: { mode: DataDirOwnerMode; pid?: number }): Promise<DataDirLock> {
  const file = join(dataDir, LOCK_FILE);
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    await access(dataDir, constants.W_OK);
  } catch (error) {
    throw unusableFolder(dataDir, error);
  }
  const info: DataDirLockInfo = {
    pid: owner.pid ?? process.pid,
    mode: owner.mode,
    startedAt: new Date().toISOString(),
    host: hostname(),
    bootedAt: bootTime(),
  };
  const text = `${JSON.stringify(info)}\n`;

  for (let attempt = 0; attempt < 20; attempt++) {
    if (await createExclusive(file, text)) return heldLock(file, info, text);
    const holder = await readHolder(file);
    if (holder === 'gone') continue; // released between our attempt and the read: try again
    if (holder !== 'unreadable' && !isStale(holder)) throw inUseError(dataDir, holder);
    if (await takeOver(file, holder, text)) return heldLock(file, info, text);
    // Someone else is taking over (or just did): look again shortly.
    await new Promise((r) => setTimeout(r, 50));
  }
  const holder = await readHolder(file);
  if (holder !== 'gone' && holder !== 'unreadable') throw inUseError(dataDir, holder);
  throw new KaavanError('conflict', `cannot lock the data folder ${dataDir} (${file} keeps changing); stop other Kaavan processes or pass --data DIR`);
}

/** Describes a holder for people: "kaavan serve (pid 1234, since 14:02)". */
export function describeHolder(holder: DataDirLockInfo, now = new Date()): string {
  const who = holder.mode === 'serve' ? 'kaavan serve' : 'the Kaavan app';
  const since = new Date(holder.startedAt);
  const sameDay = since.toDateString() === now.toDateString();
  const hhmm = `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
  const when = Number.isNaN(since.getTime()) ? 'an unknown time' : sameDay ? hhmm : `${since.toISOString().slice(0, 10)} ${hhmm}`;
  const where = holder.host === hostname() ? '' : ` on ${holder.host}`;
  return `${who} (pid ${holder.pid}${where}, since ${when})`;
}

function unusableFolder(dataDir: string, error: unknown): KaavanError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === 'EEXIST' || code === 'ENOTDIR'
      ? 'it is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EROFS'
          ? 'it is on a read-only disk'
          : (error as Error).message;
  return new KaavanError('unavailable', `cannot use the data folder ${dataDir}: ${why}; pass --data DIR to use another`);
}

function inUseError(dataDir: string, holder: DataDirLockInfo): KaavanError {
  return new KaavanError('conflict', `the data folder ${dataDir} is in use by ${describeHolder(holder)}; stop it or pass --data DIR`);
}

async function createExclusive(file: string, text: string): Promise<boolean> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

async function readHolder(file: string): Promise<DataDirLockInfo | 'gone' | 'unreadable'> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  try {
    const value = JSON.parse(text) as Partial<DataDirLockInfo>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string') return 'unreadable';
    return {
      pid: value.pid,
      mode: value.mode === 'serve' ? 'serve' : 'app',
      startedAt: String(value.startedAt ?? ''),
      host: value.host,
      ...(typeof value.bootedAt === 'number' ? { bootedAt: value.bootedAt } : {}),
    };
  } catch {
    return 'unreadable';
  }
}

/** Stale: held on this machine by a process that no longer runs, or from before the last boot. */
export function isStale(holder: DataDirLockInfo): boolean {
  // Another machine (a shared folder): its processes cannot be checked from here.
  if (holder.host !== hostname()) return false;
  if (holder.bootedAt !== undefined && Math.abs(holder.bootedAt - bootTime()) > BOOT_TOLERANCE_MS) return true;
  return !processRuns(holder.pid);
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Replaces a stale lock. Two processes may find the same stale lock at once; a short-lived guard
 * file (created exclusively) lets only one of them replace it, and the lock is read again under
 * the guard so a lock just taken by someone else is never removed.
 */
async function takeOver(file: string, stale: DataDirLockInfo | 'unreadable', text: string): Promise<boolean> {
  const guard = `${file}.takeover`;
  let handle;
  try {
    handle = await open(guard, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(guard).then((s) => Date.now() - s.mtimeMs, () => 0);
    if (age > GUARD_STALE_MS) await rm(guard, { force: true });
    return false;
  }
  try {
    await handle.close();
    const now = await readHolder(file);
    const same = now === 'gone' || (now === 'unreadable' ? stale === 'unreadable' : stale !== 'unreadable' && now.pid === stale.pid && now.startedAt === stale.startedAt);
    if (!same) return false;
    await rm(file, { force: true });
    return await createExclusive(file, text);
  } finally {
    await rm(guard, { force: true });
  }
}

function heldLock(file: string, info: DataDirLockInfo, text: string): DataDirLock {
  let released = false;
  return {
    file,
    info,
    async release() {
      if (released) return;
      released = true;
      // Only our own lock: after a takeover (we were wrongly thought dead) it belongs to another.
      const current = await readFile(file, 'utf8').catch(() => null);
      if (current === text) await rm(file, { force: true });
    },
  };
}

function bootTime(): number {
  return Math.round((Date.now() - uptime() * 1000) / 1000) * 1000;
}
