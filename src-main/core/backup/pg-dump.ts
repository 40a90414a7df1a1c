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

export interface DumpPart {
  path: string;
  data: Buffer;
}

export const dumpPrefix = (src: DatabaseSource): string => `kaavan-databases/${src.name}/${src.database.replace(/[^A-Za-z0-9._-]/g, '_')}.dump`;

/** Runs pg_dump and hands its output over in parts of at most partBytes (the last may be smaller). */
export async function dumpDatabase(src: DatabaseSource, password: string | null, partBytes: number, signal: AbortSignal, onPart: (p: DumpPart) => Promise<void>): Promise<void> {
  const args = ['--format=custom', '--no-password', `--dbname=${src.database}`];
  if (src.host) args.push(`--host=${src.host}`);
  if (src.port) args.push(`--port=${src.port}`);
  if (src.user) args.push(`--username=${src.user}`);
  const env = { ...process.env, ...(password !== null ? { PGPASSWORD: password } : {}) };
  const child = spawn(src.pgDump ?? 'pg_dump', args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const onAbort = () => child.kill('SIGTERM');
  signal.addEventListener('abort', onAbort, { once: true });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const exited = new Promise<{ code: number | null; error?: Error }>((resolve) => {
    child.on('error', (error) => resolve({ code: null, error }));
    child.on('close', (code) => resolve({ code }));
  });
  const where = `${src.database} on ${src.host ?? 'localhost'}:${src.port ?? 5432}`;
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
    for await (const chunk of child.stdout as AsyncIterable<Buffer>) {
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
    child.kill('SIGTERM');
    throw err;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  const { code, error } = await exited;
  if (signal.aborted) throw signal.reason;
  if (error) throw new BackupError('source', `pg_dump could not start for database ${where} (${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'pg_dump is not installed or not on PATH' : error.message})`);
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
