// A stored configuration that no longer validates (hand-edited, or from a newer version) must not
// crash the app: the user is told why and may start again from the demo, keeping a copy of the file.
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fakeApp, fakeDialog } from './fake-electron.js';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron.js');
  return { ...fakeElectron, default: fakeElectron };
});

const root = new URL('../../', import.meta.url).pathname;
const temp = mkdtempSync(join(tmpdir(), 'kaavan-shell-invalid-'));
const dataDir = join(temp, 'data');
const appDir = join(temp, 'app');

afterAll(async () => {
  if (!fakeApp.finished) fakeApp.quit();
  await vi.waitFor(() => expect(fakeApp.finished).toBe(true), { timeout: 10_000 });
  delete process.env.KAAVAN_E2E;
  delete process.env.KAAVAN_DATA;
  delete globalThis.__kaavanTest;
  rmSync(temp, { recursive: true, force: true });
});

describe('invalid stored configuration', () => {
  it('explains the problem, keeps a copy and starts again from the demo configuration', async () => {
    mkdirSync(join(appDir, 'resources'), { recursive: true });
    cpSync(join(root, 'resources', 'tray'), join(appDir, 'resources', 'tray'), { recursive: true });
    writeFileSync(join(appDir, 'resources', 'demo-config.yaml'), 'version: 1\ntargets:\n  - name: demo\n    checks: []\n');
    mkdirSync(dataDir, { recursive: true });
    const broken = 'version: 1\ntargets:\n  - name: web1\n    checks: [{ name: x, kind: http, url: not a url }]\n';
    writeFileSync(join(dataDir, 'config.yaml'), broken);

    fakeApp.appPath = appDir;
    fakeApp.paths.set('appData', join(temp, 'appData'));
    process.env.KAAVAN_E2E = '1';
    process.env.KAAVAN_DATA = dataDir;
    fakeDialog.answer = 0; // "Start from the demo configuration"

    const { runShell } = await import('../../src-main/shell/app.js');
    runShell();
    await vi.waitFor(() => expect(globalThis.__kaavanTest?.ready).toBe(true), { timeout: 15_000, interval: 20 });

    expect(fakeDialog.boxes).toHaveLength(1);
    const box = fakeDialog.boxes[0] as { message: string; detail: string; buttons: string[] };
    expect(box.message).toMatch(/cannot use its saved configuration/);
    expect(box.detail).toContain('targets.0.checks.0.url');
    expect(box.buttons).toEqual(['Start from the demo configuration', 'Quit']);

    const copies = readdirSync(dataDir).filter((f) => f.startsWith('config.invalid-'));
    expect(copies).toHaveLength(1);
    expect(copies).toEqual([expect.stringMatching(/^config\.invalid-.*\.yaml$/)]);
    expect(readFileSync(join(dataDir, copies[0]!), 'utf8')).toBe(broken);
    expect(readFileSync(join(dataDir, 'config.yaml'), 'utf8')).toBe('version: 1\ntargets:\n  - name: demo\n    checks: []\n');
    // The log file says what happened and where the old settings went.
    const log = readFileSync(join(dataDir, 'logs', 'kaavan.log'), 'utf8');
    expect(log).toContain(`kept the previous settings as ${join(dataDir, copies[0]!)}`);
    expect(fakeDialog.errors).toEqual([]);
    expect(fakeApp.exited).toBeNull();
  });
});
