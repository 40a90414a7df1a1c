// Audit log: every action a person or the engine took (acknowledge, silence, heal, config change,
// pause, ...), filtered by action, subject, actor and time range. The same filters as
// `kaavan audit --since 24h --action alert`.
import { useEffect, useState } from 'react';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { dateTime, plural, relativeTime } from '../lib/format';
import { Icon } from '../components/icons';
import { InlineSelect } from '../components/InlineSelect';
import '../styles/incident.css';

const LIMITS = [100, 200, 500, 1000];
const RANGES = [
  { value: '', label: 'Any time' },
  { value: '3600000', label: 'Last hour' },
  { value: '86400000', label: 'Last 24 hours' },
  { value: '604800000', label: 'Last 7 days' },
  { value: '2592000000', label: 'Last 30 days' },
];
// Action families first (they match every action of the family), then the usual single actions.
const ACTORS = ['user', 'engine'];
const ACTIONS = ['alert', 'heal', 'check', 'target', 'config', 'settings', 'secret', 'channel', 'delivery', 'monitoring'];

function detailText(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== undefined && v !== '')
    .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(' \u00b7 ');
}

interface AuditFilterState {
  action: string;
  actor: string;
  subject: string;
  range: string;
  limit: number;
}

let remembered: AuditFilterState = { action: '', actor: '', subject: '', range: '', limit: 200 };

export function AuditScreen() {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.auditRevision);
  const [filter, setFilterState] = useState(remembered);
  const setFilter = (next: AuditFilterState) => {
    remembered = next;
    setFilterState(next);
  };
  const [subject, setSubject] = useState(filter.subject);
  useEffect(() => {
    if (subject === filter.subject) return;
    const t = setTimeout(() => setFilter({ ...remembered, subject }), 250);
    return () => clearTimeout(t);
  }, [subject, filter.subject]);

  const audit = useLoader(
    () =>
      client.searchAudit({
        limit: filter.limit,
        ...(filter.action ? { action: filter.action } : {}),
        ...(filter.actor ? { actor: filter.actor } : {}),
        ...(filter.subject.trim() ? { subject: filter.subject.trim() } : {}),
        ...(filter.range ? { since: Date.now() - Number(filter.range) } : {}),
      }),
    [client, filter.limit, filter.action, filter.actor, filter.subject, filter.range, revision],
  );
  const now = useNow(15_000);
  const rows = audit.data ?? [];
  const filtered = filter.action !== '' || filter.actor !== '' || filter.subject.trim() !== '' || filter.range !== '';

  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1>Audit log</h1>
          <p className="page-subtitle">Who did what, and when: acknowledgements, silences, self-healing, configuration changes, pauses, manual runs.</p>
        </div>
        <div className="row-actions">
          <button type="button" className="btn" onClick={audit.reload} disabled={audit.loading}>
            <Icon name="refresh" className={audit.loading ? 'spin' : undefined} /> Refresh
          </button>
        </div>
      </div>

      <form className="filters card incident-filters" aria-label="Filter the audit log" onSubmit={(e) => e.preventDefault()}>
        <InlineSelect id="audit-action" label="Action" value={filter.action} options={ACTIONS} anyLabel="Any" onChange={(v) => setFilter({ ...filter, action: v })} testId="audit-action" />
        <div className="field field-inline incident-search">
          <label htmlFor="audit-subject" className="field-label">
            Subject
          </label>
          <input id="audit-subject" type="search" value={subject} onChange={(e) => setSubject(e.target.value)} placeholder="e.g. web1 / homepage" maxLength={200} data-testid="audit-subject" />
        </div>
        <InlineSelect id="audit-actor" label="Actor" value={filter.actor} options={ACTORS} anyLabel="Anyone" onChange={(v) => setFilter({ ...filter, actor: v })} testId="audit-actor" />
        <InlineSelect id="audit-range" label="When" value={filter.range} options={RANGES} onChange={(v) => setFilter({ ...filter, range: v })} testId="audit-range" />
        <InlineSelect id="audit-limit" label="Show" value={String(filter.limit)} options={LIMITS.map((n) => ({ value: String(n), label: `last ${n}` }))} onChange={(v) => setFilter({ ...filter, limit: Number(v) })} />
        <div className="filters-count" aria-live="polite">
          {audit.data ? plural(rows.length, 'entry', 'entries') : 'Loading\u2026'}
        </div>
      </form>

      {audit.error && (
        <p className="form-error" role="alert">
          {audit.error}
        </p>
      )}
      {audit.data && rows.length === 0 && (
        <div className="empty-state card">
          <span className="empty-icon">
            <Icon name={filtered ? 'search' : 'list'} size={28} />
          </span>
          <h2>{filtered ? 'Nothing matches' : 'Nothing recorded yet'}</h2>
          <p>{filtered ? 'Try another action, subject, actor or time range.' : 'Actions such as adding a check or acknowledging an alert appear here.'}</p>
        </div>
      )}
      {rows.length > 0 && (
        <div className="card table-card table-scroll">
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
                <tr key={e.id} data-testid="audit-row" data-action={e.action}>
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
                  <td className="cell-sub audit-detail">{detailText(e.detail) || <span className="muted">&mdash;</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
