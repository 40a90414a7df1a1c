// Alert history: full-text search (title, message, target, check, note), time range, state,
// severity and target; a virtualised list that loads pages of 100 as they scroll into view, so it
// stays smooth with 100,000 alerts; CSV export of what the filters match; acknowledge, silence and
// resolve in place.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Alert, AlertState, Severity } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { useNow } from '../lib/hooks';
import { dateTime, relativeTime, plural } from '../lib/format';
import { errorMessage } from '../client/client';
import { Icon } from '../components/icons';
import { ALERT_STATE_META, Badge, SEVERITY_META, SEVERITY_OPTIONS } from '../components/status';
import { AlertActions, alertDuration, isSilenced } from '../components/AlertActions';
import { InlineSelect } from '../components/InlineSelect';
import '../styles/incident.css';

type StateFilter = AlertState | 'active' | 'all';
type RangeFilter = 'any' | '24h' | '7d' | '30d' | 'custom';

const STATE_OPTIONS: Array<{ value: StateFilter; label: string }> = [
  { value: 'active', label: 'Active (open + acknowledged)' },
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'all', label: 'All' },
];
const RANGE_OPTIONS: Array<{ value: RangeFilter; label: string; ms?: number }> = [
  { value: 'any', label: 'Any time' },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'custom', label: 'Between dates…' },
];

const PAGE = 100;
const ROW_ESTIMATE = 84;

interface Filter {
  state: StateFilter;
  severity: Severity | '';
  target: string;
  text: string;
  range: RangeFilter;
  /** yyyy-mm-dd (local) for the custom range. */
  fromDay: string;
  toDay: string;
}

// Filters survive navigating to an alert and back.
let remembered: Filter = { state: 'active', severity: '', target: '', text: '', range: 'any', fromDay: '', toDay: '' };

/** The history query of a filter (times resolved now). */
function queryOf(f: Filter, now: number) {
  const range = RANGE_OPTIONS.find((r) => r.value === f.range);
  const dayStart = (day: string) => (day ? new Date(`${day}T00:00:00`).getTime() : undefined);
  const from = range?.ms ? now - range.ms : f.range === 'custom' ? dayStart(f.fromDay) : undefined;
  const toStart = f.range === 'custom' ? dayStart(f.toDay) : undefined;
  const to = toStart === undefined ? undefined : toStart + 86_400_000;
  return {
    ...(f.state !== 'all' ? { state: f.state } : {}),
    ...(f.severity ? { severity: f.severity } : {}),
    ...(f.target ? { target: f.target } : {}),
    ...(f.text.trim() ? { text: f.text.trim() } : {}),
    ...(from !== undefined && Number.isFinite(from) ? { from } : {}),
    ...(to !== undefined && Number.isFinite(to) ? { to } : {}),
  };
}

/** The pages loaded so far for one query; `generation` changes with the query or a live update. */
interface Pages {
  generation: number;
  total: number | null;
  rows: Map<number, Alert[]>;
}

export function AlertsScreen() {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.alertsRevision);
  const toast = useApp((s) => s.toast);
  const overview = useApp((s) => s.overview);
  const [filter, setFilterState] = useState(remembered);
  const setFilter = (next: Filter) => {
    remembered = next;
    setFilterState(next);
  };
  const [text, setText] = useState(filter.text);
  const now = useNow(10_000);

  // Search as one types, once typing pauses.
  useEffect(() => {
    if (text === filter.text) return;
    const t = setTimeout(() => setFilter({ ...remembered, text }), 250);
    return () => clearTimeout(t);
  }, [text, filter.text]);

  const queryKey = JSON.stringify([filter.state, filter.severity, filter.target, filter.text, filter.range, filter.fromDay, filter.toDay]);
  const [pages, setPages] = useState<Pages>({ generation: 0, total: null, rows: new Map() });
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const inflight = useRef(new Set<string>());
  const queryRef = useRef(queryOf(filter, Date.now()));

  const loadPage = useCallback(
    (index: number, gen: number) => {
      const key = `${gen}:${index}`;
      if (inflight.current.has(key)) return;
      inflight.current.add(key);
      const started = performance.now();
      client.alertHistory({ ...queryRef.current, offset: index * PAGE, limit: PAGE }).then(
        (page) => {
          inflight.current.delete(key);
          if (gen !== generation.current) return;
          // First answer of a new generation replaces the old pages (no flicker while reloading).
          setPages((prev) => {
            const rows = prev.generation === gen ? new Map(prev.rows) : new Map<number, Alert[]>();
            rows.set(index, page.alerts);
            return { generation: gen, total: page.total, rows };
          });
          setError(null);
          setLoading(false);
          if (index === 0) document.documentElement.dataset.alertsQueryMs = String(Math.round(performance.now() - started));
        },
        (err: unknown) => {
          inflight.current.delete(key);
          if (gen !== generation.current) return;
          setError(errorMessage(err));
          setLoading(false);
        },
      );
    },
    [client],
  );

  const scrollRef = useRef<HTMLDivElement>(null);
  const count = pages.total ?? 0;
  const virtualizer = useVirtualizer({
    count,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_ESTIMATE,
    overscan: 8,
    getItemKey: (index) => pages.rows.get(Math.floor(index / PAGE))?.[index % PAGE]?.id ?? `row-${index}`,
  });
  const items = virtualizer.getVirtualItems();
  const firstIndex = items[0]?.index ?? 0;
  const lastIndex = items.at(-1)?.index ?? 0;

  // A new query or a live change: a new generation, loading what is in view.
  useEffect(() => {
    generation.current += 1;
    queryRef.current = queryOf(filter, Date.now());
    setLoading(true);
    const gen = generation.current;
    const first = Math.floor(firstIndex / PAGE);
    const last = Math.floor(lastIndex / PAGE);
    loadPage(0, gen);
    for (let p = first; p <= last; p++) if (p > 0) loadPage(p, gen);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [queryKey, revision, loadPage]);

  // Scrolling: load the pages coming into view.
  useEffect(() => {
    if (pages.total === null) return;
    for (let p = Math.floor(firstIndex / PAGE); p <= Math.floor(lastIndex / PAGE); p++) {
      if (!pages.rows.has(p) || pages.generation !== generation.current) loadPage(p, generation.current);
    }
  }, [firstIndex, lastIndex, pages, loadPage]);

  // A new query starts at the top.
  useEffect(() => {
    scrollRef.current?.scrollTo({ top: 0 });
  }, [queryKey]);

  const reload = () => {
    generation.current += 1;
    setLoading(true);
    const gen = generation.current;
    for (let p = Math.floor(firstIndex / PAGE); p <= Math.floor(lastIndex / PAGE); p++) loadPage(p, gen);
    if (firstIndex >= PAGE) loadPage(0, gen);
  };

  const [exporting, setExporting] = useState(false);
  const exportCsv = async () => {
    setExporting(true);
    try {
      const { csv, rows, truncated } = await client.exportAlertsCsv(queryOf(filter, Date.now()));
      const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `kaavan-alerts-${new Date().toISOString().slice(0, 10)}.csv`;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
      toast({ tone: 'success', title: `Exported ${plural(rows, 'alert')}`, body: truncated ? 'Only the newest 100,000; narrow the filters for the rest.' : undefined });
    } catch (err) {
      toast({ tone: 'danger', title: 'Export failed', body: errorMessage(err) });
    } finally {
      setExporting(false);
    }
  };

  const targets = overview?.targets.map((t) => t.name) ?? [];
  const targetOptions = Array.from(new Set([...targets, ...(filter.target ? [filter.target] : [])])).sort();
  const isFiltered = filter.text.trim() !== '' || filter.range !== 'any' || filter.severity !== '' || filter.target !== '';
  const rowAt = (index: number) => pages.rows.get(Math.floor(index / PAGE))?.[index % PAGE];
  const countText = useMemo(() => (pages.total === null ? 'Loading\u2026' : plural(pages.total, 'alert')), [pages.total]);

  return (
    <div className="screen alerts-screen">
      <div className="page-header">
        <div>
          <h1>Alerts</h1>
          <p className="page-subtitle">Every outage Kaavan noticed, from opened to resolved.</p>
        </div>
        <div className="row-actions">
          <button type="button" className="btn" onClick={() => void exportCsv()} disabled={exporting || !pages.total} data-testid="export-csv">
            <Icon name="archive" className={exporting ? 'spin' : undefined} /> Export CSV
          </button>
          <button type="button" className="btn" onClick={reload} disabled={loading}>
            <Icon name="refresh" className={loading ? 'spin' : undefined} /> Refresh
          </button>
        </div>
      </div>

      <form className="filters card incident-filters" aria-label="Filter alerts" onSubmit={(e) => e.preventDefault()}>
        <div className="field field-inline incident-search">
          <label htmlFor="filter-text" className="field-label">
            Search
          </label>
          <input
            id="filter-text"
            type="search"
            value={text}
            onChange={(e) => setText(e.target.value)}
            placeholder="Words in the message, target, check or note"
            maxLength={200}
            data-testid="filter-text"
          />
        </div>
        <InlineSelect id="filter-state" label="State" value={filter.state} options={STATE_OPTIONS} onChange={(v) => setFilter({ ...filter, state: v as StateFilter })} testId="filter-state" />
        <InlineSelect id="filter-range" label="Opened" value={filter.range} options={RANGE_OPTIONS} onChange={(v) => setFilter({ ...filter, range: v as RangeFilter })} testId="filter-range" />
        {filter.range === 'custom' && (
          <>
            <div className="field field-inline">
              <label htmlFor="filter-from" className="field-label">
                From
              </label>
              <input id="filter-from" type="date" value={filter.fromDay} onChange={(e) => setFilter({ ...filter, fromDay: e.target.value })} />
            </div>
            <div className="field field-inline">
              <label htmlFor="filter-to" className="field-label">
                To (including)
              </label>
              <input id="filter-to" type="date" value={filter.toDay} onChange={(e) => setFilter({ ...filter, toDay: e.target.value })} />
            </div>
          </>
        )}
        <InlineSelect id="filter-severity" label="Severity" value={filter.severity} options={SEVERITY_OPTIONS} anyLabel="Any" onChange={(v) => setFilter({ ...filter, severity: v })} testId="filter-severity" />
        <InlineSelect id="filter-target" label="Target" value={filter.target} options={targetOptions} anyLabel="Any" onChange={(v) => setFilter({ ...filter, target: v })} testId="filter-target" />
        <div className="filters-count" aria-live="polite" data-testid="alerts-count">
          {countText}
        </div>
      </form>

      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}

      {pages.total === 0 ? (
        <div className="empty-state card">
          <span className="empty-icon tone-ok">
            <Icon name={isFiltered ? 'search' : 'check'} size={28} />
          </span>
          <h2>{filter.state === 'active' && !isFiltered ? 'No active alerts' : 'No alerts match'}</h2>
          <p>{filter.state === 'active' && !isFiltered ? 'Everything that went down has recovered or been resolved.' : 'Try other words, another time range or state.'}</p>
        </div>
      ) : (
        <div className="card table-card alert-list" data-testid="alerts-table">
          <div className="alert-list-head" aria-hidden="true">
            <span>State</span>
            <span>Alert</span>
            <span>Severity</span>
            <span>When</span>
            <span />
          </div>
          <div ref={scrollRef} className="alert-list-scroll" role="list" aria-label="Alerts" aria-busy={loading} tabIndex={0}>
            <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
              {items.map((item) => {
                const a = rowAt(item.index);
                return (
                  <div
                    key={item.key}
                    data-index={item.index}
                    ref={virtualizer.measureElement}
                    className="alert-list-row-wrap"
                    style={{ transform: `translateY(${item.start}px)` }}
                    role="listitem"
                    aria-posinset={item.index + 1}
                    aria-setsize={count}
                  >
                    {a ? <AlertRow alert={a} now={now} onDone={reload} /> : <div className="alert-list-row alert-list-placeholder" aria-label="Loading" />}
                  </div>
                );
              })}
            </div>
          </div>
        </div>
      )}
    </div>
  );
}

function AlertRow({ alert: a, now, onDone }: { alert: Alert; now: number; onDone: () => void }) {
  const st = ALERT_STATE_META[a.state];
  const sev = SEVERITY_META[a.severity];
  const silenced = a.state !== 'resolved' && isSilenced(a, now);
  return (
    <div className="alert-list-row" data-testid="alert-row" data-alert-id={a.id} data-state={a.state} data-target={a.target} data-check={a.check} data-silenced={silenced ? 'true' : undefined}>
      <div className="alert-col-state">
        <Badge tone={st.tone} icon={st.icon} label={st.label} size="sm" />
        {silenced && <Badge tone="muted" icon="clock" label="Silenced" size="sm" testId="silenced-badge" />}
      </div>
      <div className="alert-col-main">
        <a href={`#/alerts/${a.id}`} className="cell-title">
          {a.title}
        </a>
        <div className="cell-sub alert-message">{a.message}</div>
        {a.ackNote && (
          <div className="cell-note">
            <Icon name="edit" size={12} /> {a.ackNote}
          </div>
        )}
      </div>
      <div className="alert-col-severity">
        <Badge tone={sev.tone} icon={sev.icon} label={sev.label} size="sm" />
      </div>
      <div className="alert-col-when">
        <time dateTime={new Date(a.openedAt).toISOString()} title={dateTime(a.openedAt)}>
          {relativeTime(a.openedAt, now)}
        </time>
        <div className={`cell-sub${a.state === 'resolved' ? '' : ' text-danger'}`} data-testid="alert-duration">
          {alertDuration(a, now)}
        </div>
        <div className="cell-sub">{a.count === 1 ? '1 failed probe' : `${a.count} failed probes`}</div>
      </div>
      <div className="alert-col-actions">
        <AlertActions alert={a} onDone={onDone} />
      </div>
    </div>
  );
}
