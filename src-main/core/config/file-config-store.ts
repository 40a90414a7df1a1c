// Configuration kept in a YAML or JSON file (CLI and headless mode, `--config FILE`).
import { readFile, rename, writeFile, mkdir } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { stringify as toYaml } from 'yaml';
import type { ConfigStore } from './config-store.js';
import type { KaavanConfig } from './schema.js';
import { parseConfigText, invalidConfigError } from './validate.js';
import { KaavanError } from '../api/errors.js';

export class FileConfigStore implements ConfigStore {
  constructor(readonly location: string) {}

  async load(): Promise<unknown | null> {
    let text: string;
    try {
      text = await readFile(this.location, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return null;
      throw new KaavanError('unavailable', `cannot read config ${this.location}: ${(error as Error).message}`);
    }
    if (text.trim() === '') return null;
    const parsed = parseConfigText(text, this.location);
    if (!parsed.ok) throw invalidConfigError(this.location, parsed.issues);
    return parsed.value;
  }

  async save(config: KaavanConfig): Promise<void> {
    const isJson = this.location.toLowerCase().endsWith('.json');
    const text = isJson ? `${JSON.stringify(config, null, 2)}\n` : toYaml(config, { lineWidth: 0 });
    await mkdir(dirname(this.location), { recursive: true });
    // Write then rename, so a crash never leaves a half-written config behind.
    const temp = join(dirname(this.location), `.${basename(this.location)}.${process.pid}.tmp`);
    await writeFile(temp, text, { encoding: 'utf8', mode: 0o600 });
    await rename(temp, this.location);
  }
}
