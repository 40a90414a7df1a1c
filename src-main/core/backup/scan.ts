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
function matcher(patterns: string[] | undefined): ((rel: string) => boolean) | null {
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
    const visit = async (abs: string, rel: string): Promise<void> => {
      if (signal?.aborted) throw signal.reason;
      let st;
      try {
        st = await lstat(abs, { bigint: true });
      } catch (err) {
        warnings.push(`${abs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'vanished during the scan' : (err as Error).message}`);
        return;
      }
      const type: TarType | null = st.isFile() ? 'file' : st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : null;
      if (!type) {
        warnings.push(`${abs}: skipped (not a file, folder or symlink)`);
        return;
      }
      if (rel && exclude?.(rel)) return;
      // include globs select files and links; folders are walked so their matching children are found
      if (rel && include && type !== 'dir' && !include(rel)) return;
      const p = storedPath(abs);
      if (seen.has(p)) return;
      seen.add(p);
      const entry: ScannedEntry = {
        abs,
        path: p,
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
          return;
        }
      }
      entries.push(entry);
      if (type === 'dir') {
        let names: string[];
        try {
          names = await readdir(abs);
        } catch (err) {
          warnings.push(`${abs}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'vanished during the scan' : (err as Error).message}`);
          return;
        }
        names.sort();
        for (const name of names) await visit(path.join(abs, name), rel ? `${rel}/${name}` : name);
      }
    };
    await visit(root, '');
  }
  return { entries, warnings };
}
