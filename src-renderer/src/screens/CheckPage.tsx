// The page of one check (#/checks/<id>): live status, latency chart over a chosen range (mean and
// p95, down / degraded periods shaded), the bar of recent probes, uptime tiles, certificate days
// left, transitions and alerts, the check's settings, and its actions (run, pause, edit, clone,
// delete). The status comes live from the overview; the rest is fetched and refreshed on changes.
import { useMemo, useState } from 'react';
import type { CheckView } from '../../../src-main/core/model';
import type { CheckConfig, CheckDetail, SeriesRange } from '../../../src-main/core/api/service';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { navigate } from '../lib/router';
import { dateTime, formatMs, formatPercent, humanDuration, plural, shortDateTime } from '../lib/format';
import { errorMessage } from '../client/client';
import { Icon } from '../components/icons';
import { ALERT_STATE_META, Badge, STATUS_META, StatusBadge, StatusDot } from '../components/status';
import { ConfirmDialog } from '../components/Dialog';
import { TimeSeriesChart } from '../components/charts/TimeSeriesChart';
import { ProbeBar } from '../components/charts/ProbeBar';
import { RANGES, chartData } from '../components/charts/series-data';
import { CheckDialog } from './CheckDialog';
import '../styles/pages.css';
import '../styles/forms.css';

const RANGE_KEY = 'kaavan.checkPage.range';

function readRange(): SeriesRange {
  try {
    const stored = localStorage.getItem(RANGE_KEY);
    if (RANGES.some((r) => r.range === stored)) return stored as SeriesRange;
  } catch {
    // storage disabled
  }
  return '24h';
}

/** The live view of a check from the overview (updated by events), or null when it is not there. */
function useLiveCheck(id: number): CheckView | null {
  return useApp((s) => {
    for (const t of s.overview?.targets ?? []) {
      const found = t.checks.find((c) => c.id === id);
      if (found) return found;
    }
    return null;
  });
}

export function CheckPageScreen({ id }: { id: number }) {
  const client = useApp((s) => s.client)!;
  const alertsRevision = useApp((s) => s.alertsRevision);
  const configRevision = useApp((s) => s.configRevision);
  const live = useLiveCheck(id);
  // Transitions, uptime and the probe bar move with the results: refetch after a new one, at most
  // every 5 s (a 1 s check would otherwise replay its raw history every second).
  const resultTick = Math.floor((live?.lastResult?.at ?? 0) / 5000);
  const detail = useLoader(() => client.checkDetail({ id }), [client, id, alertsRevision, configRevision, resultTick]);

  if (detail.error && !detail.data) {
    return (
      <div className="screen">
        <a href="#/" className="back-link">
          <Icon name="arrow-left" size={14} /> Dashboard
        </a>
        <div className="empty-state card" role="alert" data-testid="check-page-missing">
          <h1>Check not available</h1>
          <p>{detail.error}</p>
        </div>
      </div>
    );
  }
  if (!detail.data) {
    return (
      <div className="loading" role="status">
        <span className="spinner" aria-hidden="true" /> Loading check&hellip;
      </div>
    );
  }
  return <CheckPageBody detail={detail.data} view={live ?? detail.data.view} reload={detail.reload} />;
}

function CheckPageBody({ detail, view, reload }: { detail: CheckDetail; view: CheckView; reload: () => void }) {
  const now = useNow(10_000);
  const certDays = view.lastResult?.metrics?.certDaysLeft;
  return (
    <div className="screen check-page" data-testid="check-page" data-check={view.name} data-status={view.status}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/">Dashboard</a>
        <span aria-hidden="true">/</span>
        <a href={`#/targets/${view.targetId}`} data-testid="target-link">
          {view.target}
        </a>
      </nav>
      <div className="page-header page-header-wrap">
        <div className="page-heading">
          <h1>{view.name}</h1>
          <div className="badge-row">
            <StatusBadge status={view.status} testId="check-page-status" />
            {view.since !== null && view.enabled && <span className="muted">for {humanDuration(Math.max(0, now - view.since))}</span>}
            <span className="kind-chip">{view.kind.toUpperCase()}</span>
            <span className="mono muted cell-truncate" title={view.describe}>
              {view.describe}
            </span>
          </div>
          <p className="check-page-message" data-testid="check-page-message">
            {view.lastResult ? view.lastResult.message : view.enabled ? 'Waiting for the first result\u2026' : 'This check is paused.'}
          </p>
        </div>
        <CheckActions view={view} config={detail.config} derived={detail.derivedFrom !== null} onChanged={reload} />
      </div>
      {detail.derivedFrom && (
        <p className="check-page-derived muted" data-testid="check-derived">
          <Icon name="info" size={14} />
          <span>
            Derived from backup job <strong>{detail.derivedFrom.backupJob}</strong> — edit it on the <a href="#/backups">Backups page</a>.
          </span>
        </p>
      )}

      <section className="tiles" aria-label="Figures">
        <Tile label="Uptime 24 h" value={formatPercent(detail.uptime.h24)} testId="uptime-24h" />
        <Tile label="Uptime 7 d" value={formatPercent(detail.uptime.d7)} testId="uptime-7d" />
        <Tile label="Uptime 30 d" value={formatPercent(detail.uptime.d30)} testId="uptime-30d" />
        <Tile label="Mean 24 h" value={formatMs(view.stats24h.meanLatencyMs)} />
        <Tile label="p95 24 h" value={formatMs(view.stats24h.p95LatencyMs)} />
        {certDays !== undefined && (
          <Tile
            label="Certificate"
            value={certDays < 0 ? 'expired' : `${plural(certDays, 'day')} left`}
            tone={certDays < ((detail.config as { criticalDays?: number }).criticalDays ?? 7) ? 'danger' : certDays < ((detail.config as { warnDays?: number }).warnDays ?? 14) ? 'warn' : undefined}
            testId="cert-days"
          />
        )}
      </section>

      <LatencyCard id={view.id} name={view.name} lastAt={view.lastResult?.at ?? 0} />

      <section className="card" aria-labelledby="probes-heading">
        <div className="card-title-row">
          <h2 id="probes-heading" className="card-title">
            Recent probes
          </h2>
          <span className="muted">every {humanDuration(view.intervalMs)}</span>
        </div>
        <ProbeBar points={detail.recent} testId="probe-bar" />
      </section>

      <div className="detail-grid">
        <TransitionsCard transitions={detail.transitions} now={now} />
        <AlertsCard alerts={detail.alerts} now={now} />
      </div>

      <SettingsCard config={detail.config} view={view} />
    </div>
  );
}

function Tile({ label, value, tone, testId }: { label: string; value: string; tone?: 'warn' | 'danger'; testId?: string }) {
  return (
    <div className={`tile${tone ? ` tile-${tone}` : ''}`} data-testid={testId}>
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
    </div>
  );
}

function LatencyCard({ id, name, lastAt }: { id: number; name: string; lastAt: number }) {
  const client = useApp((s) => s.client)!;
  const [range, setRangeState] = useState<SeriesRange>(readRange);
  const setRange = (next: SeriesRange) => {
    setRangeState(next);
    try {
      localStorage.setItem(RANGE_KEY, next);
    } catch {
      // storage disabled
    }
  };
  // The 1 h chart follows every probe; longer ranges refresh at most once a minute.
  const refreshKey = range === '1h' ? lastAt : Math.floor(lastAt / 60_000);
  const series = useLoader(() => client.checkSeries({ id, range }), [client, id, range, refreshKey]);
  const data = useMemo(() => (series.data && series.data.range === range ? chartData(series.data) : null), [series.data, range]);
  const rangeMs = RANGES.find((r) => r.range === range)!.ms;
  const end = series.data ? Math.max(Date.now(), lastAt) : 0;
  const lines = useMemo(
    () =>
      data
        ? [
            { label: range === '1h' ? 'Latency' : 'Mean', values: data.mean, color: '--accent', width: 1.5, fill: true },
            ...(data.hasP95 ? [{ label: range === '24h' || range === '7d' ? 'p95 (hourly)' : 'p95', values: data.p95, color: '--warn-strong', width: 1.25, dash: [4, 3] }] : []),
          ]
        : [],
    [data, range],
  );
  return (
    <section className="card chart-card" aria-labelledby="latency-heading">
      <div className="card-title-row">
        <h2 id="latency-heading" className="card-title">
          Latency
        </h2>
        <div className="range-picker" role="group" aria-label="Time range">
          {RANGES.map((r) => (
            <button
              key={r.range}
              type="button"
              className={`range-item${r.range === range ? ' active' : ''}`}
              aria-pressed={r.range === range}
              onClick={() => setRange(r.range)}
              data-testid={`range-${r.range}`}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      {series.error && <p className="form-error">{series.error}</p>}
      {data ? (
        <>
          <TimeSeriesChart
            times={data.times}
            series={lines}
            bands={data.bands}
            xRange={[end - rangeMs, end]}
            height={240}
            ariaLabel={`Latency of ${name} over the last ${RANGES.find((r) => r.range === range)!.label}`}
            testId="latency-chart"
          />
          <p className="chart-note muted" data-testid="chart-note" data-range={range}>
            {data.times.length === 0
              ? 'No probes in this range yet.'
              : `${plural(series.data!.points.length, range === '1h' ? 'probe' : 'bucket')}${range === '1h' ? '' : ` of ${humanDuration(series.data!.bucketMs)}`}. Red: down, amber: degraded.`}
          </p>
        </>
      ) : (
        <div className="chart-placeholder loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading chart&hellip;
        </div>
      )}
    </section>
  );
}

const COLLAPSED = 8;

function TransitionsCard({ transitions, now }: { transitions: CheckDetail['transitions']; now: number }) {
  const [all, setAll] = useState(false);
  const shown = all ? transitions : transitions.slice(0, COLLAPSED);
  return (
    <section className="card" aria-labelledby="transitions-heading">
      <h2 id="transitions-heading" className="card-title">
        Status changes
      </h2>
      {transitions.length === 0 ? (
        <p className="card-empty">No status changes in the stored history.</p>
      ) : (
        <ol className="timeline" data-testid="transitions">
          {shown.map((t) => (
            <li key={`${t.at}-${t.to}`} className="timeline-item" data-testid="transition" data-to={t.to}>
              <StatusDot status={t.to} />
              <div className="timeline-body">
                <div className="timeline-head">
                  <strong>
                    {STATUS_META[t.from].label} &rarr; {STATUS_META[t.to].label}
                  </strong>
                  <time dateTime={new Date(t.at).toISOString()} title={dateTime(t.at)} className="muted">
                    {shortDateTime(t.at, now)}
                  </time>
                </div>
                <div className="timeline-text">{t.message}</div>
              </div>
            </li>
          ))}
        </ol>
      )}
      {transitions.length > COLLAPSED && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? 'Show fewer' : `Show all ${transitions.length}`}
        </button>
      )}
    </section>
  );
}

function AlertsCard({ alerts, now }: { alerts: CheckDetail['alerts']; now: number }) {
  const [all, setAll] = useState(false);
  const shown = all ? alerts : alerts.slice(0, COLLAPSED);
  return (
    <section className="card" aria-labelledby="check-alerts-heading">
      <h2 id="check-alerts-heading" className="card-title">
        Alerts
      </h2>
      {alerts.length === 0 ? (
        <p className="card-empty">This check has raised no alerts.</p>
      ) : (
        <ul className="link-list" data-testid="check-alerts">
          {shown.map((a) => {
            const st = ALERT_STATE_META[a.state];
            return (
              <li key={a.id}>
                <a href={`#/alerts/${a.id}`} className="link-row">
                  <Badge tone={a.state === 'resolved' ? 'muted' : st.tone} icon={st.icon} label={st.label} size="sm" />
                  <span className="link-row-main">{a.message}</span>
                  <time className="muted" dateTime={new Date(a.openedAt).toISOString()} title={dateTime(a.openedAt)}>
                    {shortDateTime(a.openedAt, now)}
                  </time>
                </a>
              </li>
            );
          })}
        </ul>
      )}
      {alerts.length > COLLAPSED && (
        <button type="button" className="btn btn-ghost btn-sm" onClick={() => setAll(!all)} aria-expanded={all}>
          {all ? 'Show fewer' : `Show all ${alerts.length}`}
        </button>
      )}
    </section>
  );
}

/** The check's settings as rows: nested fields flattened ("expect.status"), secrets by name only. */
export function settingRows(config: CheckConfig, view: Pick<CheckView, 'intervalMs' | 'retries'>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  const walk = (value: unknown, path: string) => {
    if (value === undefined) return;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const entries = Object.entries(value as Record<string, unknown>);
      if ('secretRef' in (value as object) && entries.length === 1) rows.push([path, `secret \u201c${String((value as { secretRef: unknown }).secretRef)}\u201d`]);
      else for (const [k, v] of entries) walk(v, path ? `${path}.${k}` : k);
      return;
    }
    rows.push([path, Array.isArray(value) ? value.map(String).join(', ') : String(value)]);
  };
  walk(config, '');
  if (!rows.some(([k]) => k === 'interval')) rows.push(['interval', `${humanDuration(view.intervalMs)} (default)`]);
  if (!rows.some(([k]) => k === 'retries')) rows.push(['retries', `${view.retries} (default)`]);
  return rows.filter(([k]) => k !== 'name');
}

function SettingsCard({ config, view }: { config: CheckConfig; view: CheckView }) {
  const rows = settingRows(config, view);
  return (
    <section className="card" aria-labelledby="settings-heading">
      <h2 id="settings-heading" className="card-title">
        Settings
      </h2>
      <div className="table-scroll">
        <table className="table table-compact settings-table" data-testid="check-settings">
          <tbody>
            {rows.map(([k, v]) => (
              <tr key={k}>
                <th scope="row" className="mono">
                  {k}
                </th>
                <td className="settings-value">{v}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Actions of the check; a derived check (a backup job's) only runs now: it is changed on the Backups page. */
function CheckActions({ view, config, derived, onChanged }: { view: CheckView; config: CheckConfig; derived: boolean; onChanged: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const refreshOverview = useApp((s) => s.refreshOverview);
  const [busy, setBusy] = useState<null | 'run' | 'pause' | 'clone' | 'delete'>(null);
  const [editing, setEditing] = useState(false);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const name = `${view.target} / ${view.name}`;

  const act = async (kind: NonNullable<typeof busy>, work: () => Promise<void>, failure: string) => {
    setBusy(kind);
    try {
      await work();
    } catch (error) {
      toast({ tone: 'danger', title: `${failure} ${name}`, body: errorMessage(error) });
    } finally {
      setBusy(null);
    }
  };

  const runNow = () =>
    act(
      'run',
      async () => {
        const result = await client.runCheckNow({ target: view.target, check: view.name });
        toast({ tone: result.status === 'up' ? 'success' : result.status === 'degraded' ? 'warning' : 'danger', title: `${name}: ${STATUS_META[result.status].label.toLowerCase()}`, body: result.message });
        void refreshOverview();
      },
      'Could not run',
    );

  const togglePause = () =>
    act(
      'pause',
      async () => {
        await client.setEnabled({ checkIds: [view.id], enabled: !view.enabled });
        toast({ tone: 'info', title: `${name} ${view.enabled ? 'paused' : 'resumed'}` });
        await refreshOverview();
        onChanged();
      },
      view.enabled ? 'Could not pause' : 'Could not resume',
    );

  const clone = () =>
    act(
      'clone',
      async () => {
        const copy = await client.cloneCheck({ id: view.id });
        await refreshOverview();
        const target = useApp.getState().overview?.targets.find((t) => t.name === copy.target);
        const created = target?.checks.find((c) => c.name === copy.name);
        toast({ tone: 'success', title: `Cloned ${name} as \u201c${copy.name}\u201d` });
        if (created) navigate(`#/checks/${created.id}`);
      },
      'Could not clone',
    );

  const remove = async () => {
    setBusy('delete');
    setDeleteError(null);
    try {
      await client.removeChecks({ ids: [view.id] });
      toast({ tone: 'info', title: `Deleted ${name}` });
      setConfirmDelete(false);
      navigate(`#/targets/${view.targetId}`);
    } catch (error) {
      setDeleteError(errorMessage(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="page-actions" data-testid="check-actions">
      <button type="button" className="btn" onClick={runNow} disabled={busy !== null || !view.enabled} data-testid="check-run">
        <Icon name="refresh" size={14} className={busy === 'run' ? 'spin' : undefined} />
        {busy === 'run' ? 'Running\u2026' : 'Run now'}
      </button>
      {!derived && (
        <>
          <button type="button" className="btn" onClick={togglePause} disabled={busy !== null} data-testid="check-pause">
            <Icon name={view.enabled ? 'pause' : 'play'} size={14} />
            {view.enabled ? 'Pause' : 'Resume'}
          </button>
          <button type="button" className="btn" onClick={() => setEditing(true)} disabled={busy !== null} data-testid="check-edit">
            Edit
          </button>
          <button type="button" className="btn" onClick={clone} disabled={busy !== null} data-testid="check-clone">
            Clone
          </button>
          <button type="button" className="btn btn-danger-ghost" onClick={() => setConfirmDelete(true)} disabled={busy !== null} data-testid="check-delete">
            Delete
          </button>
        </>
      )}
      {editing && (
        <CheckDialog
          target={view.target}
          check={config}
          onClose={() => setEditing(false)}
          onSaved={(saved) => {
            setEditing(false);
            toast({ tone: 'success', title: `Saved ${view.target} / ${saved}` });
            void refreshOverview();
            onChanged();
          }}
        />
      )}
      {confirmDelete && (
        <ConfirmDialog
          title={`Delete ${view.name}?`}
          message={
            <>
              The check <strong>{name}</strong> stops and is removed from the configuration. Its history stays in the store until it ages out.
            </>
          }
          confirmLabel="Delete check"
          onConfirm={remove}
          onClose={() => setConfirmDelete(false)}
          error={deleteError}
          busy={busy === 'delete'}
        />
      )}
    </div>
  );
}

