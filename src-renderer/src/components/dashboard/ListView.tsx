// The compact list: one line per check, virtualised against the window's scroll (only the rows in
// view, plus a few, are in the DOM), so 2,000 checks scroll as smoothly as 20. Positions are set
// through the CSSOM (React's style prop), which the strict CSP allows; no style attributes in HTML.
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import type { CheckRowModel, SortKey } from '../../state/dashboard-view';
import { LIST_ROW_HEIGHT, ListRow, type RowContext } from './CheckRows';

const COLUMNS: Array<{ key: string; label: string; sort?: SortKey; className: string }> = [
  { key: 'status', label: 'Status', sort: 'status', className: 'col-status' },
  { key: 'name', label: 'Name', sort: 'name', className: 'col-name' },
  { key: 'target', label: 'Target', className: 'col-target' },
  { key: 'latency', label: 'Latency', sort: 'latency', className: 'col-latency num' },
  { key: 'bar', label: 'Recent probes', className: 'col-bar' },
  { key: 'uptime', label: 'Uptime 24 h', sort: 'uptime', className: 'col-uptime num' },
  { key: 'cert', label: 'Cert', className: 'col-cert' },
];

export function ListView({
  rows,
  selected,
  ctx,
  sort,
  onSort,
  allSelected,
  onSelectAll,
}: {
  rows: CheckRowModel[];
  selected: ReadonlySet<number>;
  ctx: RowContext;
  sort: SortKey;
  onSort: (sort: SortKey) => void;
  allSelected: boolean;
  onSelectAll: (selected: boolean) => void;
}) {
  const bodyRef = useRef<HTMLDivElement>(null);
  const [scrollMargin, setScrollMargin] = useState(0);
  // Where the list starts in the page (banners and filters above it move it): measured when the
  // page's size changes, never on every scroll frame.
  useLayoutEffect(() => {
    const measure = () => {
      const el = bodyRef.current;
      if (!el) return;
      const top = Math.round(el.getBoundingClientRect().top + window.scrollY);
      setScrollMargin((prev) => (prev === top ? prev : top));
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(document.querySelector('main') ?? document.body);
    return () => observer.disconnect();
  }, []);
  // Stable callbacks: a new one on every render makes the virtualizer re-measure all 2,000 rows.
  const estimateSize = useCallback(() => LIST_ROW_HEIGHT, []);
  const getItemKey = useCallback((index: number) => rows[index]?.check.id ?? index, [rows]);
  const virtualizer = useWindowVirtualizer({ count: rows.length, estimateSize, overscan: 10, scrollMargin, getItemKey });
  const items = virtualizer.getVirtualItems();

  return (
    <div className="card dash-list" role="grid" aria-label="Probes" aria-rowcount={rows.length + 1} data-testid="check-list" data-rows={rows.length}>
      <div role="row" aria-rowindex={1} className="dash-list-row dash-list-head">
        <span role="columnheader" className="col-select">
          <input type="checkbox" className="dash-select" checked={allSelected} onChange={(e) => onSelectAll(e.target.checked)} aria-label="Select every probe shown" data-testid="select-all" />
        </span>
        {COLUMNS.map((col) => (
          <span key={col.key} role="columnheader" className={col.className} aria-sort={col.sort && sort === col.sort ? (col.sort === 'latency' ? 'descending' : 'ascending') : undefined}>
            {col.sort ? (
              <button type="button" className={`dash-sort${sort === col.sort ? ' active' : ''}`} onClick={() => onSort(col.sort!)} data-testid={`sort-${col.sort}`}>
                {col.label}
              </button>
            ) : (
              col.label
            )}
          </span>
        ))}
        <span role="columnheader" className="col-actions">
          <span className="sr-only">Actions</span>
        </span>
      </div>
      <div ref={bodyRef} className="dash-list-body" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows[item.index]!;
          return (
            <div key={item.key} className="dash-list-slot" style={{ transform: `translateY(${item.start - scrollMargin}px)` }}>
              <ListRow check={row.check} selected={selected.has(row.check.id)} ctx={ctx} index={item.index} />
            </div>
          );
        })}
      </div>
      {rows.length === 0 && <p className="card-empty">No probe matches these filters.</p>}
    </div>
  );
}
