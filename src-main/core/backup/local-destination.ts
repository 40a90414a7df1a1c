// A destination in a local folder. Every object appears atomically: written under tmp/, fsynced,
// renamed into place, and the directory fsynced, so a crash leaves either the old state or the
// whole object, never a torn one.
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, rmdir, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { Destination, StoredObject } from './destination.js';
import { BackupError } from './errors.js';

const TMP = 'tmp';

function checkKey(key: string): string {
  if (!key || key.startsWith('/') || key.split('/').some((p) => p === '' || p === '.' || p === '..')) throw new Error(`invalid object key "${key}"`);
  return key;
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export class LocalDestination implements Destination {
  readonly label: string;
  constructor(private readonly root: string) {
    this.label = root;
  }

  private p(key: string): string {
    return path.join(this.root, ...checkKey(key).split('/'));
  }

  localPath(key: string): string {
    return this.p(key);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      return await readFile(this.p(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  async read(key: string): Promise<Readable> {
    const file = this.p(key);
    try {
      await stat(file);
    } catch {
      throw new BackupError('not-found', `${key} is missing from ${this.label}`);
    }
    return createReadStream(file, { highWaterMark: 1024 * 1024 });
  }

  async putBuffer(key: string, data: Buffer): Promise<void> {
    const tmp = await this.stagingFile('obj', randomBytes(6).toString('hex'));
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await this.putFile(key, tmp);
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const target = this.p(key);
    await mkdir(path.dirname(target), { recursive: true });
    try {
      await rename(localPath, target);
    } catch (err) {
      await rm(localPath, { force: true });
      throw err;
    }
    await fsyncDir(path.dirname(target));
  }

  async stagingFile(tag: string, name: string): Promise<string> {
    const dir = path.join(this.root, TMP);
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${tag}-${name}.part`);
  }

  async cleanStaging(tag: string): Promise<void> {
    const dir = path.join(this.root, TMP);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    await Promise.all(names.filter((n) => n.startsWith(`${tag}-`)).map((n) => rm(path.join(dir, n), { force: true })));
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const base = prefix.replace(/\/+$/, '');
    const walk = async (rel: string): Promise<void> => {
      let ents;
      try {
        ents = await readdir(path.join(this.root, ...rel.split('/')), { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return;
        throw err;
      }
      for (const e of ents) {
        const key = `${rel}/${e.name}`;
        if (e.isDirectory()) await walk(key);
        else if (e.isFile()) out.push({ key, size: (await stat(path.join(this.root, ...key.split('/')))).size });
      }
    };
    await walk(base);
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async delete(keys: string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const key of keys) {
      await rm(this.p(key), { force: true });
      dirs.add(path.dirname(this.p(key)));
    }
    // Drop directories left empty (segments/<runId>/), never the top-level ones.
    for (const dir of dirs) {
      if (path.dirname(dir) === this.root) continue;
      try {
        if ((await readdir(dir)).length === 0) await rmdir(dir);
      } catch {
        // already gone or not empty: both fine
      }
    }
  }
}
