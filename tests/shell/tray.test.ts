// The tray as Electron sees it (recording stand-in): icon file, tooltip and menu follow the servers'
// status and Kaavan's own health, with the icons shipped in resources/tray.
import { describe, expect, it, vi } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { KaavanHealth, Overview } from '../../src-main/core/model.js';
import { FakeTray } from './fake-electron.js';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron.js');
  return { ...fakeElectron, default: fakeElectron };
});

const { KaavanTray } = await import('../../src-main/shell/tray.js');
const iconDir = new URL('../../resources/tray', import.meta.url).pathname;

const overview = (level: Overview['level'], down = 0): Overview => ({
  paused: false,
  level,
  counts: { pending: 0, up: 2 - down, degraded: 0, down, paused: 0 },
  openAlerts: down,
  targets: [],
  generatedAt: 0,
});
const storeProblem: KaavanHealth = {
  ok: false,
  problems: [{ code: 'store-write-failed', message: 'cannot write its database', since: 0, count: 3 }],
  generatedAt: 0,
};
const healthy: KaavanHealth = { ok: true, problems: [], generatedAt: 0 };

describe('tray', () => {
  it('goes amber with a problem line while Kaavan cannot write its database, and back when it can', () => {
    const tray = new KaavanTray(iconDir, () => undefined);
    const fake = FakeTray.all.at(-1)!;
    const labels = () => fake.menu!.template.map((i) => String(i.label ?? i.type));

    tray.update(overview('ok'));
    expect(fake.image.path).toBe(join(iconDir, 'ok.png'));
    expect(fake.tooltip).toBe('Kaavan — 2 up');

    tray.setHealth(storeProblem);
    expect(fake.image.path).toBe(join(iconDir, 'warning.png'));
    expect(existsSync(fake.image.path)).toBe(true);
    expect(fake.tooltip).toBe('Kaavan problem: cannot write its database · 2 up');
    expect(labels()[0]).toBe('⚠  Kaavan problem: cannot write its database');

    // A server down is still red: the worse news wins the icon, the problem stays in the menu.
    tray.update(overview('error', 1));
    expect(fake.image.path).toBe(join(iconDir, 'error.png'));
    expect(labels()[0]).toBe('⚠  Kaavan problem: cannot write its database');

    tray.update(overview('ok'));
    tray.setHealth(healthy);
    expect(fake.image.path).toBe(join(iconDir, 'ok.png'));
    expect(fake.tooltip).toBe('Kaavan — 2 up');
    expect(labels().some((l) => l.includes('problem'))).toBe(false);
    tray.destroy();
    expect(fake.destroyed).toBe(true);
  });
});
