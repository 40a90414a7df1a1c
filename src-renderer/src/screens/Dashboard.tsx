// Dashboard: what is broken first (outage banner with links, tiles that filter by status, targets
// and checks with problems on top), then everything else, as target cards or a compact virtualised
// list (remembered). Search ("/" focuses it) by name, URL or tag; tag filters; sorting; quick and
// bulk actions (pause/resume, clone, delete, acknowledge). Live via events. The filtering and
// ordering are pure (state/dashboard-view.ts).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { CheckStatus, CheckView } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { useNow } from '../lib/hooks';
import { plural, relativeTime } from '../lib/format';
import { errorMessage } from '../client/client';
import { Icon } from '../components/icons';
import { ConfirmDialog } from '../components/Dialog';
import {
  DEFAULT_FILTERS,
  allTags,
  downChecks,
  listRows,
  readSort,
  readViewMode,
  sharedLatencyScale,
  targetGroups,
  toggle,
  writeSort,
  writeViewMode,
  type DashboardFilters,
  type ViewMode,
} from '../state/dashboard-view';
import { OutageBanner, SummaryTiles, Toolbar } from '../components/dashboard/Controls';
import { CardsView } from '../components/dashboard/CardsView';
import { ListView } from '../components/dashboard/ListView';
import { BulkBar } from '../components/dashboard/BulkBar';
import { useDashboardActions, useOpenAlerts } from '../components/dashboard/actions';
import type { RowContext } from '../components/dashboard/CheckRows';
import '../styles/dashboard.css';

/** Above this many checks the compact list is the default view (until the user picks one). */
const LIST_BY_DEFAULT_ABOVE = 200;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function hasStoredView(): boolean {
  try {
    return window.localStorage.getItem('kaavan.dashboard.view') !== null;
  } catch {
    return false;
  }
}

export function DashboardScreen() {
  const overview = useApp((s) => s.overview)!;
  const info = useApp((s) => s.info);
  const now = useNow(5000);
  const total = overview.targets.reduce((n, t) => n + t.checks.length, 0);
  const [view, setView] = useState<ViewMode>(() => (hasStoredView() ? readViewMode(storage()) : total > LIST_BY_DEFAULT_ABOVE ? 'list' : 'cards'));
  const [filters, setFilters] = useState<DashboardFilters>(() => ({ ...DEFAULT_FILTERS, sort: readSort(storage()) }));
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [deleting, setDeleting] = useState<CheckView[] | null>(null);
  const [deleteBusy, setDeleteBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const actions = useDashboardActions();
  const alerts = useOpenAlerts();

  // "/" focuses the search from anywhere on the dashboard: any check in two keystrokes.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
      if (document.querySelector('[role="dialog"]')) return;
      e.preventDefault();
      searchRef.current?.focus();
      searchRef.current?.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const patchFilters = useCallback((patch: Partial<DashboardFilters>) => {
    setFilters((f) => ({ ...f, ...patch }));
    if (patch.sort) writeSort(storage(), patch.sort);
  }, []);
  const chooseView = (next: ViewMode) => {
    setView(next);
    writeViewMode(storage(), next);
  };

  const rows = useMemo(() => listRows(overview, filters), [overview, filters]);
  const groups = useMemo(() => (view === 'cards' ? targetGroups(overview, filters) : []), [overview, filters, view]);
  const tags = useMemo(() => allTags(overview), [overview]);
  const down = useMemo(() => downChecks(overview), [overview]);
  const byId = useMemo(() => new Map(overview.targets.flatMap((t) => t.checks.map((c) => [c.id, c] as const))), [overview]);
  // One scale for every sparkline and probe bar on screen, from the checks' recent latency (p95).
  const scale = useMemo(
    () => sharedLatencyScale([rows.map((r) => r.check.stats24h.p95LatencyMs ?? r.check.lastResult?.latencyMs ?? null)]),
    [rows],
  );

  // Forget selected checks that are gone (deleted, filtered by a config change elsewhere).
  useEffect(() => {
    setSelected((s) => {
      const kept = [...s].filter((id) => byId.has(id));
      return kept.length === s.size ? s : new Set(kept);
    });
  }, [byId]);

  const onSelect = useCallback((id: number, on: boolean) => {
    setSelected((s) => {
      if (s.has(id) === on) return s;
      const next = new Set(s);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const kindTitle = useCallback((kind: string) => info?.checkKinds.find((k) => k.kind === kind)?.title ?? kind.toUpperCase(), [info]);
  const onDelete = useCallback((checks: CheckView[]) => {
    setDeleteError(null);
    setDeleting(checks);
  }, []);
  const ctx = useMemo<RowContext>(() => ({ actions, alerts, scale, kindTitle, onSelect, onDelete }), [actions, alerts, scale, kindTitle, onSelect, onDelete]);

  const selectedChecks = useMemo(() => [...selected].map((id) => byId.get(id)).filter((c): c is CheckView => !!c), [selected, byId]);
  const allShownSelected = rows.length > 0 && rows.every((r) => selected.has(r.check.id));
  const selectAllShown = (on: boolean) => setSelected(on ? new Set(rows.map((r) => r.check.id)) : new Set());

  const confirmDelete = async () => {
    if (!deleting) return;
    setDeleteBusy(true);
    setDeleteError(null);
    const ok = await actions.remove(deleting);
    setDeleteBusy(false);
    if (ok) {
      setSelected((s) => {
        const next = new Set(s);
        for (const c of deleting) next.delete(c.id);
        return next;
      });
      setDeleting(null);
    } else setDeleteError('The probes were not deleted; see the notification for why.');
  };

  const empty = overview.targets.length === 0;
  return (
    <div className={`screen dash${selected.size > 0 ? ' dash-selecting' : ''}`} data-view={view}>
      <div className="page-header">
        <div>
          <h1>Dashboard</h1>
          <p className="page-subtitle">
            {empty
              ? 'No targets are being watched yet.'
              : `${plural(overview.targets.length, 'target')}, ${plural(total, 'probe')} \u00b7 updated ${relativeTime(overview.generatedAt, now)}`}
          </p>
        </div>
        {!empty && <PauseAllButton paused={overview.paused} />}
      </div>
      <SummaryTiles overview={overview} statuses={filters.statuses} onToggle={(s: CheckStatus) => patchFilters({ statuses: toggle(filters.statuses, s) })} />
      {!overview.paused && <OutageBanner down={down} now={now} onShowAll={() => patchFilters({ statuses: ['down'], query: '', tags: [] })} />}
      {empty ? (
        <div className="empty-state card" data-testid="dashboard-empty">
          <span className="empty-icon">
            <Icon name="server" size={28} />
          </span>
          <h2>Watch your first server</h2>
          <p>Add a target (a server or service) and give it HTTP or TCP probes. Its health card appears here and updates live.</p>
          <a className="btn btn-primary" href="#/targets?add=target" data-testid="add-first-target">
            <Icon name="plus" /> Add a target
          </a>
        </div>
      ) : (
        <>
          <Toolbar
            ref={searchRef}
            filters={filters}
            tags={tags}
            view={view}
            shown={rows.length}
            total={total}
            onChange={patchFilters}
            onView={chooseView}
            onClear={() => setFilters((f) => ({ ...DEFAULT_FILTERS, sort: f.sort }))}
          />
          {view === 'list' ? (
            <ListView rows={rows} selected={selected} ctx={ctx} sort={filters.sort} onSort={(sort) => patchFilters({ sort })} allSelected={allShownSelected} onSelectAll={selectAllShown} />
          ) : (
            <CardsView groups={groups} selected={selected} ctx={ctx} />
          )}
          <BulkBar checks={selectedChecks} alerts={alerts} actions={actions} onDelete={() => onDelete(selectedChecks)} onClear={() => setSelected(new Set())} />
        </>
      )}
      {deleting && (
        <ConfirmDialog
          title={deleting.length === 1 ? `Delete ${deleting[0]!.target} / ${deleting[0]!.name}?` : `Delete ${plural(deleting.length, 'probe')}?`}
          message={
            <>
              {deleting.length === 1 ? 'It is removed from the configuration' : 'They are removed from the configuration'}; history stays in the
              database until it ages out, and open alerts are closed.
              {deleting.length > 1 && (
                <span className="dash-delete-names">
                  {deleting
                    .slice(0, 8)
                    .map((c) => `${c.target} / ${c.name}`)
                    .join(', ')}
                  {deleting.length > 8 ? ` and ${deleting.length - 8} more` : ''}
                </span>
              )}
            </>
          }
          confirmLabel={deleting.length === 1 ? 'Delete' : `Delete ${deleting.length}`}
          onConfirm={confirmDelete}
          onClose={() => setDeleting(null)}
          busy={deleteBusy}
          error={deleteError}
        />
      )}
    </div>
  );
}

/** Pauses or resumes all monitoring (not saved in the configuration). */
function PauseAllButton({ paused }: { paused: boolean }) {
  const client = useApp((s) => s.client)!;
  const setOverview = useApp((s) => s.setOverview);
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const flip = async () => {
    setBusy(true);
    try {
      setOverview(await client.setPaused({ paused: !paused }));
      toast({ tone: 'info', title: paused ? 'Monitoring resumed' : 'Monitoring paused', body: paused ? undefined : 'No probes run and no alerts open until you resume.', key: 'monitoring' });
    } catch (error) {
      toast({ tone: 'danger', title: paused ? 'Could not resume monitoring' : 'Could not pause monitoring', body: errorMessage(error), key: 'monitoring' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className={`btn ${paused ? 'btn-primary' : ''}`} onClick={flip} disabled={busy} data-testid="pause-toggle">
      <Icon name={paused ? 'play' : 'pause'} />
      {paused ? 'Resume monitoring' : 'Pause monitoring'}
    </button>
  );
}
