// One alert: its facts and its event timeline (opened, reminders, acknowledged, resolved).
import type { Alert, AlertEvent, AlertEventType } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { dateTime, shortDateTime } from '../lib/format';
import { Icon, type IconName } from '../components/icons';
import { ALERT_STATE_META, Badge, SEVERITY_META, type Tone } from '../components/status';
import { AlertActions, alertDuration } from '../components/AlertActions';

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
            {events.map((e) => {
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
                    <div className="timeline-text">{e.message}</div>
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
