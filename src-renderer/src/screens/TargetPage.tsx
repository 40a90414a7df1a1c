// The page of one target (#/targets/<id>): its checks with their live states and a small 24 h
// latency chart each (one shared scale, coloured by status), pause / resume of the whole target,
// and the host panel (health score, gauges… from the hosts work).
import { useMemo, useState } from 'react';
import type { CheckStatus, CheckView, TargetView } from '../../../src-main/core/model';
import type { CheckSeries } from '../../../src-main/core/api/service';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { formatMs, formatPercent, plural, relativeTime } from '../lib/format';
import { errorMessage } from '../client/client';
import { Icon } from '../components/icons';
import { STATUS_META, StatusBadge, StatusDot } from '../components/status';
import { TimeSeriesChart } from '../components/charts/TimeSeriesChart';
import { chartData } from '../components/charts/series-data';
import { HostPanel } from '../components/host/HostPanel';
import '../styles/pages.css';

/** Line colour of a small chart by the check's status (with the status also written beside it). */
const STATUS_COLOR: Record<CheckStatus, string> = {
  up: '--ok-strong',
  degraded: '--warn-strong',
  down: '--danger-strong',
  pending: '--pending-strong',
  paused: '--muted-strong',
};

/** Checks that get a small chart (one request each); more than this show figures only. */
const MAX_CHARTS = 40;
const DAY_MS = 86_400_000;

export function TargetPageScreen({ id }: { id: number }) {
  const target = useApp((s) => s.overview?.targets.find((t) => t.id === id) ?? null);
  if (!target) {
    return (
      <div className="screen">
        <a href="#/" className="back-link">
          <Icon name="arrow-left" size={14} /> Dashboard
        </a>
        <div className="empty-state card" role="alert" data-testid="target-page-missing">
          <h1>Target not available</h1>
          <p>There is no target with id {id}; it may have been removed.</p>
        </div>
      </div>
    );
  }
  return <TargetPageBody target={target} />;
}

function TargetPageBody({ target }: { target: TargetView }) {
  const client = useApp((s) => s.client)!;
  const now = useNow(10_000);
  const charted = target.checks.slice(0, MAX_CHARTS);
  // Refetch the small charts at most once a minute as results arrive.
  const newest = Math.max(0, ...target.checks.map((c) => c.lastResult?.at ?? 0));
  const seriesKey = `${charted.map((c) => c.id).join(',')}|${Math.floor(newest / 60_000)}`;
  const series = useLoader(
    () => Promise.all(charted.map((c) => client.checkSeries({ id: c.id, range: '24h' }).catch(() => null))),
    [client, seriesKey],
  );
  const byId = useMemo(() => new Map((series.data ?? []).filter((s): s is CheckSeries => s !== null).map((s) => [s.id, s])), [series.data]);
  // One scale for all small charts: the slowest p95 of the day (a single spike does not flatten the rest).
  const sharedMax = Math.max(1, ...target.checks.map((c) => c.stats24h.p95LatencyMs ?? c.stats24h.meanLatencyMs ?? 0)) * 1.25;
  const enabled = target.checks.filter((c) => c.enabled).length;

  return (
    <div className="screen target-page" data-testid="target-page" data-target={target.name} data-status={target.status}>
      <nav className="crumbs" aria-label="Breadcrumb">
        <a href="#/">Dashboard</a>
        <span aria-hidden="true">/</span>
        <span>{target.name}</span>
      </nav>
      <div className="page-header page-header-wrap">
        <div className="page-heading">
          <h1>{target.name}</h1>
          <div className="badge-row">
            <StatusBadge status={target.status} testId="target-page-status" />
            <span className="muted">
              {plural(target.checks.length, 'check')}
              {enabled < target.checks.length ? `, ${target.checks.length - enabled} paused` : ''}
            </span>
            {target.tags.length > 0 && (
              <ul className="tags" aria-label="Tags">
                {target.tags.map((tag) => (
                  <li key={tag} className="tag">
                    {tag}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
        <TargetActions target={target} enabled={enabled} />
      </div>

      {target.checks.length === 0 ? (
        <div className="card card-empty">
          No checks yet. <a href="#/targets">Add one</a>.
        </div>
      ) : (
        <ul className="target-checks" data-testid="target-checks">
          {target.checks.map((c) => (
            <TargetCheckRow key={c.id} check={c} series={byId.get(c.id) ?? null} yMax={sharedMax} now={now} />
          ))}
        </ul>
      )}

      <HostPanel target={target} />
    </div>
  );
}

function TargetCheckRow({ check, series, yMax, now }: { check: CheckView; series: CheckSeries | null; yMax: number; now: number }) {
  const data = useMemo(() => (series ? chartData(series) : null), [series]);
  const lines = useMemo(() => (data ? [{ label: 'Mean', values: data.mean, color: STATUS_COLOR[check.status], width: 1.25, fill: true }] : []), [data, check.status]);
  const end = check.lastResult?.at ?? now;
  return (
    <li className="card target-check" data-testid="target-check" data-check={check.name} data-status={check.status}>
      <div className="target-check-head">
        <StatusDot status={check.status} />
        <div className="target-check-title">
          <a href={`#/checks/${check.id}`} className="check-link" data-testid="check-link">
            {check.name}
          </a>
          <span className={`text-${STATUS_META[check.status].tone}`}>{check.enabled ? STATUS_META[check.status].label : 'Paused'}</span>
          <div className="check-describe" title={check.describe}>
            {check.describe}
          </div>
        </div>
        <dl className="check-stats">
          <div>
            <dt>Uptime 24 h</dt>
            <dd>{formatPercent(check.stats24h.uptime)}</dd>
          </div>
          <div>
            <dt>p95</dt>
            <dd>{formatMs(check.stats24h.p95LatencyMs)}</dd>
          </div>
          <div>
            <dt>Last</dt>
            <dd>{check.lastResult ? relativeTime(check.lastResult.at, now) : '\u2014'}</dd>
          </div>
        </dl>
      </div>
      <div className="target-check-chart">
        {data && data.times.length > 0 ? (
          <TimeSeriesChart
            times={data.times}
            series={lines}
            bands={data.bands}
            compact
            height={48}
            yMax={yMax}
            xRange={[end - DAY_MS, end]}
            ariaLabel={`Latency of ${check.name} over 24 hours`}
            testId="small-chart"
          />
        ) : (
          <div className="small-chart-empty muted">{series ? 'No probes in the last 24 h' : ''}</div>
        )}
      </div>
      <div className="check-message">{check.lastResult?.message ?? (check.enabled ? 'Waiting for the first result\u2026' : 'This check is paused.')}</div>
    </li>
  );
}

function TargetActions({ target, enabled }: { target: TargetView; enabled: number }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const refreshOverview = useApp((s) => s.refreshOverview);
  const [busy, setBusy] = useState(false);
  // Any running check: the button pauses the target; all paused: it resumes them.
  const pausing = enabled > 0;
  const toggle = async () => {
    setBusy(true);
    try {
      await client.setEnabled({ targetIds: [target.id], enabled: !pausing });
      toast({ tone: 'info', title: `${target.name}: ${pausing ? 'all checks paused' : 'all checks resumed'}` });
      await refreshOverview();
    } catch (error) {
      toast({ tone: 'danger', title: `Could not ${pausing ? 'pause' : 'resume'} ${target.name}`, body: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="page-actions">
      <button type="button" className="btn" onClick={toggle} disabled={busy || target.checks.length === 0} data-testid="target-pause">
        <Icon name={pausing ? 'pause' : 'play'} size={14} />
        {pausing ? 'Pause target' : 'Resume target'}
      </button>
      <a className="btn" href="#/targets">
        Edit checks
      </a>
    </div>
  );
}
