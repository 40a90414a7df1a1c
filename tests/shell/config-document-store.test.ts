// One configuration per data folder: the app reads and writes <data>/config.yaml, the CLI's file.
// An older app's document, written here by the real `conf` — the package electron-store is a thin
// Electron wrapper of (electron-store itself imports the Electron binary, absent in plain Node) —
// with the options versions up to 0.1 used, is moved into that file once, with a backup.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Conf from 'conf';
import { AppConfigStore } from '../../src-main/shell/electron-config-store.js';
import { ConfigManager } from '../../src-main/core/config/config-manager.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import type { KaavanConfig } from '../../src-main/core/config/schema.js';

const root = mkdtempSync(join(tmpdir(), 'kaavan-app-config-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dataDir = () => {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  return dir;
};

const appDoc: KaavanConfig = {
  version: 1,
  settings: { launchAtLogin: true },
  targets: [{ name: 'shop.example', checks: [{ name: 'home', kind: 'http', url: 'https://shop.example/', interval: '30s' }] }],
};
const DEMO = '# the demo\nversion: 1\ntargets:\n  - name: demo # a comment the user should see\n';
const demo = async () => DEMO;
const env = {} as NodeJS.ProcessEnv;

/** Writes the document the way the app did before: electron-store (conf) named "config", key "config", dotted names kept literal. */
function writeLegacy(dir: string, doc: unknown): string {
  // electron-store passes `name` on as conf's `configName`.
  const store = new Conf<Record<string, unknown>>({ configName: 'config', cwd: dir, clearInvalidConfig: false, accessPropertiesByDotNotation: false, configFileMode: 0o600 });
  store.set('config', doc);
  return store.path;
}

describe('the app configuration file', () => {
  it('moves an electron-store document into config.yaml once, keeping the old file as a backup', async () => {
    const dir = dataDir();
    const legacyPath = writeLegacy(dir, appDoc);
    expect(legacyPath).toBe(join(dir, 'config.json'));
    const legacyText = readFileSync(legacyPath, 'utf8');

    const store = new AppConfigStore(dir, env);
    expect(store.location).toBe(join(dir, 'config.yaml'));
    const said = await store.prepare(demo, Date.parse('2026-11-23T10:00:00Z'));
    expect(said).toMatch(/^moved the app's configuration from .*config\.json to .*config\.yaml/);

    // The CLI's reader sees the app's document.
    expect(await new FileConfigStore(join(dir, 'config.yaml')).load()).toEqual(appDoc);
    const backups = readdirSync(dir).filter((f) => f.startsWith('config.json.migrated-'));
    expect(backups).toEqual(['config.json.migrated-2026-11-23T10-00-00-000Z']);
    expect(readFileSync(join(dir, backups[0]!), 'utf8')).toBe(legacyText);
    expect(existsSync(legacyPath)).toBe(false);

    // Second start: nothing moves, nothing is seeded, the user's edits stay.
    const edited = `${readFileSync(store.location, 'utf8')}# my note\n`;
    writeFileSync(store.location, edited);
    expect(await new AppConfigStore(dir, env).prepare(demo)).toBeNull();
    expect(readFileSync(store.location, 'utf8')).toBe(edited);
  });

  it('keeps an existing config.yaml (the CLI wrote it) and only backs the electron-store file up', async () => {
    const dir = dataDir();
    writeLegacy(dir, appDoc);
    writeFileSync(join(dir, 'config.yaml'), 'version: 1\ntargets:\n  - name: cli-target\n');
    const said = await new AppConfigStore(dir, env).prepare(demo);
    expect(said).toMatch(/config\.yaml already exists and is used; the app's older settings file is kept as .*config\.json\.migrated-/);
    expect(readFileSync(join(dir, 'config.yaml'), 'utf8')).toBe('version: 1\ntargets:\n  - name: cli-target\n');
  });

  it('seeds the demo text with its comments on a first start, never over an existing or emptied file', async () => {
    const dir = dataDir();
    const store = new AppConfigStore(dir, env);
    expect(await store.prepare(demo)).toMatch(/^first start: wrote the demo configuration to /);
    expect(readFileSync(store.location, 'utf8')).toBe(DEMO);
    writeFileSync(store.location, '');
    expect(await new AppConfigStore(dir, env).prepare(demo)).toBeNull();
    expect(readFileSync(store.location, 'utf8')).toBe('');
  });

  it('uses $KAAVAN_CONFIG like the CLI does', () => {
    const dir = dataDir();
    expect(new AppConfigStore(dir, { KAAVAN_CONFIG: join(dir, 'mine.yml') }).location).toBe(join(dir, 'mine.yml'));
  });

  it('edits made in the app keep what the user wrote in the file, and reach the CLI', async () => {
    const dir = dataDir();
    const store = new AppConfigStore(dir, env);
    await store.prepare(demo);
    const manager = new ConfigManager(store, () => undefined);
    await manager.load();
    await manager.update((c) => void c.targets!.push({ name: 'added-in-app' }));
    expect(readFileSync(store.location, 'utf8')).toBe(`${DEMO}  - name: added-in-app\n`);
  });

  it('backs an invalid file up before a reset to the demo', async () => {
    const dir = dataDir();
    const store = new AppConfigStore(dir, env);
    writeFileSync(store.location, 'version: 1\ntargets: [{ name: "" }]\n');
    const copy = store.resetKeepingBackup(Date.parse('2026-11-23T10:00:00Z'));
    expect(copy).toBe(join(dir, 'config.invalid-2026-11-23T10-00-00-000Z.yaml'));
    expect(readFileSync(copy!, 'utf8')).toBe('version: 1\ntargets: [{ name: "" }]\n');
    expect(await store.prepare(demo)).toMatch(/^first start/);
    expect(readFileSync(store.location, 'utf8')).toBe(DEMO);
  });
});
