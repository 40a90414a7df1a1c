// The top of the dashboard: summary tiles that are status filters, the outage banner naming what
// is down (with links), and the toolbar (search with "/" to focus, tags, problems only, sort, view).
import { forwardRef } from 'react';
import type { CheckStatus, CheckView, Overview } from '../../../../src-main/core/model';
import { Icon } from '../icons';
import { LEVEL_META, STATUS_META } from '../status';
import { plural } from '../../lib/format';
import type { DashboardFilters, SortKey, ViewMode } from '../../state/dashboard-view';
import { sinceText } from './CheckRows';

const TILE_ORDER: CheckStatus[] = ['down', 'degraded', 'pending', 'up', 'paused'];

export function SummaryTiles({ overview, statuses, onToggle }: { overview: Overview; statuses: CheckStatus[]; onToggle: (s: CheckStatus) => void }) {
  const levelKey = overview.paused ? 'idle' : overview.level;
  const level = LEVEL_META[levelKey];
  const total = TILE_ORDER.reduce((n, s) => n + overview.counts[s], 0);
  const label = overview.paused ? 'Monitoring paused' : levelKey === 'idle' ? 'Nothing to watch yet' : level.label;
  return (
    <section className={`summary dash-summary tone-${level.tone}`} aria-label="Overall status" data-testid="overall-status" data-level={levelKey}>
      <div className="summary-status">
        <span className={`summary-icon tone-${level.tone}`}>
          <Icon name={level.icon} size={22} />
        </span>
        <div>
          <div className="summary-label">{label}</div>
          <div className="summary-sub">
            {total === 0 ? 'Nothing is probed yet' : overview.paused ? `${plural(total, 'probe')} on hold until you resume` : `${overview.counts.up} of ${plural(total, 'probe')} up`}
          </div>
        </div>
      </div>
      <div className="summary-counts dash-tiles" role="group" aria-label="Show only a status">
        {TILE_ORDER.map((s) => {
          const active = statuses.includes(s);
          return (
            <button
              type="button"
              key={s}
              className={`count dash-tile count-${STATUS_META[s].tone}${overview.counts[s] === 0 ? ' count-zero' : ''}${active ? ' active' : ''}`}
              aria-pressed={active}
              onClick={() => onToggle(s)}
              data-testid={`count-${s}`}
              title={active ? `Show every status again` : `Show only ${STATUS_META[s].label.toLowerCase()} probes`}
            >
              <span className="dash-tile-label">
                <Icon name={STATUS_META[s].icon} size={13} />
                {STATUS_META[s].label}
              </span>
              <span className="dash-tile-value">{overview.counts[s]}</span>
            </button>
          );
        })}
        <a className={`count count-link dash-tile ${overview.openAlerts > 0 ? 'count-danger' : 'count-zero'}`} href="#/alerts" data-testid="open-alerts">
          <span className="dash-tile-label">
            <Icon name="bell" size={13} />
            Open alerts
          </span>
          <span className="dash-tile-value">{overview.openAlerts}</span>
        </a>
      </div>
    </section>
  );
}

const BANNER_MAX = 6;

/** What is down, by name, with links: the first thing seen during an outage. */
export function OutageBanner({ down, now, onShowAll }: { down: CheckView[]; now: number; onShowAll: () => void }) {
  if (down.length === 0) return null;
  const shown = down.slice(0, BANNER_MAX);
  return (
    <section className="dash-outage" role="alert" aria-label="Down now" data-testid="outage-banner">
      <div className="dash-outage-head">
        <Icon name="x" size={16} />
        <strong>{down.length === 1 ? '1 probe is down' : `${down.length} probes are down`}</strong>
      </div>
      <ul className="dash-outage-list">
        {shown.map((c) => (
          <li key={c.id}>
            <a href={`#/checks/${c.id}`} data-testid="outage-link">
              {c.target} / {c.name}
            </a>
            <span className="muted"> {sinceText(c.since, now)}</span>
          </li>
        ))}
        {down.length > BANNER_MAX && (
          <li>
            <button type="button" className="dash-linkish" onClick={onShowAll} data-testid="outage-more">
              and {down.length - BANNER_MAX} more
            </button>
          </li>
        )}
      </ul>
    </section>
  );
}

export const Toolbar = forwardRef<
  HTMLInputElement,
  {
    filters: DashboardFilters;
    tags: string[];
    view: ViewMode;
    shown: number;
    total: number;
    onChange: (patch: Partial<DashboardFilters>) => void;
    onView: (view: ViewMode) => void;
    onClear: () => void;
  }
>(function Toolbar({ filters, tags, view, shown, total, onChange, onView, onClear }, searchRef) {
  const filtering = filters.query !== '' || filters.statuses.length > 0 || filters.tags.length > 0 || filters.problemsOnly;
  return (
    <div className="dash-toolbar" role="search">
      <label className="dash-search">
        <Icon name="search" size={15} />
        <span className="sr-only">Search by name, URL or tag</span>
        <input
          ref={searchRef}
          type="search"
          placeholder={'Search name, URL, tag\u2026'}
          value={filters.query}
          onChange={(e) => onChange({ query: e.target.value })}
          onKeyDown={(e) => {
            if (e.key === 'Escape') {
              onChange({ query: '' });
              e.currentTarget.blur();
            }
          }}
          aria-keyshortcuts="/"
          data-testid="dash-search"
        />
        <kbd className="dash-kbd" aria-hidden="true">
          /
        </kbd>
      </label>
      <label className="dash-check-toggle">
        <input type="checkbox" checked={filters.problemsOnly} onChange={(e) => onChange({ problemsOnly: e.target.checked })} data-testid="problems-only" />
        Problems only
      </label>
      {tags.length > 0 && (
        <div className="dash-tags" role="group" aria-label="Tags">
          {tags.map((tag) => {
            const active = filters.tags.includes(tag);
            return (
              <button
                type="button"
                key={tag}
                className={`tag dash-tag${active ? ' active' : ''}`}
                aria-pressed={active}
                onClick={() => onChange({ tags: active ? filters.tags.filter((t) => t !== tag) : [...filters.tags, tag] })}
                data-testid="tag-filter"
              >
                {tag}
              </button>
            );
          })}
        </div>
      )}
      <div className="dash-toolbar-end">
        <span className="muted dash-shown" data-testid="shown-count">
          {filtering ? `${shown} of ${plural(total, 'probe')}` : plural(total, 'probe')}
        </span>
        {filtering && (
          <button type="button" className="btn btn-ghost btn-sm" onClick={onClear} data-testid="clear-filters">
            Clear filters
          </button>
        )}
        <label className="dash-sort-select">
          <span className="sr-only">Sort by</span>
          <select value={filters.sort} onChange={(e) => onChange({ sort: e.target.value as SortKey })} data-testid="sort">
            <option value="status">Problems first</option>
            <option value="name">Name</option>
            <option value="latency">Slowest first</option>
            <option value="uptime">Lowest uptime first</option>
          </select>
        </label>
        <div className="segmented dash-view-toggle" role="group" aria-label="View">
          <button type="button" className={`segmented-item${view === 'cards' ? ' active' : ''}`} aria-pressed={view === 'cards'} onClick={() => onView('cards')} data-testid="view-cards">
            <Icon name="gauge" size={14} /> Cards
          </button>
          <button type="button" className={`segmented-item${view === 'list' ? ' active' : ''}`} aria-pressed={view === 'list'} onClick={() => onView('list')} data-testid="view-list">
            <Icon name="list" size={14} /> List
          </button>
        </div>
      </div>
    </div>
  );
});
