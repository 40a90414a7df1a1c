// One alert: its facts and its event timeline (opened, reminders, acknowledged, resolved).
import { useState } from 'react';
import type { Alert, AlertEvent, AlertEventType } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { dateTime, shortDateTime } from '../lib/format';
import { Icon, type IconName } from '../components/icons';
import { ALERT_STATE_META, Badge, SEVERITY_META, type Tone } from '../components/status';
import { AlertActions, alertDuration } from '../components/AlertActions';
import { messagePreview, timelineItems } from './alert-timeline';

const EVENT_META: Record<AlertEventType, { label: string; icon: IconName; tone: Tone }> = {
  opened: { label: 'Opened', icon: 'bell', tone: 'danger' },
  reopened: { label: 'Down again', icon: 'bell', tone: 'danger' },
  reminder: { label: 'Reminder', icon: 'clock', tone: 'warn' },
  acknowledged: { label: 'Acknowledged', icon: 'check', tone: 'info' },
  resolved: { label: 'Resolved', icon: 'check', tone: 'ok' },
  silenced: { label: 'Silenced', icon: 'clock', tone: 'info' },
  heal: { label: 'Self-healing', icon: 'refresh', tone: 'warn' },
};

export function AlertDetailScreen({ id }: { id: number }) {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.alertsRevision);
  const detail = useLoader(() => client.alertDetail({ id }), [client, id, revision]);
  const now = useNow(10_000);

  return (
    <div className="screen">
      <a href="#/alerts" className="back-link">
        <Icon name="arrow-left" size={14} /> All alerts
      </a>
      {detail.error && !detail.data && (
        <div className="empty-state card" role="alert">
          <h1>Alert not available</h1>
          <p>{detail.error}</p>
        </div>
      )}
      {!detail.data && !detail.error && (
        <div className="loading" role="status">
          <span className="spinner" aria-hidden="true" /> Loading alert&hellip;
        </div>
      )}
      {detail.data && (
        <AlertDetailBody data={detail.data} now={now} reload={detail.reload} />
      )}
    </div>
  );
}

function AlertDetailBody({
  data,
  now,
  reload,
}: {
  data: { alert: Alert; events: AlertEvent[] };
  now: number;
  reload: () => void;
}) {
  const { alert, events } = data;
  const [showAll, setShowAll] = useState(false);
  const st = ALERT_STATE_META[alert.state];
  const sev = SEVERITY_META[alert.severity];
  const describe = typeof alert.metadata.describe === 'string' ? alert.metadata.describe : null;
  return (
    <div data-testid="alert-detail" data-state={alert.state}>
      <div className="page-header">
        <div>
          <h1>{alert.title}</h1>
          <div className="badge-row">
            <Badge tone={st.tone} icon={st.icon} label={st.label} testId="alert-state" />
            <Badge tone={sev.tone} icon={sev.icon} label={sev.label} />
            <span className="muted">Alert #{alert.id}</span>
          </div>
        </div>
        <AlertActions alert={alert} onDone={reload} size="md" />
      </div>

      <div className="detail-grid">
        <section className="card" aria-labelledby="facts-heading">
          <h2 id="facts-heading" className="card-title">
            Details
          </h2>
          <dl className="facts">
            <div>
              <dt>Target</dt>
              <dd>{alert.target}</dd>
            </div>
            <div>
              <dt>Check</dt>
              <dd>
                {alert.checkId !== null ? (
                  <a href={`#/checks/${alert.checkId}`} data-testid="alert-check-link">
                    {alert.check}
                  </a>
                ) : (
                  alert.check
                )}
                {describe && <div className="mono muted">{describe}</div>}
              </dd>
            </div>
            <div>
              <dt>Last message</dt>
              <dd>{alert.message}</dd>
            </div>
            <div>
              <dt>Opened</dt>
              <dd>{dateTime(alert.openedAt)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd data-testid="alert-duration">{alertDuration(alert, now)}</dd>
            </div>
            <div>
              <dt>Failed probes</dt>
              <dd>{alert.count}</dd>
            </div>
            {alert.ackedAt !== null && (
              <div>
                <dt>Acknowledged</dt>
                <dd>
                  {dateTime(alert.ackedAt)}
                  {alert.ackNote && <div className="cell-note">&ldquo;{alert.ackNote}&rdquo;</div>}
                </dd>
              </div>
            )}
            {(alert.silencedUntil ?? 0) > now && alert.state !== 'resolved' && (
              <div>
                <dt>Silenced</dt>
                <dd data-testid="alert-silenced">until {dateTime(alert.silencedUntil!)}: no reminders; the recovery is still sent</dd>
              </div>
            )}
            {alert.resolvedAt !== null && (
              <div>
                <dt>Resolved</dt>
                <dd>
                  {dateTime(alert.resolvedAt)} ({alert.resolvedBy === 'auto' ? 'recovered' : 'by hand'})
                </dd>
              </div>
            )}
          </dl>
        </section>

        <section className="card" aria-labelledby="timeline-heading">
          <h2 id="timeline-heading" className="card-title">
            Timeline
          </h2>
          <ol className="timeline" data-testid="alert-timeline">
            {timelineItems(events, showAll).map((item) => {
              if (item.kind === 'folded') {
                return (
                  <li key="folded" className="timeline-item" data-testid="timeline-folded">
                    <span className="timeline-dot tone-warn">
                      <Icon name="clock" size={12} />
                    </span>
                    <div className="timeline-body">
                      <button type="button" className="btn btn-sm" onClick={() => setShowAll(true)}>
                        Show {item.count} more reminders
                      </button>
                    </div>
                  </li>
                );
              }
              const e = item.event;
              const meta = EVENT_META[e.type] ?? EVENT_META.opened;
              return (
                <li key={e.id} className="timeline-item" data-testid="timeline-event" data-type={e.type}>
                  <span className={`timeline-dot tone-${meta.tone}`}>
                    <Icon name={meta.icon} size={12} />
                  </span>
                  <div className="timeline-body">
                    <div className="timeline-head">
                      <strong>{meta.label}</strong>
                      <time dateTime={new Date(e.at).toISOString()} title={dateTime(e.at)} className="muted">
                        {shortDateTime(e.at, now)}
                      </time>
                    </div>
                    <TimelineMessage message={e.message} />
                  </div>
                </li>
              );
            })}
          </ol>
        </section>
      </div>
    </div>
  );
}

/** A long message shows its start; the rest on request. */
function TimelineMessage({ message }: { message: string }) {
  const [open, setOpen] = useState(false);
  const preview = messagePreview(message);
  if (!preview || open) return <div className="timeline-text">{message}</div>;
  return (
    <div className="timeline-text">
      {preview}{' '}
      <button type="button" className="btn btn-ghost btn-sm" onClick={() => setOpen(true)}>
        Show all
      </button>
    </div>
  );
}
