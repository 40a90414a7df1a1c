// The status report (the LAYA seed's periodic summary, made a report): per target its status and
// uptime over the window, the incidents in it, the slowest checks and the disk forecasts. One pure
// function builds it for the UI (#/report, through the service) and `kaavan report` alike; the text
// form is for the terminal.
import type { Alert, CheckStatus, HealthScoreView } from '../model.js';

export interface ReportCheckInput {
  id: number;
  target: string;
  name: string;
  kind: string;
  enabled: boolean;
  status: CheckStatus;
  /** Probes in the window, and how many of them failed (down) or were degraded. */
  probes: number;
  down: number;
  degraded: number;
  meanLatencyMs: number | null;
  /** The last probe's message (why it is not up). */
  message: string | null;
  /** The last probe's figures (disk: usedPercent, daysUntilFull, daysUntilCritical). */
  metrics: Record<string, number> | null;
}

export interface ReportTargetInput {
  name: string;
  health?: HealthScoreView | null;
  maintenance?: { until: number | null; reason: string } | null;
  checks: ReportCheckInput[];
}

export interface ReportInput {
  now: number;
  sinceMs: number;
  targets: ReportTargetInput[];
  /** Alerts (any state); those overlapping the window become incidents. */
  alerts: Alert[];
}

export interface ReportTarget {
  name: string;
  status: CheckStatus;
  /** Share of probes not down in the window, 0..1; null without probes. */
  uptime: number | null;
  probes: number;
  failures: number;
  checks: number;
  /** Checks not up (down first), with the reason. */
  problems: Array<{ check: string; status: CheckStatus; message: string | null }>;
  health: { score: number | null; band: HealthScoreView['band']; classification: HealthScoreView['classification'] } | null;
  inMaintenance: boolean;
}

export interface ReportIncident {
  id: number;
  target: string;
  check: string;
  severity: Alert['severity'];
  title: string;
  openedAt: number;
  resolvedAt: number | null;
  /** Until resolved, or until the report's end while still open. */
  durationMs: number;
  state: Alert['state'];
}

export interface StatusReport {
  generatedAt: number;
  since: number;
  summary: {
    targets: number;
    checks: number;
    counts: Record<CheckStatus, number>;
    uptime: number | null;
    incidents: number;
    openIncidents: number;
  };
  targets: ReportTarget[];
  incidents: ReportIncident[];
  slowest: Array<{ target: string; check: string; kind: string; meanLatencyMs: number; uptime: number | null }>;
  diskForecasts: Array<{ target: string; check: string; usedPercent: number | null; daysUntilFull: number | null; daysUntilCritical: number | null }>;
}

const ORDER: Record<CheckStatus, number> = { paused: 0, up: 1, pending: 2, degraded: 3, down: 4 };
const SLOWEST = 5;

function worst(statuses: CheckStatus[]): CheckStatus {
  return statuses.reduce<CheckStatus | null>((w, s) => (w === null || ORDER[s] > ORDER[w] ? s : w), null) ?? 'paused';
}

function uptimeOf(probes: number, down: number): number | null {
  return probes > 0 ? (probes - down) / probes : null;
}

export function buildReport(input: ReportInput): StatusReport {
  const counts: Record<CheckStatus, number> = { pending: 0, up: 0, degraded: 0, down: 0, paused: 0 };
  let probes = 0;
  let down = 0;
  let checks = 0;
  const targets: ReportTarget[] = input.targets.map((t) => {
    const active = t.checks.filter((c) => c.enabled);
    let tProbes = 0;
    let tDown = 0;
    for (const c of t.checks) {
      counts[c.enabled ? c.status : 'paused']++;
      checks++;
      tProbes += c.probes;
      tDown += c.down;
    }
    probes += tProbes;
    down += tDown;
    return {
      name: t.name,
      status: active.length ? worst(active.map((c) => c.status)) : 'paused',
      uptime: uptimeOf(tProbes, tDown),
      probes: tProbes,
      failures: tDown,
      checks: t.checks.length,
      problems: active
        .filter((c) => c.status === 'down' || c.status === 'degraded')
        .sort((a, b) => ORDER[b.status] - ORDER[a.status] || a.name.localeCompare(b.name))
        .map((c) => ({ check: c.name, status: c.status, message: c.message })),
      health: t.health ? { score: t.health.score, band: t.health.band, classification: t.health.classification } : null,
      inMaintenance: Boolean(t.maintenance),
    };
  });
  // Problems first, then by name: the report is read top-down.
  targets.sort((a, b) => ORDER[b.status] - ORDER[a.status] || a.name.localeCompare(b.name));

  const incidents: ReportIncident[] = input.alerts
    .filter((a) => a.openedAt <= input.now && (a.resolvedAt === null || a.resolvedAt >= input.sinceMs))
    .map((a) => ({
      id: a.id,
      target: a.target,
      check: a.check,
      severity: a.severity,
      title: a.title,
      openedAt: a.openedAt,
      resolvedAt: a.resolvedAt,
      durationMs: Math.max(0, (a.resolvedAt ?? input.now) - a.openedAt),
      state: a.state,
    }))
    .sort((a, b) => b.openedAt - a.openedAt);

  const all = input.targets.flatMap((t) => t.checks);
  const slowest = all
    .filter((c) => c.enabled && c.meanLatencyMs !== null)
    .sort((a, b) => b.meanLatencyMs! - a.meanLatencyMs!)
    .slice(0, SLOWEST)
    .map((c) => ({ target: c.target, check: c.name, kind: c.kind, meanLatencyMs: c.meanLatencyMs!, uptime: uptimeOf(c.probes, c.down) }));

  const figure = (m: Record<string, number> | null, key: string) => (m && typeof m[key] === 'number' && Number.isFinite(m[key]) ? m[key] : null);
  const diskForecasts = all
    .filter((c) => c.kind === 'disk' && c.metrics)
    .map((c) => ({ target: c.target, check: c.name, usedPercent: figure(c.metrics, 'usedPercent'), daysUntilFull: figure(c.metrics, 'daysUntilFull'), daysUntilCritical: figure(c.metrics, 'daysUntilCritical') }))
    // Soonest full first; disks with no rising trend last.
    .sort((a, b) => (a.daysUntilFull ?? Infinity) - (b.daysUntilFull ?? Infinity) || (b.usedPercent ?? 0) - (a.usedPercent ?? 0));

  return {
    generatedAt: input.now,
    since: input.sinceMs,
    summary: {
      targets: targets.length,
      checks,
      counts,
      uptime: uptimeOf(probes, down),
      incidents: incidents.length,
      openIncidents: incidents.filter((i) => i.state !== 'resolved').length,
    },
    targets,
    incidents,
    slowest,
    diskForecasts,
  };
}

const MARK: Record<CheckStatus, string> = { up: '✓', degraded: '!', down: '✗', pending: '…', paused: '-' };

export function formatPercent(value: number | null): string {
  if (value === null) return '—';
  const pct = value * 100;
  return `${pct === 100 ? '100' : pct.toFixed(2)}%`;
}

/** "2 h 5 min", "45 s". */
export function formatSpan(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`;
  return `${Math.floor(h / 24)} days${h % 24 ? ` ${h % 24} h` : ''}`;
}

function time(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 16);
}

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** The report as text for a terminal, in the LAYA seed's layout (one line per target, then details). */
export function formatReportText(report: StatusReport): string {
  const rule = '='.repeat(80);
  const s = report.summary;
  const lines = [
    rule,
    `Status report — ${formatSpan(report.generatedAt - report.since)} from ${time(report.since)} to ${time(report.generatedAt)} UTC`,
    rule,
    `${s.targets} target${s.targets === 1 ? '' : 's'}, ${s.checks} check${s.checks === 1 ? '' : 's'}: ${s.counts.up} up, ${s.counts.degraded} degraded, ${s.counts.down} down, ${s.counts.pending} pending, ${s.counts.paused} paused · uptime ${formatPercent(s.uptime)} · ${s.incidents} incident${s.incidents === 1 ? '' : 's'}${s.openIncidents ? ` (${s.openIncidents} open)` : ''}`,
    '',
  ];
  const nameWidth = Math.min(24, Math.max(6, ...report.targets.map((t) => t.name.length)));
  for (const t of report.targets) {
    const score = t.health?.score != null ? ` | Score ${t.health.score.toFixed(2)} ${t.health.band ?? ''}` : '';
    lines.push(
      `${MARK[t.status]} ${pad(t.name, nameWidth)} | Status: ${pad(t.status, 8)} | Uptime: ${formatPercent(t.uptime).padStart(7)} | Failures: ${String(t.failures).padStart(3)}/${String(t.probes).padStart(4)}${score}${t.inMaintenance ? ' | in maintenance' : ''}`,
    );
    for (const p of t.problems) lines.push(`    ${MARK[p.status]} ${p.check}: ${p.message ?? p.status}`);
  }
  if (report.incidents.length) {
    lines.push('', 'Incidents');
    for (const i of report.incidents) {
      const until = i.resolvedAt !== null ? `resolved ${time(i.resolvedAt)}` : 'still open';
      lines.push(`  ${i.target} / ${i.check}: ${i.severity}, opened ${time(i.openedAt)}, ${until} (${formatSpan(i.durationMs)}) — ${i.title}`);
    }
  }
  if (report.slowest.length) {
    lines.push('', 'Slowest checks (mean latency)');
    for (const c of report.slowest) lines.push(`  ${pad(`${c.target} / ${c.check}`, 40)} ${String(Math.round(c.meanLatencyMs)).padStart(6)} ms  uptime ${formatPercent(c.uptime)}`);
  }
  if (report.diskForecasts.length) {
    lines.push('', 'Disk forecasts');
    for (const d of report.diskForecasts) {
      const used = d.usedPercent !== null ? `${d.usedPercent}% used` : 'usage unknown';
      const full = d.daysUntilFull !== null ? `full in ${d.daysUntilFull} days` : 'not filling up';
      lines.push(`  ${pad(`${d.target} / ${d.check}`, 40)} ${used}, ${full}${d.daysUntilCritical !== null ? ` (critical in ${d.daysUntilCritical} days)` : ''}`);
    }
  }
  lines.push(rule, '');
  return lines.join('\n');
}
