import { describe, expect, it } from 'vitest';
import type { CheckStatus, CheckView, KaavanHealth, Overview, TargetView } from '../../src-main/core/model.js';
import {
  TOOLTIP_MAX,
  countsText,
  escapeMenuLabel,
  sameMenu,
  trayIconFor,
  trayMenu,
  trayModel,
  trayTooltip,
  type TrayMenuItem,
} from '../../src-main/shell/tray-model.js';

function check(target: string, name: string, status: CheckStatus): CheckView {
  return {
    id: 0,
    targetId: 0,
    target,
    name,
    kind: 'http',
    describe: `GET https://${name}`,
    enabled: status !== 'paused',
    status,
    since: 0,
    lastResult: null,
    failStreak: 0,
    retries: 2,
    intervalMs: 30_000,
    stats24h: { uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 },
    recentLatency: [],
  };
}

function overview(targets: Array<[string, CheckStatus, Array<[string, CheckStatus]>]>, extra: Partial<Overview> = {}): Overview {
  const counts: Record<CheckStatus, number> = { pending: 0, up: 0, degraded: 0, down: 0, paused: 0 };
  const views: TargetView[] = targets.map(([name, status, checks]) => {
    for (const [, s] of checks) counts[s]++;
    return { id: 0, name, tags: [], status, checks: checks.map(([c, s]) => check(name, c, s)) };
  });
  return { paused: false, level: 'ok', counts, openAlerts: 0, targets: views, generatedAt: 0, ...extra };
}

const labels = (items: TrayMenuItem[]) => items.map((i) => (i.type === 'separator' ? '---' : i.label));

describe('tray icon', () => {
  it('follows the overall level', () => {
    expect(trayIconFor(overview([], { level: 'ok' }))).toBe('ok');
    expect(trayIconFor(overview([], { level: 'warning' }))).toBe('warning');
    expect(trayIconFor(overview([], { level: 'error' }))).toBe('error');
    expect(trayIconFor(overview([], { level: 'idle' }))).toBe('idle');
  });

  it('is grey while paused, whatever the level, and before the first overview', () => {
    expect(trayIconFor(overview([], { level: 'error', paused: true }))).toBe('idle');
    expect(trayIconFor(null)).toBe('idle');
  });
});

describe('tray tooltip', () => {
  it('counts checks by status, leaving zero counts out', () => {
    const o = overview([
      ['web1', 'down', [['a', 'up'], ['b', 'up'], ['c', 'down']]],
      ['web2', 'degraded', [['d', 'up'], ['e', 'up'], ['f', 'up'], ['g', 'degraded']]],
    ]);
    expect(trayTooltip(o)).toBe('Kaavan — 5 up, 1 degraded, 1 down');
    expect(countsText({ up: 0, degraded: 0, down: 2, pending: 1, paused: 0 })).toBe('2 down, 1 pending');
  });

  it('mentions open alerts', () => {
    const o = overview([['web1', 'down', [['a', 'down']]]], { openAlerts: 2 });
    expect(trayTooltip(o)).toBe('Kaavan — 1 down · 2 open alerts');
    expect(trayTooltip({ ...o, openAlerts: 1 })).toBe('Kaavan — 1 down · 1 open alert');
  });

  it('says when paused, when empty and while starting', () => {
    const paused = overview([['web1', 'paused', [['a', 'paused'], ['b', 'paused']]]], { paused: true });
    expect(trayTooltip(paused)).toBe('Kaavan — monitoring paused (2 checks)');
    expect(trayTooltip(overview([]))).toBe('Kaavan — nothing to watch yet');
    expect(trayTooltip(null)).toBe('Kaavan — starting…');
  });

  it('never exceeds the Windows tooltip limit', () => {
    const many = overview([['t', 'up', [['a', 'up']]]], {
      counts: { up: 1e12, degraded: 1e12, down: 1e12, pending: 1e12, paused: 1e12 },
      openAlerts: 1e15,
    });
    const text = trayTooltip(many);
    expect(text.length).toBeLessThanOrEqual(TOOLTIP_MAX);
    expect(text.endsWith('…')).toBe(true);
  });
});

describe('tray menu', () => {
  it('lists each target with a submenu of its checks, then the actions', () => {
    const menu = trayMenu(
      overview([
        ['example-web', 'degraded', [['example.com', 'up'], ['iana.org', 'degraded']]],
        ['public-dns', 'down', [['cloudflare', 'down']]],
      ]),
    );
    expect(labels(menu)).toEqual([
      '▲  example-web — degraded',
      '✕  public-dns — down',
      '---',
      'Open dashboard',
      'Pause monitoring',
      '---',
      'Quit Kaavan',
    ]);
    const first = menu[0]!;
    expect(first.type).toBe('submenu');
    if (first.type !== 'submenu') return;
    expect(labels(first.items)).toEqual(['●  example.com — up', '▲  iana.org — degraded']);
    expect(first.items.every((i) => i.type === 'label')).toBe(true);
  });

  it('offers Resume while paused and maps actions', () => {
    const menu = trayMenu(overview([['web1', 'paused', [['a', 'paused']]]], { paused: true }));
    const actions = menu.flatMap((i) => (i.type === 'action' ? [i.action] : []));
    expect(actions).toEqual(['open-dashboard', 'resume', 'quit']);
    expect(labels(menu)).toContain('Resume monitoring');
  });

  it('handles no targets, targets without checks, and the time before the first overview', () => {
    expect(labels(trayMenu(overview([])))[0]).toBe('No servers configured');
    const empty = trayMenu(overview([['lonely', 'paused', []]]));
    expect(labels(empty)[0]).toBe('lonely — no checks');
    const starting = trayMenu(null);
    expect(labels(starting)).toEqual(['Starting…', '---', 'Open dashboard', '---', 'Quit Kaavan']);
  });

  it('escapes "&" so names are not taken as mnemonics', () => {
    expect(escapeMenuLabel('R&D')).toBe('R&&D');
    const menu = trayMenu(overview([['R&D', 'up', [['a&b', 'up']]]]));
    expect(labels(menu)[0]).toBe('●  R&&D — up');
  });

  it('compares menus structurally so the tray is only rebuilt on visible changes', () => {
    const a = trayModel(overview([['web1', 'up', [['a', 'up']]]]));
    const b = trayModel(overview([['web1', 'up', [['a', 'up']]]], { generatedAt: 99 }));
    const c = trayModel(overview([['web1', 'down', [['a', 'down']]]]));
    expect(sameMenu(a.menu, b.menu)).toBe(true);
    expect(sameMenu(a.menu, c.menu)).toBe(false);
  });
});

describe("Kaavan's own health in the tray", () => {
  const healthy: KaavanHealth = { ok: true, problems: [], generatedAt: 0 };
  const sick = (...messages: string[]): KaavanHealth => ({
    ok: false,
    problems: messages.map((message, i) => ({ code: `p${i}`, message, since: 0, count: 1 })),
    generatedAt: 0,
  });
  const allUp = () => overview([['web1', 'up', [['home', 'up']]]]);
  const oneDown = () => overview([['web1', 'down', [['home', 'down']]]], { level: 'error' });

  it('turns the icon amber for a problem of Kaavan while no server is down; a down server stays red', () => {
    expect(trayIconFor(allUp(), healthy)).toBe('ok');
    expect(trayIconFor(allUp(), sick('cannot write its database'))).toBe('warning');
    expect(trayIconFor(null, sick('cannot write its database'))).toBe('warning');
    expect(trayIconFor(overview([['web1', 'paused', [['home', 'paused']]]], { paused: true }), sick('x'))).toBe('warning');
    expect(trayIconFor(oneDown(), sick('cannot write its database'))).toBe('error');
  });

  it('says what is wrong first in the tooltip, and how many more problems there are', () => {
    expect(trayTooltip(allUp(), healthy)).toBe('Kaavan — 1 up');
    expect(trayTooltip(allUp(), sick('cannot write its database'))).toBe('Kaavan problem: cannot write its database · 1 up');
    expect(trayTooltip(allUp(), sick('cannot write its database', 'too many open files'))).toBe(
      'Kaavan problem: cannot write its database (and 1 more) · 1 up',
    );
    const long = trayTooltip(allUp(), sick('x'.repeat(300)));
    expect(long).toHaveLength(TOOLTIP_MAX);
    expect(long.startsWith('Kaavan problem: xxx')).toBe(true);
  });

  it('lists every problem at the top of the menu', () => {
    const menu = trayMenu(allUp(), sick('cannot write its database', 'alerts & notices are waiting'));
    expect(menu.slice(0, 3)).toEqual([
      { type: 'label', label: '⚠  Kaavan problem: cannot write its database' },
      { type: 'label', label: '⚠  Kaavan problem: alerts && notices are waiting' },
      { type: 'separator' },
    ]);
    expect(trayMenu(allUp(), healthy)).toEqual(trayMenu(allUp()));
  });
});
