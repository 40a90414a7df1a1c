// The status report: one pure function for the UI and `kaavan report`. What a reader relies on:
// problems first, uptime weighted by probes, incidents that overlap the window (and only those),
// the slowest checks, disks soonest full first, and the same figures in the text form.
import { describe, expect, it } from 'vitest';
import { buildReport, formatReportText, formatSpan, type ReportCheckInput } from '../../../src-main/core/report/report';
import type { Alert } from '../../../src-main/core/model';

const NOW = Date.UTC(2026, 10, 23, 12, 0, 0);
const HOUR = 3_600_000;
const SINCE = NOW - 24 * HOUR;

function check(target: string, name: string, over: Partial<ReportCheckInput> = {}): ReportCheckInput {
  return { id: 1, target, name, kind: 'http', enabled: true, status: 'up', probes: 100, down: 0, degraded: 0, meanLatencyMs: 50, message: null, metrics: null, ...over };
}

function alert(id: number, target: string, checkName: string, openedAt: number, resolvedAt: number | null): Alert {
  return {
    id,
    checkId: id,
    key: `check:${target}/${checkName}`,
    target,
    check: checkName,
    severity: 'error',
    state: resolvedAt === null ? 'open' : 'resolved',
    title: `${target} / ${checkName} is down`,
    message: 'connection refused',
    openedAt,
    lastSeenAt: openedAt,
    ackedAt: null,
    ackNote: null,
    resolvedAt,
    resolvedBy: resolvedAt === null ? null : 'auto',
    count: 1,
    metadata: {},
  };
}

describe('buildReport', () => {
  const report = buildReport({
    now: NOW,
    sinceMs: SINCE,
    targets: [
      { name: 'api', checks: [check('api', 'health', { meanLatencyMs: 900 }), check('api', 'tls', { kind: 'tls', meanLatencyMs: 120 })] },
      {
        name: 'web1',
        health: { score: 0.62, band: 'poor', classification: 'WARNING', categories: [] },
        checks: [
          check('web1', 'homepage', { status: 'down', probes: 60, down: 6, message: 'connection refused', meanLatencyMs: 40 }),
          check('web1', 'root', { kind: 'disk', status: 'degraded', metrics: { usedPercent: 85, daysUntilFull: 4.5, daysUntilCritical: 1.2 }, meanLatencyMs: 30 }),
          check('web1', 'data', { kind: 'disk', metrics: { usedPercent: 40 }, meanLatencyMs: 35 }),
          check('web1', 'old', { enabled: false, status: 'paused', probes: 0, meanLatencyMs: null }),
        ],
      },
      { name: 'batch', checks: [check('batch', 'cron', { kind: 'cron', meanLatencyMs: 2000, probes: 10, down: 10, status: 'down', message: 'last run expected at 03:00' })] },
    ],
    alerts: [
      alert(1, 'web1', 'homepage', NOW - 2 * HOUR, null),
      alert(2, 'api', 'health', NOW - 30 * HOUR, NOW - 20 * HOUR), // started before, ended inside the window
      alert(3, 'api', 'health', NOW - 50 * HOUR, NOW - 40 * HOUR), // over before the window
    ],
  });

  it('puts down targets first, then degraded, then the rest by name', () => {
    expect(report.targets.map((t) => [t.name, t.status])).toEqual([
      ['batch', 'down'],
      ['web1', 'down'],
      ['api', 'up'],
    ]);
  });

  it('weights uptime by probes and lists each target’s problems, down first', () => {
    const web1 = report.targets.find((t) => t.name === 'web1')!;
    expect(web1.probes).toBe(260);
    expect(web1.failures).toBe(6);
    expect(web1.uptime).toBeCloseTo(254 / 260);
    expect(web1.problems).toEqual([
      { check: 'homepage', status: 'down', message: 'connection refused' },
      { check: 'root', status: 'degraded', message: null },
    ]);
    expect(web1.health).toEqual({ score: 0.62, band: 'poor', classification: 'WARNING' });
    expect(report.summary.uptime).toBeCloseTo((470 - 16) / 470);
    expect(report.summary.counts).toEqual({ up: 3, degraded: 1, down: 2, pending: 0, paused: 1 });
  });

  it('counts the incidents that overlap the window, with their duration so far', () => {
    expect(report.incidents.map((i) => [i.id, i.state, i.durationMs])).toEqual([
      [1, 'open', 2 * HOUR],
      [2, 'resolved', 10 * HOUR],
    ]);
    expect(report.summary).toMatchObject({ incidents: 2, openIncidents: 1 });
  });

  it('names the slowest checks (enabled ones with a latency) and the disks soonest full first', () => {
    expect(report.slowest.map((s) => `${s.target}/${s.check}`)).toEqual(['batch/cron', 'api/health', 'api/tls', 'web1/homepage', 'web1/data']);
    expect(report.slowest[0]!.uptime).toBe(0);
    expect(report.diskForecasts).toEqual([
      { target: 'web1', check: 'root', usedPercent: 85, daysUntilFull: 4.5, daysUntilCritical: 1.2 },
      { target: 'web1', check: 'data', usedPercent: 40, daysUntilFull: null, daysUntilCritical: null },
    ]);
  });

  it('has no uptime rather than 100% when nothing was probed', () => {
    const empty = buildReport({ now: NOW, sinceMs: SINCE, targets: [{ name: 'new', checks: [check('new', 'x', { probes: 0, status: 'pending', meanLatencyMs: null })] }], alerts: [] });
    expect(empty.targets[0]!.uptime).toBeNull();
    expect(empty.summary.uptime).toBeNull();
    expect(formatReportText(empty)).toContain('Uptime:       —');
  });
});

describe('formatReportText', () => {
  it('reads like the LAYA status report: one line per target, then incidents, slowest checks and disks', () => {
    const text = formatReportText(
      buildReport({
        now: NOW,
        sinceMs: SINCE,
        targets: [{ name: 'web1', checks: [check('web1', 'homepage', { status: 'down', probes: 60, down: 1, message: 'HTTP 503' }), check('web1', 'root', { kind: 'disk', metrics: { usedPercent: 71, daysUntilFull: 12 } })] }],
        alerts: [alert(1, 'web1', 'homepage', NOW - 90_000, NOW - 30_000)],
      }),
    );
    expect(text).toContain('Status report — 24 h from 2026-11-22 12:00 to 2026-11-23 12:00 UTC');
    expect(text).toContain('1 target, 2 checks: 1 up, 0 degraded, 1 down, 0 pending, 0 paused · uptime 99.38% · 1 incident');
    expect(text).toContain('✗ web1   | Status: down     | Uptime:  99.38% | Failures:   1/ 160');
    expect(text).toContain('    ✗ homepage: HTTP 503');
    expect(text).toContain('web1 / homepage: error, opened 2026-11-23 11:58, resolved 2026-11-23 11:59 (1 min)');
    expect(text).toMatch(/web1 \/ root\s+71% used, full in 12 days/);
  });

  it('spans read as a person says them', () => {
    expect([formatSpan(45_000), formatSpan(5 * 60_000), formatSpan(2 * HOUR + 5 * 60_000), formatSpan(50 * HOUR)]).toEqual(['45 s', '5 min', '2 h 5 min', '2 days 2 h']);
  });
});
