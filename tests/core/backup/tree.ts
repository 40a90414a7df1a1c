// Test helpers: a tree of awkward names and metadata, and an exact description of a tree to compare.
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, lstatSync, lutimesSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Builds the tricky tree under `root` (which must not exist). */
export function makeTrickyTree(root: string): void {
  const f = (rel: string, data: Buffer | string, mode = 0o644) => {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, data);
    chmodSync(p, mode);
  };
  mkdirSync(root, { recursive: true });
  f('plain.txt', 'hello\n');
  f('ünïcødé ☃ 日本語.txt', 'unicode name\n');
  f('with space/inner file.txt', 'spaces\n');
  f('new\nline.txt', 'a newline in the name\n');
  f('tab\there.txt', 'a tab\n');
  f('empty.bin', '');
  f('script.sh', '#!/bin/sh\necho hi\n', 0o755);
  f('secret.key', 'private\n', 0o600);
  f('setuid-tool', 'x', 0o4755);
  f('compressible.log', 'the same line again and again\n'.repeat(40_000));
  f('random.bin', randomBytes(5 * 1024 * 1024 + 123)); // crosses a 4 MiB zstd frame and the small-file limit
  mkdirSync(path.join(root, 'empty dir'));
  mkdirSync(path.join(root, 'private dir'), { mode: 0o700 });
  f('private dir/note', 'n');
  chmodSync(path.join(root, 'private dir'), 0o700);
  // a deep path longer than ustar's 255 bytes, with a 120-byte component
  const deep = ['level-one', 'x'.repeat(120), ...Array.from({ length: 12 }, (_, i) => `depth-${i}-${'d'.repeat(10)}`)].join('/');
  f(`${deep}/deep file.txt`, 'deep\n');
  symlinkSync('plain.txt', path.join(root, 'link-to-plain'));
  symlinkSync('nowhere/at/all', path.join(root, 'dangling link'));
  symlinkSync('/etc/passwd', path.join(root, 'absolute link'));
  symlinkSync('l'.repeat(150), path.join(root, 'long target link'));
  chownSync(path.join(root, 'plain.txt'), 1234, 5678);
  // times with nanosecond-ish precision, set last (children first so folder times stick)
  const walk = (rel: string, depth: number): void => {
    const p = path.join(root, rel);
    const st = lstatSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(path.join(rel, n), depth + 1);
    const t = 1_600_000_000 + depth * 1000 + (rel.length % 97) + 0.123456;
    if (st.isSymbolicLink()) lutimesSync(p, t, t);
    else utimesSync(p, t, t);
  };
  walk('', 0);
}

export interface NodeInfo {
  type: string;
  size: number;
  mode: number;
  mtimeUs: number;
  uid: number;
  gid: number;
  sha?: string;
  target?: string;
}

/** path (relative to root) → exact description; the root itself is included as "". */
export function describeTree(root: string, opts: { dirTimes?: boolean } = {}): Map<string, NodeInfo> {
  const out = new Map<string, NodeInfo>();
  const walk = (rel: string) => {
    const p = path.join(root, rel);
    const st = lstatSync(p, { bigint: true });
    const type = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
    const info: NodeInfo = {
      type,
      size: type === 'file' ? Number(st.size) : 0,
      mode: Number(st.mode & 0o7777n),
      // microseconds: utimes takes seconds as a double, so sub-µs digits are not portable
      mtimeUs: type === 'dir' && opts.dirTimes === false ? 0 : Math.round(Number(st.mtimeNs / 1000n)),
      uid: Number(st.uid),
      gid: Number(st.gid),
    };
    if (type === 'file') info.sha = createHash('sha256').update(readFileSync(p)).digest('hex');
    if (type === 'symlink') info.target = readlinkSync(p);
    out.set(rel, info);
    if (type === 'dir') for (const n of readdirSync(p).sort()) walk(rel ? `${rel}/${n}` : n);
  };
  walk('');
  return out;
}

export function diffTrees(a: Map<string, NodeInfo>, b: Map<string, NodeInfo>): string[] {
  const problems: string[] = [];
  for (const [k, v] of a) {
    const w = b.get(k);
    if (!w) problems.push(`missing: ${JSON.stringify(k)}`);
    // mtime within 1 µs: Node's utimes takes seconds as a double, so the last digit may round
    else if (JSON.stringify({ ...v, mtimeUs: 0 }) !== JSON.stringify({ ...w, mtimeUs: 0 }) || Math.abs(v.mtimeUs - w.mtimeUs) > 1) problems.push(`differs: ${JSON.stringify(k)} ${JSON.stringify(v)} vs ${JSON.stringify(w)}`);
  }
  for (const k of b.keys()) if (!a.has(k)) problems.push(`extra: ${JSON.stringify(k)}`);
  return problems;
}
