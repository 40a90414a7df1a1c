// One check, two ways: a row inside a target card (cards view) and a one-line row of the compact
// list. Both link to the check's page, show cert days left for HTTPS, and carry the quick actions.
import { memo, useState } from 'react';
import type { Alert, CheckView } from '../../../../src-main/core/model';
import { formatMs, formatPercent, humanDuration } from '../../lib/format';
import { Icon } from '../icons';
import { STATUS_META, StatusDot } from '../status';
import { ProbeBar, Sparkline } from '../Sparkline';
import { OverflowMenu, type MenuItem } from './CheckMenu';
import type { DashboardActionsApi } from './actions';
import { certDaysLeft, certTone, failureNote } from '../../state/dashboard-view';
import { useClock } from './clock';

export interface RowContext {
  actions: DashboardActionsApi;
  alerts: Map<number, Alert>;
  /** Shared latency scale (ms) of the sparklines and probe bars on screen. */
  scale: number;
  kindTitle: (kind: string) => string;
  onSelect: (id: number, selected: boolean) => void;
  onDelete: (checks: CheckView[]) => void;
}

export function sinceText(since: number | null, now: number): string | null {
  if (since === null) return null;
  const diff = now - since;
  if (diff < 5000) return 'just now';
  return `for ${humanDuration(diff)}`;
}

/** "· for 5 min": re-rendered by the shared clock alone. */
function Since({ since, prefix = ' \u00b7 ' }: { since: number | null; prefix?: string }) {
  const now = useClock();
  const text = sinceText(since, now);
  return text ? <span className="muted">{`${prefix}${text}`}</span> : null;
}

export function CertDays({ check }: { check: CheckView }) {
  const days = certDaysLeft(check);
  if (days === null) return null;
  const whole = Math.floor(days);
  const text = whole < 0 ? 'cert expired' : `cert ${whole} d`;
  return (
    <span className={`cert-days cert-${certTone(days)}`} title={`The TLS certificate expires in ${Math.max(0, whole)} days`} data-testid="cert-days">
      <Icon name="key" size={12} />
      {text}
    </span>
  );
}

function menuItems(check: CheckView, ctx: RowContext, extra: MenuItem[] = []): MenuItem[] {
  const alert = ctx.alerts.get(check.id);
  return [
    ...extra,
    { label: 'Clone', icon: 'plus', onSelect: () => void ctx.actions.clone(check), testId: 'clone-check' },
    ...(alert ? [{ label: 'Acknowledge alert', icon: 'check' as const, onSelect: () => void ctx.actions.acknowledge([check], ctx.alerts), testId: 'ack-check' }] : []),
    { label: 'Edit settings', icon: 'edit', onSelect: () => (window.location.hash = `#/checks/${check.id}`) },
    { label: 'Delete', icon: 'trash', danger: true, onSelect: () => ctx.onDelete([check]), testId: 'delete-check' },
  ];
}

function PauseButton({ check, ctx, compact }: { check: CheckView; ctx: RowContext; compact?: boolean }) {
  const [busy, setBusy] = useState(false);
  const paused = !check.enabled;
  const name = `${check.target} / ${check.name}`;
  const run = async () => {
    setBusy(true);
    await ctx.actions.setChecksEnabled([check], paused);
    setBusy(false);
  };
  return (
    <button
      type="button"
      className={`btn btn-sm${compact ? ' btn-icon btn-ghost' : ''}`}
      onClick={run}
      disabled={busy}
      aria-label={`${paused ? 'Resume' : 'Pause'} ${name}`}
      title={paused ? 'Resume' : 'Pause'}
      data-testid={paused ? 'resume-check' : 'pause-check'}
    >
      <Icon name={paused ? 'play' : 'pause'} size={14} />
      {!compact && (paused ? 'Resume' : 'Pause')}
    </button>
  );
}

function RunNowButton({ check, ctx }: { check: CheckView; ctx: RowContext }) {
  const [running, setRunning] = useState(false);
  const run = async () => {
    setRunning(true);
    await ctx.actions.runNow(check);
    setRunning(false);
  };
  return (
    <button type="button" className="btn btn-sm" onClick={run} disabled={running || !check.enabled} aria-label={`Run ${check.target} / ${check.name} now`} data-testid="run-now">
      <Icon name="refresh" size={14} className={running ? 'spin' : undefined} />
      {running ? 'Running\u2026' : 'Run now'}
    </button>
  );
}

function statusWord(check: CheckView): string {
  return check.enabled ? STATUS_META[check.status].label : 'Paused';
}

/** A check inside its target's card. */
export const CardCheckRow = memo(function CardCheckRow({ check, selected, ctx }: { check: CheckView; selected: boolean; ctx: RowContext }) {
  const last = check.lastResult;
  const note = failureNote(check);
  const alert = ctx.alerts.get(check.id);
  return (
    <li className={`check-row dash-check${check.enabled ? '' : ' check-disabled'}${selected ? ' selected' : ''}`} data-testid="check-row" data-check={check.name} data-status={check.status} data-id={check.id}>
      <input type="checkbox" className="dash-select" checked={selected} onChange={(e) => ctx.onSelect(check.id, e.target.checked)} aria-label={`Select ${check.target} / ${check.name}`} />
      <StatusDot status={check.status} />
      <div className="check-main">
        <div className="check-title">
          <a className="check-name" href={`#/checks/${check.id}`} data-testid="check-link">
            {check.name}
          </a>
          <span className="kind-chip">{ctx.kindTitle(check.kind)}</span>
          <span className={`check-state text-${STATUS_META[check.status].tone}`} data-testid="check-status">
            {statusWord(check)}
            <Since since={check.since} />
          </span>
          <CertDays check={check} />
        </div>
        <div className="check-describe" title={check.describe}>
          {check.describe}
        </div>
        <div className="check-message" data-testid="check-message">
          {!check.enabled ? 'Paused: no probes run until it is resumed.' : last ? last.message : 'Waiting for the first probe\u2026'}
          {note && (
            <span className="text-warn" data-testid="failure-note">
              {' '}
              &middot; {note}
            </span>
          )}
        </div>
      </div>
      <div className="check-side">
        <Sparkline values={check.recentLatency} max={ctx.scale} status={check.status} />
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
      <div className="check-actions dash-actions">
        {alert && (
          <button type="button" className="btn btn-sm" onClick={() => void ctx.actions.acknowledge([check], ctx.alerts)} aria-label={`Acknowledge the alert of ${check.target} / ${check.name}`} data-testid="ack-button">
            <Icon name="check" size={14} />
            Acknowledge
          </button>
        )}
        <RunNowButton check={check} ctx={ctx} />
        <PauseButton check={check} ctx={ctx} />
        <OverflowMenu label={`More actions for ${check.target} / ${check.name}`} items={menuItems(check, ctx)} />
      </div>
    </li>
  );
});

export const LIST_ROW_HEIGHT = 40;

/** One line of the compact list. */
export const ListRow = memo(function ListRow({ check, selected, ctx, index }: { check: CheckView; selected: boolean; ctx: RowContext; index: number }) {
  const last = check.lastResult;
  const note = failureNote(check);
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      className={`dash-list-row${check.enabled ? '' : ' check-disabled'}${selected ? ' selected' : ''}`}
      data-testid="list-row"
      data-check={check.name}
      data-target={check.target}
      data-status={check.status}
      data-id={check.id}
    >
      <span role="gridcell" className="col-select">
        <input type="checkbox" className="dash-select" checked={selected} onChange={(e) => ctx.onSelect(check.id, e.target.checked)} aria-label={`Select ${check.target} / ${check.name}`} />
      </span>
      <span role="gridcell" className={`col-status text-${STATUS_META[check.status].tone}`} data-testid="check-status" title={[statusWord(check), note].filter(Boolean).join(' \u00b7 ')}>
        <StatusDot status={check.status} />
        <span className="col-status-word">{statusWord(check)}</span>
      </span>
      <span role="gridcell" className="col-name">
        <a href={`#/checks/${check.id}`} title={`${check.name} \u2014 ${check.describe}`} data-testid="check-link">
          {check.name}
        </a>
        <span className="col-describe">{check.describe}</span>
      </span>
      <span role="gridcell" className="col-target">
        <a href={`#/targets/${check.targetId}`}>{check.target}</a>
      </span>
      <span role="gridcell" className="col-latency num">
        {formatMs(last?.latencyMs)}
      </span>
      <span role="gridcell" className="col-bar">
        <ProbeBar values={check.recentLatency} max={ctx.scale} status={check.status} />
      </span>
      <span role="gridcell" className="col-uptime num" data-testid="uptime">
        {formatPercent(check.stats24h.uptime)}
      </span>
      <span role="gridcell" className="col-cert">
        <CertDays check={check} />
      </span>
      <span role="gridcell" className="col-actions">
        <PauseButton check={check} ctx={ctx} compact />
        <OverflowMenu
          label={`More actions for ${check.target} / ${check.name}`}
          items={menuItems(check, ctx, [{ label: 'Run now', icon: 'refresh', disabled: !check.enabled, onSelect: () => void ctx.actions.runNow(check), testId: 'run-now' }])}
        />
      </span>
    </div>
  );
});
