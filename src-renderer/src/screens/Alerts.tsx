// Alert history: filter by state, severity and target; acknowledge (with a note) and resolve.
import { useState } from 'react';
import type { AlertState, Severity } from '../../../src-main/core/model';
import type { AlertFilter } from '../../../src-main/core/api/service';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { dateTime, relativeTime } from '../lib/format';
import { Icon } from '../components/icons';
import { ALERT_STATE_META, Badge, SEVERITY_META } from '../components/status';
import { AlertActions, alertDuration } from '../components/AlertActions';

type StateFilter = AlertState | 'active' | 'all';

const STATE_OPTIONS: Array<{ value: StateFilter; label: string }> = [
  { value: 'active', label: 'Active (open + acknowledged)' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];

// Filters survive navigating to an alert and back.
let remembered: { state: StateFilter; severity: Severity | ''; target: string } = { state: 'active', severity: '', target: '' };

export function AlertsScreen() {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.alertsRevision);
  const overview = useApp((s) => s.overview);
  const targets = overview?.targets.map((t) => t.name) ?? [];
  const [filter, setFilterState] = useState(remembered);
  const setFilter = (next: typeof filter) => {
    remembered = next;
    setFilterState(next);
  };
  const now = useNow(10_000);

  const query: AlertFilter = {
    ...(filter.state !== 'all' ? { state: filter.state } : {}),
    ...(filter.severity ? { severity: filter.severity } : {}),
    ...(filter.target ? { target: filter.target } : {}),
    limit: 500,
  };
  const alerts = useLoader(() => client.listAlerts(query), [client, filter.state, filter.severity, filter.target, revision]);
  const targetOptions = Array.from(new Set([...targets, ...(filter.target ? [filter.target] : [])])).sort();
  const rows = alerts.data ?? [];

  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1>Alerts</h1>
          <p className="page-subtitle">Every outage Kaavan noticed, from opened to resolved.</p>
        </div>
        <button type="button" className="btn" onClick={alerts.reload} disabled={alerts.loading}>
          <Icon name="refresh" className={alerts.loading ? 'spin' : undefined} /> Refresh
        </button>
      </div>

      <form className="filters card" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <div className="field field-inline">
          <label htmlFor="filter-state" className="field-label">
            State
          </label>
          <select id="filter-state" value={filter.state} onChange={(e) => setFilter({ ...filter, state: e.target.value as StateFilter })} data-testid="filter-state">
            {STATE_OPTIONS.map((o) => (
              <option key={o.value} value={o.value}>
                {o.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="filter-severity" className="field-label">
            Severity
          </label>
          <select id="filter-severity" value={filter.severity} onChange={(e) => setFilter({ ...filter, severity: e.target.value as Severity | '' })} data-testid="filter-severity">
            <option value="">Any</option>
            {(Object.keys(SEVERITY_META) as Severity[]).map((s) => (
              <option key={s} value={s}>
                {SEVERITY_META[s].label}
              </option>
            ))}
          </select>
        </div>
        <div className="field field-inline">
          <label htmlFor="filter-target" className="field-label">
            Target
          </label>
          <select id="filter-target" value={filter.target} onChange={(e) => setFilter({ ...filter, target: e.target.value })} data-testid="filter-target">
            <option value="">Any</option>
            {targetOptions.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </div>
        <div className="filters-count" aria-live="polite">
          {alerts.loading && !alerts.data ? 'Loading\u2026' : `${rows.length} alert${rows.length === 1 ? '' : 's'}`}
        </div>
      </form>

      {alerts.error && (
        <p className="form-error" role="alert">
          {alerts.error}
        </p>
      )}

      {alerts.data && rows.length === 0 ? (
        <div className="empty-state card">
          <span className="empty-icon tone-ok">
            <Icon name="check" size={28} />
          </span>
          <h2>{filter.state === 'active' ? 'No active alerts' : 'No alerts match'}</h2>
          <p>{filter.state === 'active' ? 'Everything that went down has recovered or been resolved.' : 'Try another state, severity or target.'}</p>
        </div>
      ) : (
        rows.length > 0 && (
          <div className="card table-card">
            <table className="table" data-testid="alerts-table">
              <thead>
                <tr>
                  <th scope="col">State</th>
                  <th scope="col">Alert</th>
                  <th scope="col">Severity</th>
                  <th scope="col">When</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((a) => {
                  const st = ALERT_STATE_META[a.state];
                  const sev = SEVERITY_META[a.severity];
                  return (
                    <tr key={a.id} data-testid="alert-row" data-alert-id={a.id} data-state={a.state} data-target={a.target} data-check={a.check}>
                      <td>
                        <Badge tone={st.tone} icon={st.icon} label={st.label} size="sm" />
                      </td>
                      <td className="cell-main">
                        <a href={`#/alerts/${a.id}`} className="cell-title">
                          {a.title}
                        </a>
                        <div className="cell-sub">{a.message}</div>
                        {a.ackNote && (
                          <div className="cell-note">
                            <Icon name="edit" size={12} /> {a.ackNote}
                          </div>
                        )}
                      </td>
                      <td>
                        <Badge tone={sev.tone} icon={sev.icon} label={sev.label} size="sm" />
                      </td>
                      <td className="nowrap">
                        <time dateTime={new Date(a.openedAt).toISOString()} title={dateTime(a.openedAt)}>
                          {relativeTime(a.openedAt, now)}
                        </time>
                        <div className={`cell-sub${a.state === 'resolved' ? '' : ' text-danger'}`} data-testid="alert-duration">
                          {alertDuration(a, now)}
                        </div>
                        <div className="cell-sub">{a.count === 1 ? '1 failed probe' : `${a.count} failed probes`}</div>
                      </td>
                      <td className="cell-actions">
                        <AlertActions alert={a} onDone={alerts.reload} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )
      )}
    </div>
  );
}
