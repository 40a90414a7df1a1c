// The status report (#/report): the LAYA seed's periodic summary over a chosen window — per target
// status, uptime and failures, the incidents, the slowest checks and the disk forecasts. Built by
// the same core function as `kaavan report` (core/report/report.ts), through statusReport.
import { useState } from 'react';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { formatMs, formatPercent, humanDuration, shortDateTime } from '../lib/format';
import { Icon } from '../components/icons';
import { Badge, StatusBadge } from '../components/status';
import '../styles/host.css';

const RANGES = [
  { key: '1h', label: '1 hour', ms: 3_600_000 },
  { key: '24h', label: '24 hours', ms: 86_400_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { key: '30d', label: '30 days', ms: 30 * 86_400_000 },
] as const;

export function ReportScreen() {
  const client = useApp((s) => s.client)!;
  const [range, setRange] = useState<(typeof RANGES)[number]['key']>('24h');
  // Refreshed every minute while open.
  const minute = useNow(60_000);
  const windowMs = RANGES.find((r) => r.key === range)!.ms;
  const report = useLoader(() => client.statusReport({ sinceMs: Date.now() - windowMs }), [client, windowMs, minute]);
  const r = report.data;

  return (
    <div className="screen" data-testid="report-screen">
      <div className="page-header">
        <div>
          <h1>Status report</h1>
          <p className="page-subtitle">{r ? `From ${shortDateTime(r.since)} to ${shortDateTime(r.generatedAt)}` : 'Per target status, uptime, incidents, slowest checks and disk forecasts.'}</p>
        </div>
        <div className="report-range" role="group" aria-label="Window">
          {RANGES.map((item) => (
            <button key={item.key} type="button" className={`btn btn-sm${item.key === range ? ' btn-primary' : ''}`} aria-pressed={item.key === range} onClick={() => setRange(item.key)} data-testid={`report-range-${item.key}`}>
              {item.label}
            </button>
          ))}
          <button type="button" className="btn btn-sm btn-ghost" onClick={report.reload} aria-label="Refresh the report">
            <Icon name="refresh" size={14} />
          </button>
        </div>
      </div>
      {report.error && (
        <p className="form-error" role="alert">
          {report.error}
        </p>
      )}
      {r && (
        <div className="stack">
          <div className="report-tiles">
            <Tile label="Uptime" value={formatPercent(r.summary.uptime)} testId="report-uptime" />
            <Tile label="Checks up" value={`${r.summary.counts.up}/${r.summary.checks}`} />
            <Tile label="Down" value={String(r.summary.counts.down)} />
            <Tile label="Degraded" value={String(r.summary.counts.degraded)} />
            <Tile label={r.summary.openIncidents ? `Incidents (${r.summary.openIncidents} open)` : 'Incidents'} value={String(r.summary.incidents)} testId="report-incidents" />
          </div>

          <section className="card report-section" aria-labelledby="report-targets">
            <h2 id="report-targets">Targets</h2>
            {r.targets.length === 0 ? (
              <p className="muted">No targets yet.</p>
            ) : (
              <table className="table table-compact" data-testid="report-targets">
                <thead>
                  <tr>
                    <th scope="col">Target</th>
                    <th scope="col">Status</th>
                    <th scope="col" className="num">
                      Uptime
                    </th>
                    <th scope="col" className="num">
                      Failures
                    </th>
                    <th scope="col">Score</th>
                  </tr>
                </thead>
                <tbody>
                  {r.targets.map((t) => (
                    <tr key={t.name} data-target={t.name}>
                      <td>
                        <strong>{t.name}</strong>
                        {t.inMaintenance && <span className="tag">in maintenance</span>}
                        {t.problems.length > 0 && (
                          <ul className="report-problems">
                            {t.problems.map((p) => (
                              <li key={p.check}>
                                {p.check}: {p.message ?? p.status}
                              </li>
                            ))}
                          </ul>
                        )}
                      </td>
                      <td>
                        <StatusBadge status={t.status} size="sm" />
                      </td>
                      <td className="num">{formatPercent(t.uptime)}</td>
                      <td className="num">
                        {t.failures}/{t.probes}
                      </td>
                      <td>{t.health?.score != null ? `${t.health.score.toFixed(2)} ${t.health.band ?? ''}` : <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <section className="card report-section" aria-labelledby="report-incidents-title">
            <h2 id="report-incidents-title">Incidents</h2>
            {r.incidents.length === 0 ? (
              <p className="muted">None in this window.</p>
            ) : (
              <table className="table table-compact" data-testid="report-incident-list">
                <thead>
                  <tr>
                    <th scope="col">What</th>
                    <th scope="col">Opened</th>
                    <th scope="col">Lasted</th>
                    <th scope="col">State</th>
                  </tr>
                </thead>
                <tbody>
                  {r.incidents.map((i) => (
                    <tr key={i.id}>
                      <td>
                        <a href={`#/alerts/${i.id}`}>
                          {i.target} / {i.check}
                        </a>
                        <div className="muted cell-wrap">{i.title}</div>
                      </td>
                      <td className="nowrap">{shortDateTime(i.openedAt)}</td>
                      <td className="nowrap">{humanDuration(i.durationMs)}</td>
                      <td>{i.state === 'resolved' ? <Badge tone="muted" icon="check" label="resolved" size="sm" /> : <Badge tone="danger" icon="alert" label={i.state} size="sm" />}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>

          <div className="host-grid">
            <section className="card report-section" aria-labelledby="report-slowest">
              <h2 id="report-slowest">Slowest checks</h2>
              {r.slowest.length === 0 ? (
                <p className="muted">No latencies measured yet.</p>
              ) : (
                <table className="table table-compact">
                  <thead>
                    <tr>
                      <th scope="col">Check</th>
                      <th scope="col" className="num">
                        Mean
                      </th>
                      <th scope="col" className="num">
                        Uptime
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.slowest.map((c) => (
                      <tr key={`${c.target}/${c.check}`}>
                        <td className="cell-wrap">
                          {c.target} / {c.check} <span className="muted">({c.kind})</span>
                        </td>
                        <td className="num">{formatMs(c.meanLatencyMs)}</td>
                        <td className="num">{formatPercent(c.uptime)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
            <section className="card report-section" aria-labelledby="report-disks">
              <h2 id="report-disks">Disk forecasts</h2>
              {r.diskForecasts.length === 0 ? (
                <p className="muted">No disk checks.</p>
              ) : (
                <table className="table table-compact" data-testid="report-disks">
                  <thead>
                    <tr>
                      <th scope="col">Disk</th>
                      <th scope="col" className="num">
                        Used
                      </th>
                      <th scope="col">Forecast</th>
                    </tr>
                  </thead>
                  <tbody>
                    {r.diskForecasts.map((d) => (
                      <tr key={`${d.target}/${d.check}`}>
                        <td className="cell-wrap">
                          {d.target} / {d.check}
                        </td>
                        <td className="num">{d.usedPercent === null ? '—' : `${d.usedPercent}%`}</td>
                        <td>{d.daysUntilFull === null ? <span className="muted">not filling up</span> : `full in ${d.daysUntilFull} days`}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </section>
          </div>
        </div>
      )}
    </div>
  );
}

function Tile({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="card report-tile" data-testid={testId}>
      <div className="report-tile-value">{value}</div>
      <div className="report-tile-label">{label}</div>
    </div>
  );
}
