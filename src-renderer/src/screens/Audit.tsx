// Audit log: every action a person or the engine took (acknowledge, config change, pause, ...).
import { useState } from 'react';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { dateTime, relativeTime } from '../lib/format';
import { Icon } from '../components/icons';

const LIMITS = [100, 200, 500, 1000];

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' \u00b7 ');
}

export function AuditScreen() {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.auditRevision);
  const [limit, setLimit] = useState(200);
  const audit = useLoader(() => client.listAudit({ limit }), [client, limit, revision]);
  const now = useNow(15_000);
  const rows = audit.data ?? [];

  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="page-subtitle">Who did what, and when: acknowledgements, configuration changes, pauses, manual runs.</p>
        </div>
        <div className="row-actions">
          <label className="inline-label" htmlFor="audit-limit">
            Show
          </label>
          <select id="audit-limit" value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {LIMITS.map((n) => (
              <option key={n} value={n}>
                last {n}
              </option>
            ))}
          </select>
          <button type="button" className="btn" onClick={audit.reload} disabled={audit.loading}>
            <Icon name="refresh" className={audit.loading ? 'spin' : undefined} /> Refresh
          </button>
        </div>
      </div>
      {audit.error && (
        <p className="form-error" role="alert">
          {audit.error}
        </p>
      )}
      {audit.data && rows.length === 0 && (
        <div className="empty-state card">
          <span className="empty-icon">
            <Icon name="list" size={28} />
          </span>
          <h2>Nothing recorded yet</h2>
          <p>Actions such as adding a check or acknowledging an alert appear here.</p>
        </div>
      )}
      {rows.length > 0 && (
        <div className="card table-card">
          <table className="table" data-testid="audit-table">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Subject</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap">
                    <time dateTime={new Date(e.at).toISOString()} title={dateTime(e.at)}>
                      {relativeTime(e.at, now)}
                    </time>
                  </td>
                  <td>
                    <span className={`tag actor-${e.actor}`}>{e.actor}</span>
                  </td>
                  <td className="mono">{e.action}</td>
                  <td>{e.subject}</td>
                  <td className="cell-sub">{detailText(e.detail) || <span className="muted">&mdash;</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
