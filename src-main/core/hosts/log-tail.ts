// Incremental reading of a growing file on a host (the logs and cron checks): only the bytes
// written since the last probe, from the offset kept with the file's inode in the check's memory.
// A new inode (rotation) or a file shorter than the offset (truncation) is read from its start; at
// most `maxRead` bytes per probe (older bytes are skipped and counted); a trailing partial line
// waits for the next probe. Needs `stat` (GNU or BSD), `tail -c` and `head -c` on the host.
import type { ProbeContext } from '../checks/types.js';
import { formatBytes, type ProbeDeadline } from '../checks/probe-support.js';
import { shellQuote } from './shell-quote.js';
import { firstLineOf, onHost, runOnHost } from './host-probe.js';

interface Cursor {
  inode: string;
  offset: number;
}

export interface TailRead {
  /** Complete new lines. */
  text: string;
  sizeBytes: number;
  /** File mtime (epoch ms). */
  mtimeMs: number;
  consumedBytes: number;
  skippedBytes: number;
  /** No cursor was stored: this was the first look at the file. */
  firstSight: boolean;
  /** What happened, for the message ("the file was truncated; …"). */
  notes: string[];
}

export interface TailOptions {
  maxRead: number;
  /** Bytes from the end read on first sight (0: start at the end). */
  firstSightBytes?: number;
  cursorKey?: string;
}

/** Reads what is new in `path`; a string is the reason the file could not be read. */
export async function readNewLines(ctx: ProbeContext, deadline: ProbeDeadline, path: string, options: TailOptions): Promise<TailRead | string> {
  const q = shellQuote(path);
  const key = options.cursorKey ?? 'cursor';
  // GNU stat first, BSD stat as the fallback; "-L" follows a symlinked log.
  const stat = await runOnHost(ctx, deadline, `LC_ALL=C stat -L -c '%i %s %Y' -- ${q} 2>/dev/null || LC_ALL=C stat -L -f '%i %z %m' -- ${q}`);
  const m = /^(\d+) (\d+) (\d+)\s*$/.exec(stat.stdout);
  if (stat.exitCode !== 0 || !m) {
    const reason = firstLineOf(stat.stderr).replace(/^stat: /, '') || 'it cannot be read';
    return `cannot read ${path}${onHost(ctx)}: ${reason}`;
  }
  const inode = m[1]!;
  const size = Number(m[2]);
  const cursor = ctx.memory.get<Cursor>(key);
  const notes: string[] = [];
  let start: number;
  if (!cursor) {
    start = Math.max(0, size - (options.firstSightBytes ?? 0));
    if (!options.firstSightBytes) notes.push(`started watching at the end (${formatBytes(size)})`);
  } else if (cursor.inode !== inode) {
    start = 0;
    notes.push('the file was replaced (rotated); reading the new one from its start');
  } else if (size < cursor.offset) {
    start = 0;
    notes.push('the file was truncated; reading from its start');
  } else start = cursor.offset;

  let skipped = 0;
  if (size - start > options.maxRead) {
    skipped = size - start - options.maxRead;
    start = size - options.maxRead;
  }
  let text = '';
  let consumed = 0;
  if (size > start) {
    const read = await runOnHost(ctx, deadline, `tail -c +${start + 1} -- ${q} | head -c ${size - start}`, { maxOutputBytes: options.maxRead });
    const lastNewline = read.stdout.lastIndexOf('\n');
    if (lastNewline >= 0) {
      text = read.stdout.slice(0, lastNewline + 1);
      consumed = Buffer.byteLength(text, 'utf8');
    } else if (Buffer.byteLength(read.stdout, 'utf8') >= options.maxRead) {
      // One line longer than the allowance: take it rather than wait for it forever.
      text = read.stdout;
      consumed = Buffer.byteLength(text, 'utf8');
    }
  }
  if (skipped > 0) notes.push(`skipped ${formatBytes(skipped)} written since the last probe (reads at most ${formatBytes(options.maxRead)} per probe)`);
  ctx.memory.set(key, { inode, offset: start + consumed } satisfies Cursor);
  return { text, sizeBytes: size, mtimeMs: Number(m[3]) * 1000, consumedBytes: consumed, skippedBytes: skipped, firstSight: !cursor, notes };
}
