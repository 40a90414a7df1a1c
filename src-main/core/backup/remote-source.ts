// Remote folders on SSH targets: one `tar` on the target, its output streamed over the SSH exec
// channel and re-packed into the run's segments as it arrives (nothing staged on either side).
// Measured faster than walking the folder over SFTP (bench/backup-remote.mjs, BENCHMARKS.md):
// a tree of small files costs SFTP several round trips per file, tar none.
import type { ExecStream, Host } from '../hosts/host.js';
import { shellQuote } from '../hosts/shell-quote.js';
import { BackupError } from './errors.js';
import { unsafePathReason } from './manifest.js';
import { TarParser, type TarEvent } from './tar.js';

/** Where a remote folder's entries live in a run: kaavan-remote/<target>/<absolute path without "/">. */
export const remotePrefix = (target: string): string => `kaavan-remote/${target}`;

/**
 * GNU tar on the target: pax format (exact names, sub-second mtimes, big sizes and ids), names
 * relative to / (so they are the absolute path without its "/"), hard links stored as files (the
 * format has no hard links), numeric ids. One file system only, like a local scan of one source.
 */
export function remoteTarCommand(absPath: string): string {
  const rel = absPath.replace(/^\/+/, '').replace(/\/+$/, '') || '.';
  return `cd / && exec tar --format=pax --hard-dereference --numeric-owner -cf - -- ${shellQuote(rel)}`;
}

/** Streams a host's tar of `absPath` through `visit`, event by event (awaited: flow control). */
export async function readRemoteFolder(host: Host, target: string, absPath: string, signal: AbortSignal, warnings: string[], visit: (ev: TarEvent) => Promise<void>): Promise<void> {
  if (!host.execStream) throw new BackupError('config', `target "${target}" has no SSH connection to read ${absPath} from`);
  let exec: ExecStream;
  try {
    exec = await host.execStream(remoteTarCommand(absPath), { signal });
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    throw new BackupError('source', `cannot read ${absPath} on target "${target}" (${host.label}): ${(err as Error).message}`);
  }
  const parser = new TarParser({ skipOther: true });
  let parseError: Error | null = null;
  try {
    for await (const chunk of exec.stdout as AsyncIterable<Buffer>) {
      if (signal.aborted) break;
      for (const ev of parser.write(chunk)) {
        // a tar of "/" itself names its entries "./etc/…" and "./": the same paths without "./"
        if (ev.kind === 'entry' && (ev.header.path === '.' || ev.header.path.startsWith('./'))) {
          if (ev.header.path === '.') continue;
          ev.header.path = ev.header.path.slice(2);
        }
        if (ev.kind === 'skipped') warnings.push(`${host.label}:/${ev.path}: skipped (not a file, folder or symlink)`);
        else if (ev.kind === 'entry' && unsafePathReason(ev.header.path)) throw new BackupError('source', `target "${target}" sent an unsafe name "${ev.header.path}" for ${absPath}`);
        else await visit(ev);
      }
    }
  } catch (err) {
    parseError = err as Error;
    exec.stdout.destroy();
  }
  const { exitCode, stderr } = await exec.done;
  if (signal.aborted) throw signal.reason;
  if (parseError instanceof BackupError) throw parseError;
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^tar: /, '').trim())
    .filter((l) => l && !/^Exiting with failure status/.test(l));
  // GNU tar: 0 fine, 1 "some files differ" (changed or vanished while read: a warning), 2 fatal
  if (exitCode === 1 && !parseError) {
    for (const l of lines) warnings.push(`${host.label}: ${l}`);
    parser.finish();
    return;
  }
  if (exitCode !== 0) {
    const why = lines.at(-1) ?? (exitCode === null ? 'the connection ended before tar finished' : `tar exited with ${exitCode}`);
    throw new BackupError('source', `cannot read ${absPath} on target "${target}" (${host.label}): ${why}`);
  }
  if (parseError) throw new BackupError('source', `the tar stream of ${absPath} from target "${target}" is damaged: ${parseError.message}`);
  try {
    parser.finish();
  } catch {
    throw new BackupError('source', `the tar stream of ${absPath} from target "${target}" ended early`);
  }
}
