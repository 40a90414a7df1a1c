// Database sources: pg_dump's custom-format output streamed into the run in parts of a bounded
// size, so a dump is never staged whole on disk or in memory. Each part is one tar entry
// (kaavan-databases/<name>/<database>.dump.000001, …); `cat` of the parts in order is the dump
// that pg_restore reads (docs/backup-format.md §3.1).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { DatabaseSource } from './job-schema.js';
import type { ManifestEntry } from './manifest.js';
import type { SegmentWriter } from './segment-io.js';
import { paddingBytes, tarHeader } from './tar.js';
import { BackupError } from './errors.js';
import type { Host } from '../hosts/host.js';
import { shellJoin } from '../hosts/shell-quote.js';

export interface DumpPart {
  path: string;
  data: Buffer;
}

export const dumpPrefix = (src: DatabaseSource): string => `kaavan-databases/${src.name}/${src.database.replace(/[^A-Za-z0-9._-]/g, '_')}.dump`;

/** pg_dump running here or on a target: its output, how to stop it, and how it ended. */
interface Dumper {
  stdout: AsyncIterable<Buffer>;
  stop(): void;
  exited: Promise<{ code: number | null; error?: Error; stderr: string }>;
}

function localDumper(cmd: string, args: string[], password: string | null): Dumper {
  const env = { ...process.env, ...(password !== null ? { PGPASSWORD: password } : {}) };
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  return {
    stdout: child.stdout,
    stop: () => child.kill('SIGTERM'),
    exited: new Promise((resolve) => {
      child.on('error', (error) => resolve({ code: null, error, stderr }));
      child.on('close', (code) => resolve({ code, stderr }));
    }),
  };
}

/**
 * pg_dump on an SSH target. The password goes through the command's stdin into PGPASSWORD, so it
 * never appears in a command line (ps) or in sshd's environment handling.
 */
async function remoteDumper(host: Host, cmd: string, args: string[], password: string | null, signal: AbortSignal): Promise<Dumper> {
  const line = `${password !== null ? 'IFS= read -r PGPASSWORD; export PGPASSWORD; ' : ''}exec ${shellJoin([cmd, ...args])}`;
  const exec = await host.execStream!(line, { signal, ...(password !== null ? { input: `${password}\n` } : {}) });
  return {
    stdout: exec.stdout,
    stop: () => exec.stdout.destroy(),
    exited: exec.done.then((d) => ({ code: d.exitCode, stderr: d.stderr })),
  };
}

/**
 * Runs pg_dump (here, or on `host` over SSH) and hands its output over in parts of at most
 * partBytes (the last may be smaller).
 */
export async function dumpDatabase(src: DatabaseSource, password: string | null, partBytes: number, signal: AbortSignal, host: Host | null, onPart: (p: DumpPart) => Promise<void>): Promise<void> {
  const args = ['--format=custom', '--no-password', `--dbname=${src.database}`];
  if (src.host) args.push(`--host=${src.host}`);
  if (src.port) args.push(`--port=${src.port}`);
  if (src.user) args.push(`--username=${src.user}`);
  const where = `${src.database} on ${src.target !== undefined ? `target "${src.target}", ` : ''}${src.host ?? 'localhost'}:${src.port ?? 5432}`;
  let child: Dumper;
  try {
    child = host ? await remoteDumper(host, src.pgDump ?? 'pg_dump', args, password, signal) : localDumper(src.pgDump ?? 'pg_dump', args, password);
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new BackupError('source', `pg_dump could not start for database ${where}: ${(err as Error).message}`);
  }
  const onAbort = () => child.stop();
  signal.addEventListener('abort', onAbort, { once: true });
  const exited = child.exited;
  let seq = 0;
  let parts: Buffer[] = [];
  let len = 0;
  const flush = async () => {
    seq++;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, len);
    parts = [];
    len = 0;
    await onPart({ path: `${dumpPrefix(src)}.${String(seq).padStart(6, '0')}`, data });
  };
  try {
    // Backpressure: the for-await pauses pg_dump's pipe while a part is being stored.
    for await (const chunk of child.stdout) {
      let pos = 0;
      while (pos < chunk.length) {
        const n = Math.min(partBytes - len, chunk.length - pos);
        parts.push(chunk.subarray(pos, pos + n));
        len += n;
        pos += n;
        if (len === partBytes) await flush();
      }
    }
  } catch (err) {
    child.stop();
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const { code, error, stderr } = await exited;
  if (signal.aborted) throw signal.reason;
  if (error) throw new BackupError('source', `pg_dump could not start for database ${where} (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'pg_dump is not installed or not on PATH' : error.message})`);
  // 127: the shell on the target found no pg_dump
  if (host && code === 127) throw new BackupError('source', `pg_dump could not start for database ${where} (pg_dump is not installed or not on PATH on the target)`);
  if (code !== 0) {
    const reason = stderr.trim().split('\n').filter(Boolean).pop()?.replace(/^pg_dump: (error: )?/, '') ?? `exit code ${code}`;
    throw new BackupError('source', `pg_dump of database ${where} failed: ${reason}`);
  }
  if (len > 0 || seq === 0) await flush();
}

/** Appends one dump part to a segment as a regular file entry. */
export async function appendDumpPart(w: SegmentWriter, part: DumpPart, at: number): Promise<ManifestEntry> {
  const mtimeNs = BigInt(at) * 1_000_000n;
  const uid = process.getuid?.() ?? 0;
  const gid = process.getgid?.() ?? 0;
  const offset = w.offset;
  await w.write(tarHeader({ path: part.path, type: 'file', size: part.data.length, mode: 0o600, mtimeNs, uid, gid }));
  await w.write(part.data);
  await w.write(paddingBytes(part.data.length));
  return {
    path: part.path,
    type: 'file',
    size: part.data.length,
    mode: 0o600,
    mtimeNs: String(mtimeNs),
    ctimeNs: String(mtimeNs),
    ino: '0',
    dev: '0',
    uid,
    gid,
    sha256: createHash('sha256').update(part.data).digest('hex'),
    offset,
  };
}
