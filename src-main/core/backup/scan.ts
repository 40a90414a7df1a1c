// Walks a job's sources with lstat (never following symlinks) and applies include/exclude globs.
import { lstat, readdir, readlink } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import type { FolderSource } from './job-schema.js';
import type { TarType } from './tar.js';

export interface ScannedEntry {
  /** Absolute path on this machine. */
  abs: string;
  /** Stored path: abs without the leading '/', '/'-separated. */
  path: string;
  type: TarType;
  size: number;
  mode: number;
  mtimeNs: bigint;
  ctimeNs: bigint;
  ino: bigint;
  dev: bigint;
  uid: number;
  gid: number;
  target?: string;
}

export interface ScanResult {
  entries: ScannedEntry[];
  warnings: string[];
}

export const storedPath = (abs: string): string => abs.split(path.sep).filter(Boolean).join('/');

/** A matcher for globs: patterns without '/' match the base name, others the path below the source. */
export function matcher(patterns: string[] | undefined): ((rel: string) => boolean) | null {
  if (!patterns?.length) return null;
  const byName = picomatch(patterns.filter((p) => !p.includes('/')), { dot: true });
  const byPath = picomatch(patterns.filter((p) => p.includes('/')).map((p) => p.replace(/^\/+/, '')), { dot: true });
  return (rel) => byName(rel.slice(rel.lastIndexOf('/') + 1)) || byPath(rel);
}

export async function scanSources(sources: FolderSource[], signal?: AbortSignal): Promise<ScanResult> {
  const entries: ScannedEntry[] = [];
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const src of sources) {
    const root = path.resolve(src.path.replace(/^~(?=$|\/)/, process.env.HOME ?? '~'));
    const exclude = matcher(src.exclude);
    const include = matcher(src.include);
    /** lstat (+ readlink) of one path, filtered by the globs; null when skipped. */
    const stat = async (abs: string, rel: string): Promise<ScannedEntry | null> => {
      let st;
      try {
        st = await lstat(abs, { bigint: true });
      } catch (err) {
        warnings.push(`${abs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'vanished during the scan' : (err as Error).message}`);
        return null;
      }
      const type: TarType | null = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : null;
      if (!type) {
        warnings.push(`${abs}: skipped (not a file, folder or symlink)`);
        return null;
      }
      if (rel && exclude?.(rel)) return null;
      // include globs select files and links; folders are walked so their matching children are found
      if (rel && include && type !== 'dir' && !include(rel)) return null;
      const entry: ScannedEntry = {
        abs,
        path: storedPath(abs),
        type,
        size: type === 'file' ? Number(st.size) : 0,
        mode: Number(st.mode & 0o7777n),
        mtimeNs: st.mtimeNs,
        ctimeNs: st.ctimeNs,
        ino: st.ino,
        dev: st.dev,
        uid: Number(st.uid),
        gid: Number(st.gid),
      };
      if (type === 'symlink') {
        try {
          entry.target = await readlink(abs);
        } catch (err) {
          warnings.push(`${abs}: ${(err as Error).message}`);
          return null;
        }
      }
      return entry;
    };
    const walk = async (dir: ScannedEntry, rel: string): Promise<void> => {
      if (signal?.aborted) throw signal.reason;
      let names: string[];
      try {
        names = await readdir(dir.abs);
      } catch (err) {
        warnings.push(`${dir.abs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'vanished during the scan' : (err as Error).message}`);
        return;
      }
      names.sort();
      // The children's lstat calls run together (the thread pool does them in parallel); the
      // entries keep their sorted order.
      for (let i = 0; i < names.length; i += 256) {
        const slice = names.slice(i, i + 256);
        const stats = await Promise.all(slice.map((n) => stat(path.join(dir.abs, n), rel ? `${rel}/${n}` : n)));
        for (let j = 0; j < slice.length; j++) {
          const e = stats[j];
          if (!e || seen.has(e.path)) continue;
          seen.add(e.path);
          entries.push(e);
          if (e.type === 'dir') await walk(e, rel ? `${rel}/${slice[j]}` : slice[j]!);
        }
      }
    };
    const top = await stat(root, '');
    if (top && !seen.has(top.path)) {
      seen.add(top.path);
      entries.push(top);
      if (top.type === 'dir') await walk(top, '');
    }
  }
  return { entries, warnings };
}
