// The files check (file integrity): the first probe records a SHA-256 baseline of every regular file
// under `paths` (files, folders, globs such as /etc/nginx/**/*.conf) minus `exclude`; later probes
// report modified, missing and new files (down, naming paths and counts) until the change is
// accepted (acceptBaseline: "Accept current state" in the UI, `kaavan baseline accept`).
//
// Work happens on the target's host: one `find -printf` lists size and mtime of every file, and
// only files whose size is unchanged but whose mtime moved are re-hashed (`sha256sum` through
// xargs), so a 100,000-file tree costs one listing per probe. A different size is a modification
// without hashing; same size and mtime is trusted as unchanged (the size+mtime short-cut). Parsing
// and comparing yield to the event loop every few thousand entries so other checks keep running.
// Needs GNU find and coreutils (any Linux); documented in docs/host-checks.md.
import { z } from 'zod';
import { defineCheckKind, type CheckMemory, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import type { ProbeOutcome } from '../../model.js';
import { roundLatency, startDeadline } from '../probe-support.js';
import { shellJoin } from '../../hosts/shell-quote.js';
import { firstLineOf, hostErrorOutcome, onHost, runOnHost, withHostDeadline } from '../../hosts/host-probe.js';
import type { ProbeDeadline } from '../probe-support.js';

const absolutePath = z
  .string()
  .min(2, 'must be an absolute path like "/etc/nginx"')
  .max(4096, 'must be at most 4096 characters')
  .refine((p) => p.startsWith('/'), 'must be an absolute path (start with "/"), e.g. "/etc/nginx" or "/etc/**/*.conf"');

export const filesParamsShape = {
  paths: z.array(absolutePath, { error: 'must be a list of paths' }).min(1, 'must list at least one path').max(100, 'must list at most 100 paths'),
  exclude: z.array(z.string().min(1, 'must not be empty').max(4096), { error: 'must be a list of patterns' }).max(100, 'must list at most 100 patterns').optional(),
  /** Refuse trees larger than this many files (default 200,000). */
  maxFiles: z.number().int('must be a whole number').min(1, 'must be at least 1').max(2_000_000, 'must be at most 2,000,000').optional(),
};

export type FilesParams = z.infer<z.ZodObject<typeof filesParamsShape>>;

/** size, mtime (as find prints it, seconds with fraction), SHA-256 hex. */
export type BaselineEntry = [size: number, mtime: string, sha256: string];

export interface Baseline {
  recordedAt: number;
  files: Map<string, BaselineEntry>;
}

/**
 * How a baseline is stored in the check's memory: one text, a record per file
 * ("size mtime sha256 path|"), with "%", "|", quotes, backslashes and control characters in paths
 * written as %XX, so the text needs no JSON escaping. Building and parsing it in slices keeps the
 * event loop free, where stringifying a 100,000-entry object at once held it for a quarter second.
 */
interface StoredBaseline {
  recordedAt: number;
  count: number;
  lines: string;
}

// eslint-disable-next-line no-control-regex
const PATH_SPECIALS = /[%|"\\\x00-\x1f\x7f]/g;
const encodePath = (path: string) => path.replace(PATH_SPECIALS, (c) => `%${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
const decodePath = (text: string) => (text.includes('%') ? text.replace(/%([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))) : text);

async function saveBaseline(memory: CheckMemory, baseline: Baseline): Promise<void> {
  const parts: string[] = [];
  let i = 0;
  for (const [path, [size, mtime, hash]] of baseline.files) {
    if (++i % YIELD_EVERY === 0) await yieldToEventLoop();
    parts.push(`${size} ${mtime} ${hash} ${encodePath(path)}`);
  }
  const stored: StoredBaseline = { recordedAt: baseline.recordedAt, count: baseline.files.size, lines: parts.join('|') };
  memory.set(BASELINE_KEY, stored);
}

async function loadBaseline(memory: CheckMemory): Promise<Baseline | null> {
  const stored = memory.get<StoredBaseline>(BASELINE_KEY);
  if (!stored || typeof stored.lines !== 'string') return null;
  const files = new Map<string, BaselineEntry>();
  const lines = stored.lines === '' ? [] : stored.lines.split('|');
  for (let i = 0; i < lines.length; i += 1) {
    if (i % YIELD_EVERY === 0 && i > 0) await yieldToEventLoop();
    const line = lines[i]!;
    const a = line.indexOf(' ');
    const b = line.indexOf(' ', a + 1);
    const c = line.indexOf(' ', b + 1);
    files.set(decodePath(line.slice(c + 1)), [Number(line.slice(0, a)), line.slice(a + 1, b), line.slice(b + 1, c)]);
  }
  return { recordedAt: stored.recordedAt, files };
}

export interface FilesDiff {
  modified: string[];
  missing: string[];
  added: string[];
  unreadable: string[];
}

const BASELINE_KEY = 'baseline';
const LAST_DIFF_KEY = 'lastDiff';
const YIELD_EVERY = 4000;
const MAX_LISTING_BYTES = 256 * 1024 * 1024;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A shell-style glob as a RegExp over whole paths: `*` and `?` stay within a segment, `**` spans. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i += 1) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        i += 1;
        if (glob[i + 1] === '/') {
          i += 1;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[' && glob.indexOf(']', i + 2) > i) {
      const end = glob.indexOf(']', i + 2);
      const body = glob.slice(i + 1, end).replace(/\\/g, '\\\\');
      re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\[\]]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

const GLOB_CHARS = /[*?[]/;

/** The folder to list for a path entry: everything before its first segment with a glob character. */
export function listingRoot(entry: string): string {
  if (!GLOB_CHARS.test(entry)) return entry;
  const segments = entry.split('/');
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  return segments.slice(0, firstGlob).join('/') || '/';
}

/** Whether a listed file is selected by `paths` and not dropped by `exclude`. */
export function fileSelector(paths: string[], exclude: string[] = []): (path: string) => boolean {
  const include = paths.map((p) => {
    if (GLOB_CHARS.test(p)) {
      const re = globToRegExp(p.replace(/\/+$/, ''));
      return (f: string) => re.test(f);
    }
    const base = p.replace(/\/+$/, '') || '/';
    return (f: string) => f === base || f.startsWith(base === '/' ? '/' : `${base}/`);
  });
  const drop = exclude.map((pattern) => {
    if (pattern.includes('/')) {
      const re = globToRegExp(pattern.replace(/\/+$/, ''));
      // A folder pattern drops everything under it too.
      return (f: string) => re.test(f) || f.split('/').some((_, i, parts) => i > 0 && re.test(parts.slice(0, i).join('/')));
    }
    const re = globToRegExp(pattern);
    return (f: string) => f.split('/').some((segment) => re.test(segment));
  });
  return (f) => include.some((inc) => inc(f)) && !drop.some((d) => d(f));
}

interface Listed {
  size: number;
  mtime: string;
}

async function listFiles(params: FilesParams, ctx: ProbeContext, deadline: ProbeDeadline): Promise<{ files: Map<string, Listed>; problems: string[] }> {
  const roots = [...new Set(params.paths.map(listingRoot))];
  // -H follows a symlinked starting point (/etc/ssl/certs); records are NUL-terminated.
  const result = await runOnHost(ctx, deadline, `LC_ALL=C find -H ${shellJoin(roots)} -type f -printf '%s %T@ %p\\0'`, { maxOutputBytes: MAX_LISTING_BYTES });
  if (result.exitCode !== 0 && /unknown predicate|-printf/.test(result.stderr))
    throw new Error(`the files check needs GNU find (its -printf)${onHost(ctx)}: ${firstLineOf(result.stderr)}`);
  const select = fileSelector(params.paths, params.exclude);
  const files = new Map<string, Listed>();
  const records = result.stdout.split('\0');
  for (let i = 0; i < records.length; i += 1) {
    if (i % YIELD_EVERY === 0 && i > 0) await yieldToEventLoop();
    const record = records[i]!;
    const first = record.indexOf(' ');
    const second = record.indexOf(' ', first + 1);
    if (first < 0 || second < 0) continue;
    const path = record.slice(second + 1);
    if (!select(path)) continue;
    files.set(path, { size: Number(record.slice(0, first)), mtime: record.slice(first + 1, second) });
  }
  // Roots that do not exist are not errors: their files show up as missing against the baseline.
  const problems = result.stderr
    .split('\n')
    .filter((l) => /Permission denied/.test(l))
    .map((l) => l.replace(/^find: /, ''));
  return { files, problems };
}

/** SHA-256 of each path, by `sha256sum` on the host; unreadable files are left out. */
async function hashFiles(paths: string[], ctx: ProbeContext, deadline: ProbeDeadline): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  if (paths.length === 0) return hashes;
  const result = await runOnHost(ctx, deadline, 'LC_ALL=C xargs -0 sha256sum --', {
    input: `${paths.join('\0')}\0`,
    maxOutputBytes: MAX_LISTING_BYTES,
  });
  const lines = result.stdout.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    if (i % YIELD_EVERY === 0 && i > 0) await yieldToEventLoop();
    const m = /^(\\?)([0-9a-f]{64}) [ *](.*)$/.exec(lines[i]!);
    if (!m) continue;
    // GNU sha256sum escapes names holding a newline or backslash and marks the line with "\".
    const path = m[1] ? m[3]!.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\')) : m[3]!;
    hashes.set(path, m[2]!);
  }
  return hashes;
}

/** Hashes what the baseline cannot vouch for (new, or changed size/mtime) and builds a new baseline. */
async function buildBaseline(listed: Map<string, Listed>, previous: Baseline | null, ctx: ProbeContext, deadline: ProbeDeadline): Promise<{ baseline: Baseline; unreadable: string[] }> {
  const files = new Map<string, BaselineEntry>();
  const toHash: string[] = [];
  let i = 0;
  for (const [path, { size, mtime }] of listed) {
    if (++i % YIELD_EVERY === 0) await yieldToEventLoop();
    const known = previous?.files.get(path);
    if (known && known[0] === size && known[1] === mtime) files.set(path, known);
    else toHash.push(path);
  }
  const hashes = await hashFiles(toHash, ctx, deadline);
  const unreadable: string[] = [];
  for (const path of toHash) {
    if (++i % YIELD_EVERY === 0) await yieldToEventLoop();
    const hash = hashes.get(path);
    const { size, mtime } = listed.get(path)!;
    if (hash) files.set(path, [size, mtime, hash]);
    else unreadable.push(path);
  }
  return { baseline: { recordedAt: ctx.now(), files }, unreadable };
}

/**
 * Records the current state as the baseline ("Accept current state", `kaavan baseline accept`).
 * Files unchanged by size and mtime keep their stored hash; the rest are hashed on the host.
 */
export async function acceptBaseline(params: FilesParams, ctx: ProbeContext): Promise<{ files: number; unreadable: string[] }> {
  const deadline = startDeadline(ctx);
  try {
    const { files } = await listFiles(params, ctx, deadline);
    const { baseline, unreadable } = await buildBaseline(files, await loadBaseline(ctx.memory), ctx, deadline);
    await saveBaseline(ctx.memory, baseline);
    ctx.memory.delete(LAST_DIFF_KEY);
    return { files: baseline.files.size, unreadable };
  } catch (error) {
    throw new Error(hostErrorOutcome(error, deadline, `recording the baseline${onHost(ctx)}`).message, { cause: error });
  } finally {
    deadline.dispose();
  }
}

function names(list: string[], max = 3): string {
  const shown = list.slice(0, max).join(', ');
  return list.length > max ? `${shown} and ${list.length - max} more` : shown;
}

/** "modified 2 (/etc/a, /etc/b); missing 1 (/etc/c); new 1 (/etc/d)" */
export function describeDiff(diff: FilesDiff): string {
  const parts: string[] = [];
  if (diff.modified.length) parts.push(`modified ${diff.modified.length} (${names(diff.modified)})`);
  if (diff.missing.length) parts.push(`missing ${diff.missing.length} (${names(diff.missing)})`);
  if (diff.added.length) parts.push(`new ${diff.added.length} (${names(diff.added)})`);
  if (diff.unreadable.length) parts.push(`unreadable ${diff.unreadable.length} (${names(diff.unreadable)})`);
  return parts.join('; ');
}

export async function probeFiles(params: FilesParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const maxFiles = params.maxFiles ?? 200_000;
  return withHostDeadline(ctx, () => `checking ${params.paths.join(', ')}${onHost(ctx)}`, async (deadline) => {
    const { files: listed, problems } = await listFiles(params, ctx, deadline);
    if (listed.size > maxFiles)
      return { status: 'down', latencyMs: null, message: `${listed.size} files match, more than maxFiles (${maxFiles}); narrow paths, add exclude patterns or raise maxFiles` };
    const baseline = await loadBaseline(ctx.memory);
    if (!baseline) {
      const built = await buildBaseline(listed, null, ctx, deadline);
      await saveBaseline(ctx.memory, built.baseline);
      const count = built.baseline.files.size;
      if (count === 0 && built.unreadable.length === 0)
        return { status: 'degraded', latencyMs: roundLatency(deadline.elapsed()), message: `no files match ${params.paths.join(', ')}${onHost(ctx)}; check paths and exclude`, metrics: { files: 0 } };
      const unreadable = built.unreadable.length ? `; ${built.unreadable.length} unreadable (${names(built.unreadable)})` : '';
      return { status: built.unreadable.length ? 'degraded' : 'up', latencyMs: roundLatency(deadline.elapsed()), message: `baseline recorded: ${count} files${unreadable}`, metrics: { files: count } };
    }

    const diff: FilesDiff = { modified: [], missing: [], added: [], unreadable: [] };
    const toHash: string[] = [];
    let i = 0;
    for (const [path, { size, mtime }] of listed) {
      if (++i % YIELD_EVERY === 0) await yieldToEventLoop();
      const known = baseline.files.get(path);
      if (!known) diff.added.push(path);
      else if (known[0] !== size) diff.modified.push(path);
      else if (known[1] !== mtime) toHash.push(path);
    }
    for (const path of baseline.files.keys()) {
      if (++i % YIELD_EVERY === 0) await yieldToEventLoop();
      if (!listed.has(path)) diff.missing.push(path);
    }
    const hashes = await hashFiles(toHash, ctx, deadline);
    let touched = false;
    for (const path of toHash) {
      const hash = hashes.get(path);
      const known = baseline.files.get(path)!;
      if (!hash) diff.unreadable.push(path);
      else if (hash !== known[2]) diff.modified.push(path);
      else {
        // Same content, new mtime (touched, or rewritten identically): remember the new mtime so
        // the file is not re-hashed on every probe. The baseline's content is unchanged.
        baseline.files.set(path, [known[0], listed.get(path)!.mtime, known[2]]);
        touched = true;
      }
    }
    if (touched) await saveBaseline(ctx.memory, baseline);
    for (const list of [diff.modified, diff.missing, diff.added, diff.unreadable]) list.sort();

    const latencyMs = roundLatency(deadline.elapsed());
    const metrics = { files: listed.size, modified: diff.modified.length, missing: diff.missing.length, new: diff.added.length, unreadable: diff.unreadable.length };
    const changed = diff.modified.length + diff.missing.length + diff.added.length;
    if (changed === 0 && diff.unreadable.length === 0) {
      ctx.memory.delete(LAST_DIFF_KEY);
      const denied = problems.length ? `; ${problems.length} folders could not be read (${names(problems, 1)})` : '';
      return { status: problems.length ? 'degraded' : 'up', latencyMs, message: `${listed.size} files unchanged since the baseline${denied}`, metrics };
    }
    ctx.memory.set(LAST_DIFF_KEY, { at: ctx.now(), ...diff });
    const head = changed === 0 ? 'files could not be read' : `${changed} file${changed === 1 ? '' : 's'} changed since the baseline`;
    return { status: changed === 0 ? 'degraded' : 'down', latencyMs, message: `${head}: ${describeDiff(diff)}`, metrics };
  });
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const filesForm: KindForm = {
    fields: [
      { path: 'paths', label: 'Paths', type: 'list', required: true, mono: true, placeholder: '/etc/nginx\n/etc/ssh/sshd_config\n/var/www/**/*.php', help: 'Files, folders or globs, one per line (absolute paths).' },
      { path: 'exclude', label: 'Exclude', type: 'list', mono: true, placeholder: '*.log\n/etc/nginx/cache', help: 'Patterns left out, one per line: a name pattern, or a path pattern with "/".' },
      { path: 'maxFiles', label: 'At most files', type: 'number', section: 'Limits', placeholder: '200000', default: 200000, help: 'More files than this make the check fail instead of hashing them all.' },
    ],
  };

export const filesCheck = defineCheckKind({
  kind: 'files',
  title: 'File integrity',
  paramsShape: filesParamsShape,
  form: filesForm,
  describe: (p) => (p.paths.length === 1 ? `files ${p.paths[0]}` : `files ${p.paths[0]} and ${p.paths.length - 1} more`),
  probe: (params, ctx) => probeFiles(params, ctx),
});
