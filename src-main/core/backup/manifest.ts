// The manifest of one run and the invariants every reader checks before writing anything
// (docs/backup-format.md §4).
import type { TarType } from './tar.js';

export const MANIFEST_FORMAT = 'kaavan-manifest';
export const MANIFEST_VERSION = 1;

export interface SegmentRecord {
  key: string;
  /** The run that wrote it. */
  run: string;
  storedSize: number;
  /** SHA-256 of the stored bytes (hex). */
  sha256: string;
  /** Uncompressed tar bytes. */
  rawSize: number;
  /** Compressed length of each zstd frame, in order. */
  frames: number[];
}

export interface ManifestEntry {
  path: string;
  type: TarType;
  size: number;
  mode: number;
  mtimeNs: string;
  ctimeNs: string;
  ino: string;
  dev: string;
  uid: number;
  gid: number;
  target?: string;
  sha256?: string;
  segment?: number;
  offset?: number;
}

export type RunKind = 'full' | 'incremental';

export interface RunSummary {
  id: string;
  job: string;
  kind: RunKind;
  parent: string | null;
  startedAt: string;
  finishedAt: string;
  host: string;
  files: number;
  dirs: number;
  symlinks: number;
  /** Bytes of file data the run covers. */
  bytes: number;
  /** Bytes of file data read and stored by this run (the rest was unchanged). */
  newBytes: number;
  /** Bytes this run added to the destination (its segments + manifest). */
  storedBytes: number;
  warnings: string[];
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  version: number;
  run: RunSummary;
  sources: string[];
  segments: SegmentRecord[];
  entries: ManifestEntry[];
}

const HEX64 = /^[0-9a-f]{64}$/;
const NS = /^-?\d{1,30}$/;

/** Why a stored path is unsafe to create under a restore folder, or null when it is fine. */
export function unsafePathReason(p: string): string | null {
  if (typeof p !== 'string' || p === '') return 'empty path';
  if (p.includes('\0')) return 'NUL in path';
  if (p.startsWith('/')) return 'absolute path';
  if (/^[A-Za-z]:/.test(p) || p.includes('\\')) return 'drive letter or backslash in path';
  if (p.split('/').some((c) => c === '' || c === '.' || c === '..')) return 'empty, "." or ".." component';
  return null;
}

/** Throws an Error naming the first broken invariant. */
export function validateManifest(m: unknown): Manifest {
  const fail = (what: string): never => {
    throw new Error(what);
  };
  if (!m || typeof m !== 'object') fail('not a manifest object');
  const man = m as Manifest;
  if (man.format !== MANIFEST_FORMAT) fail('not a Kaavan manifest');
  if (man.version !== MANIFEST_VERSION) fail(`manifest version ${String(man.version)} is not supported by this Kaavan`);
  if (!man.run || typeof man.run.id !== 'string' || typeof man.run.job !== 'string') fail('manifest has no run summary');
  if (!Array.isArray(man.segments) || !Array.isArray(man.entries)) fail('manifest lists no segments or entries');
  man.segments.forEach((s, i) => {
    if (typeof s.key !== 'string' || !s.key.startsWith('segments/') || unsafePathReason(s.key)) fail(`segment ${i} has a bad key`);
    if (!HEX64.test(s.sha256) || !Number.isSafeInteger(s.storedSize) || !Array.isArray(s.frames) || !s.frames.every((f) => Number.isSafeInteger(f) && f > 0)) fail(`segment ${s.key} is described incompletely`);
  });
  const types = new Map<string, string>();
  for (const e of man.entries) {
    const why = unsafePathReason(e.path);
    if (why) fail(`unsafe path "${String(e.path)}" (${why})`);
    if (types.has(e.path)) fail(`"${e.path}" appears twice`);
    if (e.type !== 'file' && e.type !== 'dir' && e.type !== 'symlink') fail(`"${e.path}" has an unknown type`);
    if (!Number.isSafeInteger(e.size) || e.size < 0 || !Number.isInteger(e.mode) || !NS.test(e.mtimeNs)) fail(`"${e.path}" has bad metadata`);
    if (e.type === 'symlink' && (typeof e.target !== 'string' || e.target === '' || e.target.includes('\0'))) fail(`symlink "${e.path}" has no target`);
    if (e.type === 'file') {
      if (!HEX64.test(e.sha256 ?? '')) fail(`"${e.path}" has no SHA-256`);
      if (e.size > 0 && (!Number.isInteger(e.segment) || e.segment! < 0 || e.segment! >= man.segments.length || !Number.isSafeInteger(e.offset))) fail(`"${e.path}" points at no segment`);
    }
    types.set(e.path, e.type);
  }
  // No entry may live under a non-directory entry: restore would otherwise write through a symlink.
  for (const e of man.entries) {
    const comps = e.path.split('/');
    for (let i = 1; i < comps.length; i++) {
      const t = types.get(comps.slice(0, i).join('/'));
      if (t !== undefined && t !== 'dir') fail(`"${e.path}" is inside "${comps.slice(0, i).join('/')}", which is a ${t}`);
    }
  }
  return man;
}
