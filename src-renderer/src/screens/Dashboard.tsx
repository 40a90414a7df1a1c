// Dashboard: overall status, counts, open alerts, pause/resume, and one health card per target
// with each check's state, last message, latency sparkline, 24 h uptime and p95. Live via events.
import { useState } from 'react';
import type { CheckStatus, CheckView, Overview, TargetView } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { useNow } from '../lib/hooks';
import { formatMs, formatPercent, humanDuration, plural, relativeTime } from '../lib/format';
import { errorMessage } from '../client/client';
import { Icon } from '../components/icons';
import { LEVEL_META, STATUS_META, StatusBadge, StatusDot } from '../components/status';
import { Sparkline } from '../components/Sparkline';

const COUNT_ORDER: CheckStatus[] = ['up', 'degraded', 'down', 'pending', 'paused'];

export function DashboardScreen() {
  const overview = useApp((s) => s.overview)!;
  const now = useNow(5000);
  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p className="page-subtitle">
            {overview.targets.length === 0
              ? 'No targets are being watched yet.'
              : `${plural(overview.targets.length, 'target')}, ${plural(overview.targets.reduce((n, t) => n + t.checks.length, 0), 'check')} \u00b7 updated ${relativeTime(overview.generatedAt, now)}`}
          </p>
        </div>
        <PauseButton paused={overview.paused} />
      </div>
      <Summary overview={overview} />
      {overview.targets.length === 0 ? (
        <div className="empty-state card">
          <span className="empty-icon">
            <Icon name="server" size={28} />
          </span>
          <h2>Watch your first server</h2>
          <p>Add a target (a server or service) and give it HTTP or TCP checks. Its health card appears here and updates live.</p>
          <a className="btn btn-primary" href="#/targets">
            <Icon name="plus" /> Add a target
          </a>
        </div>
      ) : (
        <div className="card-grid">
          {overview.targets.map((t) => (
            <TargetCard key={t.name} target={t} now={now} />
          ))}
        </div>
      )}
    </div>
  );
}

function PauseButton({ paused }: { paused: boolean }) {
  const client = useApp((s) => s.client)!;
  const setOverview = useApp((s) => s.setOverview);
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    setBusy(true);
    try {
      setOverview(await client.setPaused({ paused: !paused }));
      toast({ tone: 'info', title: paused ? 'Monitoring resumed' : 'Monitoring paused', body: paused ? undefined : 'No checks run and no alerts open until you resume.' });
    } catch (error) {
      toast({ tone: 'danger', title: paused ? 'Could not resume' : 'Could not pause', body: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className={`btn ${paused ? 'btn-primary' : ''}`} onClick={toggle} disabled={busy} data-testid="pause-toggle">
      <Icon name={paused ? 'play' : 'pause'} />
      {paused ? 'Resume monitoring' : 'Pause monitoring'}
    </button>
  );
}

function Summary({ overview }: { overview: Overview }) {
  const levelKey = overview.paused ? 'idle' : overview.level;
  const level = LEVEL_META[levelKey];
  const total = COUNT_ORDER.reduce((n, s) => n + overview.counts[s], 0);
  const label = overview.paused ? 'Monitoring paused' : levelKey === 'idle' ? 'Nothing to watch yet' : level.label;
  return (
    <section className={`summary tone-${level.tone}`} aria-label="Overall status" data-testid="overall-status" data-level={levelKey}>
      <div className="summary-status">
        <span className={`summary-icon tone-${level.tone}`}>
          <Icon name={level.icon} size={22} />
        </span>
        <div>
          <div className="summary-label">{label}</div>
          <div className="summary-sub">
            {total === 0
              ? 'No checks configured'
              : overview.paused
                ? `${plural(total, 'check')} on hold until you resume`
                : `${overview.counts.up} of ${plural(total, 'check')} up`}
          </div>
        </div>
      </div>
      <dl className="summary-counts">
        {COUNT_ORDER.map((s) => (
          <div key={s} className={`count count-${STATUS_META[s].tone}${overview.counts[s] === 0 ? ' count-zero' : ''}`} data-testid={`count-${s}`}>
            <dt>
              <Icon name={STATUS_META[s].icon} size={13} />
              {STATUS_META[s].label}
            </dt>
            <dd>{overview.counts[s]}</dd>
          </div>
        ))}
        <a className={`count count-link ${overview.openAlerts > 0 ? 'count-danger' : 'count-zero'}`} href="#/alerts" data-testid="open-alerts">
          <dt>
            <Icon name="bell" size={13} />
            Open alerts
          </dt>
          <dd>{overview.openAlerts}</dd>
        </a>
      </dl>
    </section>
  );
}

function TargetCard({ target, now }: { target: TargetView; now: number }) {
  const tone = STATUS_META[target.status].tone;
  const headingId = `target-${target.name.replace(/[^A-Za-z0-9_-]/g, '_')}`;
  return (
    <article className={`card target-card edge-${tone}`} aria-labelledby={headingId} data-testid="target-card" data-target={target.name} data-status={target.status}>
      <header className="target-header">
        <div className="target-title">
          <h2 id={headingId}>{target.name}</h2>
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
        <StatusBadge status={target.status} testId="target-status" />
      </header>
      {target.checks.length === 0 ? (
        <p className="card-empty">
          No checks yet. <a href="#/targets">Add one</a>.
        </p>
      ) : (
        <ul className="check-list">
          {target.checks.map((c) => (
            <CheckRow key={c.name} check={c} now={now} />
          ))}
        </ul>
      )}
    </article>
  );
}

function CheckRow({ check, now }: { check: CheckView; now: number }) {
  const info = useApp((s) => s.info);
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const refreshOverview = useApp((s) => s.refreshOverview);
  const [running, setRunning] = useState(false);
  const kindTitle = info?.checkKinds.find((k) => k.kind === check.kind)?.title ?? check.kind.toUpperCase();
  const last = check.lastResult;
  const failing = check.failStreak > 0 && check.status !== 'down';

  const runNow = async () => {
    setRunning(true);
    try {
      const result = await client.runCheckNow({ target: check.target, check: check.name });
      toast({
        tone: result.status === 'up' ? 'success' : result.status === 'degraded' ? 'warning' : 'danger',
        title: `${check.name}: ${STATUS_META[result.status].label.toLowerCase()}`,
        body: result.message,
      });
      void refreshOverview();
    } catch (error) {
      toast({ tone: 'danger', title: `Could not run ${check.name}`, body: errorMessage(error) });
    } finally {
      setRunning(false);
    }
  };

  return (
    <li className={`check-row${check.enabled ? '' : ' check-disabled'}`} data-testid="check-row" data-check={check.name} data-status={check.status}>
      <StatusDot status={check.status} />
      <div className="check-main">
        <div className="check-title">
          <span className="check-name">{check.name}</span>
          <span className="kind-chip">{kindTitle}</span>
          <span className={`check-state text-${STATUS_META[check.status].tone}`} data-testid="check-status">
            {check.enabled ? STATUS_META[check.status].label : 'Disabled'}
            {check.since !== null && check.enabled && <span className="muted"> &middot; {sinceText(check.since, now)}</span>}
          </span>
        </div>
        <div className="check-describe" title={check.describe}>
          {check.describe}
        </div>
        <div className="check-message" data-testid="check-message">
          {last ? last.message : check.enabled ? 'Waiting for the first result\u2026' : 'This check is disabled.'}
          {failing && (
            <span className="text-warn">
              {' '}
              &middot; failure {check.failStreak} of {check.retries + 1} before down
            </span>
          )}
        </div>
      </div>
      <div className="check-side">
        <Sparkline values={check.recentLatency} />
        <dl className="check-stats">
          <div>
            <dt>Uptime 24 h</dt>
            <dd data-testid="uptime">{formatPercent(check.stats24h.uptime)}</dd>
          </div>
          <div>
            <dt>p95</dt>
            <dd>{formatMs(check.stats24h.p95LatencyMs)}</dd>
          </div>
          <div>
            <dt>Last</dt>
            <dd>{formatMs(last?.latencyMs)}</dd>
          </div>
        </dl>
      </div>
      <div className="check-actions">
        <button
          type="button"
          className="btn btn-sm"
          onClick={runNow}
          disabled={running || !check.enabled}
          aria-label={`Run ${check.name} now`}
          data-testid="run-now"
        >
          <Icon name="refresh" size={14} className={running ? 'spin' : undefined} />
          {running ? 'Running\u2026' : 'Run now'}
        </button>
      </div>
    </li>
  );
}

function sinceText(since: number, now: number): string {
  const diff = now - since;
  if (diff < 5000) return 'just now';
  return `for ${humanDuration(diff)}`;
}
