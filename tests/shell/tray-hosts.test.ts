// The hosts issue's part of the tray: the lowest health score and maintenance, in the tooltip and menu.
import { describe, expect, it } from 'vitest';
import type { CheckView, HealthScoreView, Overview, TargetView } from '../../src-main/core/model.js';
import { hostsTooltipText, trayMenu, trayTooltip } from '../../src-main/shell/tray-model.js';
import { healthScore } from '../../src-main/core/health/health-score.js';

function target(name: string, health: HealthScoreView | undefined, maintenance: TargetView['maintenance'] = null): TargetView {
  const check: CheckView = {
    id: 1, targetId: 1, target: name, name: 'disk', kind: 'disk', describe: '/', enabled: true, status: 'up', since: 0, lastResult: null,
    failStreak: 0, retries: 1, intervalMs: 60_000, stats24h: { uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 }, recentLatency: [],
  };
  return { id: 1, name, tags: [], status: 'up', checks: [check], ...(health ? { health } : {}), maintenance };
}
const overview = (targets: TargetView[]): Overview => ({
  paused: false, level: 'ok', counts: { up: targets.length, degraded: 0, down: 0, pending: 0, paused: 0 }, openAlerts: 0, targets, generatedAt: 0,
});

describe('tray: health score and maintenance', () => {
  it('shows the lowest health score, naming the target when there are several', () => {
    const good = healthScore([{ kind: 'disk', weight: 1, status: 'up' }]);
    const poor = healthScore([{ kind: 'files', weight: 1, status: 'down' }, { kind: 'disk', weight: 1, status: 'up' }, { kind: 'http', weight: 1, status: 'up' }]);
    expect(hostsTooltipText(overview([target('web1', good)]))).toBe('health 1.00 (excellent)');
    expect(trayTooltip(overview([target('web1', good), target('web2', poor)]))).toBe('Kaavan — 2 up · health web2 0.67 (poor)');
  });

  it('says who is in maintenance, in the tooltip and next to the target in the menu', () => {
    const window = { until: Date.parse('2026-11-24T03:00:00Z'), reason: 'kernel upgrade' };
    const o = overview([target('web1', undefined, window), target('web2', undefined)]);
    expect(trayTooltip(o)).toBe('Kaavan — 2 up · web1 in maintenance');
    expect(trayMenu(o).filter((i) => i.type === 'submenu').map((i) => (i.type === 'submenu' ? i.label : ''))).toEqual(['●  web1 — up · in maintenance', '●  web2 — up']);
    expect(hostsTooltipText(overview([target('a', undefined, window), target('b', undefined, window)]))).toBe('2 targets in maintenance');
    expect(hostsTooltipText(overview([target('a', undefined)]))).toBeNull();
  });
});
