// Export and import of the configuration file: YAML export is the file as written (comments kept),
// a YAML import into a YAML config file keeps the imported file's comments, JSON stays JSON.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigManager } from '../../../src-main/core/config/config-manager.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { exportConfig, importConfig } from '../../../src-main/core/api/config-transfer.js';
import type { KaavanConfig } from '../../../src-main/core/config/schema.js';

const WRITTEN = `# Our servers (kept in git)
version: 1
targets:
  - name: web1 # the shop
    tags: [prod]
    checks:
      - name: home
        url: https://web1.example.com/ # health page
        kind: http
      - { port: 5432, name: db, host: web1.example.com, kind: tcp }
`;

let dir: string;
let applied: KaavanConfig[];

async function manager(file: string): Promise<ConfigManager> {
  const config = new ConfigManager(new FileConfigStore(file), (c) => void applied.push(c));
  await config.load();
  return config;
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-transfer-'));
  applied = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('export', () => {
  it('gives the YAML config file as written, comments included', async () => {
    writeFileSync(join(dir, 'config.yaml'), WRITTEN);
    const exported = await exportConfig(await manager(join(dir, 'config.yaml')), 'yaml');
    expect(exported).toEqual({ fileName: 'kaavan-config.yaml', text: WRITTEN, asWritten: true });
  });

  it('renders the running document when the file was edited into something not applied, and as JSON on request', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, WRITTEN);
    const config = await manager(file);
    writeFileSync(file, WRITTEN.replace('web1 #', 'web2 #'));
    const yaml = await exportConfig(config, 'yaml');
    expect(yaml.asWritten).toBe(false);
    expect(yaml.text).toContain('name: web1');
    expect(yaml.text).not.toContain('#');
    const json = await exportConfig(config, 'json');
    expect(json.fileName).toBe('kaavan-config.json');
    expect(JSON.parse(json.text)).toEqual(config.current);
  });
});

describe('import', () => {
  it('makes a YAML file the config file as written: its comments survive, and the engine gets the new document', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, 'version: 1\n');
    const config = await manager(file);
    const imported = await importConfig(config, { text: WRITTEN, fileName: 'servers.yml' });
    expect(imported.keptComments).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(WRITTEN);
    expect(imported.config.targets?.[0]?.name).toBe('web1');
    expect(applied.at(-1)?.targets?.[0]?.checks?.[0]?.name).toBe('home');
    // A later edit from the UI edits that text in place: the comments are still there.
    await config.update((draft) => void (draft.targets![0]!.tags = ['prod', 'eu']));
    const after = readFileSync(file, 'utf8');
    expect(after).toContain('# Our servers (kept in git)');
    expect(after).toContain('# health page');
    expect(after).toMatch(/tags: \[ ?prod, eu ?\]/);
  });

  it('saves a JSON import as an edit of the current YAML file (its comments on unchanged parts stay)', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, WRITTEN);
    const config = await manager(file);
    const next = structuredClone(config.current);
    next.targets![0]!.checks![0]!.interval = '30s';
    const imported = await importConfig(config, { text: JSON.stringify(next), fileName: 'export.json' });
    expect(imported.keptComments).toBe(false);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# Our servers (kept in git)');
    expect(text).toContain('interval: 30s');
  });

  it('refuses an invalid file with field issues and leaves the config file alone', async () => {
    const file = join(dir, 'config.yaml');
    writeFileSync(file, WRITTEN);
    const config = await manager(file);
    await expect(importConfig(config, { text: 'version: 1\ntargets:\n  - name: a\n    checks: [{ name: x, kind: ftp }]\n', fileName: 'bad.yaml' })).rejects.toMatchObject({
      code: 'invalid_input',
      issues: [expect.objectContaining({ path: 'targets.0.checks.0.kind' })],
    });
    await expect(importConfig(config, { text: 'version: [1\n', fileName: 'broken.yaml' })).rejects.toMatchObject({ code: 'invalid_input' });
    expect(readFileSync(file, 'utf8')).toBe(WRITTEN);
  });
});
