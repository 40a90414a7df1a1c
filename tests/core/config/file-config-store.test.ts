// The config file is the user's: saves keep what the user wrote, never replace a file changed since
// it was read, and hand edits reach the running configuration. Real files in a temp folder.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, lstatSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { ConfigManager } from '../../../src-main/core/config/config-manager.js';
import type { KaavanConfig } from '../../../src-main/core/config/schema.js';
import type { FieldIssue } from '../../../src-main/core/api/errors.js';

const root = mkdtempSync(join(tmpdir(), 'kaavan-config-file-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
function file(name: string, text: string): string {
  const dir = join(root, `d${n++}`);
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const COMMENTED = `# Kaavan — my servers
version: 1
settings:
  concurrency: 4 # laptop on battery
targets:
  # the shop
  - name: web1
    tags: [prod, eu]
    checks:
      - { name: home, kind: http, url: "https://web1.example.com/", interval: 30s }
      # the database port
      - name: db
        kind: tcp
        port: 5432
        host: db.example.com
`;

async function manager(path: string, onInvalid?: (issues: FieldIssue[]) => void) {
  const changes: KaavanConfig[] = [];
  const m = new ConfigManager(new FileConfigStore(path), (c) => void changes.push(c), { ...(onInvalid ? { onInvalid } : {}), watchDebounceMs: 50 });
  await m.load();
  return { m, changes };
}

describe('FileConfigStore saves', () => {
  it('keep comments, key order, quoting and flow style; only changed values move', async () => {
    const path = file('config.yaml', COMMENTED);
    const { m } = await manager(path);
    await m.update((c) => {
      const web = c.targets![0]!;
      (web.checks![0] as { interval?: string }).interval = '45s';
      web.checks!.push({ name: 'api', kind: 'tcp', host: 'api.example.com', port: 443 });
      c.settings = { ...c.settings, paused: true };
    });
    expect(readFileSync(path, 'utf8')).toBe(`# Kaavan — my servers
version: 1
settings:
  concurrency: 4 # laptop on battery
  paused: true
targets:
  # the shop
  - name: web1
    tags: [prod, eu]
    checks:
      - { name: home, kind: http, url: "https://web1.example.com/", interval: 45s }
      # the database port
      - name: db
        kind: tcp
        port: 5432
        host: db.example.com
      - name: api
        kind: tcp
        host: api.example.com
        port: 443
`);
  });

  it('write a new entry in flow style among flow siblings, with the padding the file uses', async () => {
    const path = file('config.yaml', 'version: 1\ntargets:\n  - name: a\n    tags: [x]\n    checks:\n      - {name: p, kind: tcp, host: h, port: 1} # first\n');
    const { m } = await manager(path);
    await m.update((c) => void c.targets![0]!.checks!.push({ name: 'q', kind: 'tcp', host: 'h', port: 2 }));
    expect(readFileSync(path, 'utf8')).toBe(
      'version: 1\ntargets:\n  - name: a\n    tags: [x]\n    checks:\n      - {name: p, kind: tcp, host: h, port: 1} # first\n      - {name: q, kind: tcp, host: h, port: 2}\n',
    );
  });

  it('keep anchors and the aliases that use them', async () => {
    const path = file('config.yaml', 'version: 1\ntargets:\n  - name: a\n    tags: &common [prod, eu]\n  - name: b\n    tags: *common\n');
    const { m } = await manager(path);
    await m.update((c) => void c.targets!.push({ name: 'c' }));
    expect(readFileSync(path, 'utf8')).toBe('version: 1\ntargets:\n  - name: a\n    tags: &common [prod, eu]\n  - name: b\n    tags: *common\n  - name: c\n');
  });

  it('keep lists written flush with their key as they are', async () => {
    const path = file('config.yaml', 'version: 1\ntargets:\n- name: a\n  checks:\n  - {name: p, kind: tcp, host: h, port: 1}\n');
    const { m } = await manager(path);
    await m.update((c) => void c.targets!.push({ name: 'b' }));
    expect(readFileSync(path, 'utf8')).toBe('version: 1\ntargets:\n- name: a\n  checks:\n  - {name: p, kind: tcp, host: h, port: 1}\n- name: b\n');
  });

  it('keep the comments of the other entries when one is removed from the middle', async () => {
    const path = file('config.yaml', COMMENTED.replace('  # the shop\n', '  # first\n  - name: a\n  # the shop\n'));
    const { m } = await manager(path);
    await m.update((c) => {
      c.targets = c.targets!.filter((t) => t.name !== 'a');
    });
    const text = readFileSync(path, 'utf8');
    expect(text).not.toContain('name: a\n');
    expect(text).toContain('# the database port\n      - name: db\n');
    expect(text).toContain('concurrency: 4 # laptop on battery');
  });

  it('replace the file atomically, keeping its mode and a symbolic link to it, leaving no temp file', async () => {
    const real = file('real.yaml', 'version: 1\n');
    chmodSync(real, 0o640);
    const link = join(root, `link-${n++}.yaml`);
    symlinkSync(real, link);
    const { m } = await manager(link);
    await m.update((c) => {
      c.targets = [{ name: 'x' }];
    });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(real).mode & 0o777).toBe(0o640);
    expect(readFileSync(real, 'utf8')).toBe('version: 1\ntargets:\n  - name: x\n');
    expect(readdirSync(join(real, '..'))).toEqual(['real.yaml']);
  });

  it('write JSON files as JSON with two spaces, in the key order the user chose', async () => {
    const path = file('config.json', '{"targets": [{"checks": [], "name": "a"}], "version": 1}');
    const { m } = await manager(path);
    await m.update((c) => {
      c.targets![0]!.tags = ['x'];
    });
    expect(readFileSync(path, 'utf8')).toBe('{\n  "targets": [\n    {\n      "checks": [],\n      "name": "a",\n      "tags": [\n        "x"\n      ]\n    }\n  ],\n  "version": 1\n}\n');
  });
});

describe('ConfigManager read-modify-write', () => {
  it('keeps a hand edit made between read and save, then applies the UI edit on top', async () => {
    const path = file('config.yaml', COMMENTED);
    const { m, changes } = await manager(path);
    writeFileSync(path, readFileSync(path, 'utf8').replace('concurrency: 4 # laptop on battery', 'concurrency: 8 # mains power') + '  - name: hand-added # by hand\n');
    await m.update((c) => {
      c.targets!.push({ name: 'from-ui' });
    });
    const text = readFileSync(path, 'utf8');
    expect(text).toContain('concurrency: 8 # mains power');
    expect(text).toContain('  - name: hand-added # by hand\n  - name: from-ui\n');
    expect(m.current.targets!.map((t) => t.name)).toEqual(['web1', 'hand-added', 'from-ui']);
    expect(changes.at(-1)!.settings!.concurrency).toBe(8);
  });

  it('loses neither of two edits made at once, in one manager or in two sharing the file', async () => {
    const path = file('config.yaml', 'version: 1\ntargets: []\n');
    const a = await manager(path);
    const b = await manager(path);
    await Promise.all([
      a.m.update((c) => void c.targets!.push({ name: 'a1' })),
      a.m.update((c) => void c.targets!.push({ name: 'a2' })),
    ]);
    // b read the file before a's edits: its edit is applied to what is there now.
    await b.m.update((c) => void c.targets!.push({ name: 'b1' }));
    expect(b.m.current.targets!.map((t) => t.name)).toEqual(['a1', 'a2', 'b1']);
    await a.m.update((c) => void c.targets!.push({ name: 'a3' }));
    expect((await new FileConfigStore(path).load()) as KaavanConfig).toMatchObject({ targets: [{ name: 'a1' }, { name: 'a2' }, { name: 'b1' }, { name: 'a3' }] });
  });

  it('refuses a UI edit while a hand edit left the file invalid, and leaves the file alone', async () => {
    const path = file('config.yaml', COMMENTED);
    const { m } = await manager(path);
    const broken = COMMENTED.replace('interval: 30s', 'interval: soon');
    writeFileSync(path, broken);
    const error = await m.update((c) => void c.targets!.push({ name: 'x' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'conflict', issues: [{ path: 'targets.0.checks.0.interval', message: expect.stringContaining('"soon" is not a duration') }] });
    expect(readFileSync(path, 'utf8')).toBe(broken);
  });
});

describe('ConfigManager reload and watching', () => {
  it('applies a valid reload, reports an invalid one and keeps the running config', async () => {
    const path = file('config.yaml', 'version: 1\n');
    const invalid: FieldIssue[][] = [];
    const { m, changes } = await manager(path, (issues) => invalid.push(issues));
    writeFileSync(path, 'version: 1\ntargets: [{ name: a }]\n');
    expect(await m.reload()).toEqual({ ok: true, changed: true });
    expect(changes.map((c) => c.targets?.length)).toEqual([1]);
    expect(await m.reload()).toEqual({ ok: true, changed: false });
    writeFileSync(path, 'version: 1\ntargets: [{ name: a, intervall: 1 }]\n');
    const bad = await m.reload();
    expect(bad).toEqual({ ok: false, issues: [{ path: 'targets.0.intervall', message: expect.stringContaining('unknown field "intervall"') }] });
    // The caller of reload() reports the issues; onInvalid is for edits found by watching.
    expect(invalid).toEqual([]);
    expect(m.current.targets).toEqual([{ name: 'a' }]);
    rmSync(path);
    expect((await m.reload()).ok).toBe(false);
    expect(m.current.targets).toEqual([{ name: 'a' }]);
  });

  it('picks up hand edits written in place or by rename (as editors do), and reports invalid ones', async () => {
    const path = file('config.yaml', 'version: 1\n');
    const invalid: FieldIssue[][] = [];
    const { m, changes } = await manager(path, (issues) => invalid.push(issues));
    m.startWatching();
    try {
      writeFileSync(path, 'version: 1\ntargets: [{ name: in-place }]\n');
      await vi.waitFor(() => expect(changes.at(-1)?.targets).toEqual([{ name: 'in-place' }]), { timeout: 5000 });
      const temp = `${path}.swp`;
      writeFileSync(temp, 'version: 1\ntargets: [{ name: renamed }]\n');
      renameSync(temp, path);
      await vi.waitFor(() => expect(changes.at(-1)?.targets).toEqual([{ name: 'renamed' }]), { timeout: 5000 });
      writeFileSync(path, 'version: 1\ntargets: [{ name: "" }]\n');
      await vi.waitFor(() => expect(invalid).toEqual([[{ path: 'targets.0.name', message: 'must not be empty' }]]), { timeout: 5000 });
      expect(m.current.targets).toEqual([{ name: 'renamed' }]);
    } finally {
      m.stopWatching();
    }
  });
});
