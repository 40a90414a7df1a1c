// The dashboard's view model, pure: which checks show, in which order, grouped how. Problems come
// first (down, degraded, pending), search matches name, target, URL and tags, filters are
// statuses and tags, sorting by status, name, latency or uptime. No React, no I/O: unit-tested.
import type { CheckStatus, CheckView, Overview, TargetView } from '../../../src-main/core/model';

export type ViewMode = 'cards' | 'list';
export type SortKey = 'status' | 'name' | 'latency' | 'uptime';

export interface DashboardFilters {
  query: string;
  /** Statuses to show; empty = all. */
  statuses: CheckStatus[];
  /** Tags a check's target must have (any of them); empty = all. */
  tags: string[];
  problemsOnly: boolean;
  sort: SortKey;
}

export const DEFAULT_FILTERS: DashboardFilters = { query: '', statuses: [], tags: [], problemsOnly: false, sort: 'status' };

/** Down first, then degraded, then pending (unconfirmed failures), then up, then paused. */
export const STATUS_RANK: Record<CheckStatus, number> = { down: 0, degraded: 1, pending: 2, up: 3, paused: 4 };

export function isProblem(status: CheckStatus): boolean {
  return status === 'down' || status === 'degraded' || status === 'pending';
}

export interface CheckRowModel {
  check: CheckView;
  tags: string[];
}

/**
 * Every word of the query must match somewhere: the check's name, its target, what it probes
 * (URL, host:port) or a tag. "tag:prod" matches the tag exactly; "is:down" a status.
 */
export function matchesQuery(check: CheckView, tags: string[], query: string): boolean {
  const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const haystack = `${check.name}\n${check.target}\n${check.describe}\n${tags.join('\n')}`.toLowerCase();
  return words.every((word) => {
    if (word.startsWith('tag:') && word.length > 4) return tags.some((t) => t.toLowerCase() === word.slice(4));
    if (word.startsWith('is:') && word.length > 3) return check.status === word.slice(3);
    return haystack.includes(word);
  });
}

export function matchesFilters(check: CheckView, tags: string[], filters: DashboardFilters): boolean {
  if (filters.problemsOnly && !isProblem(check.status)) return false;
  if (filters.statuses.length > 0 && !filters.statuses.includes(check.status)) return false;
  if (filters.tags.length > 0 && !filters.tags.some((t) => tags.includes(t))) return false;
  return matchesQuery(check, tags, filters.query);
}

const byStatus = (a: CheckView, b: CheckView) => STATUS_RANK[a.status] - STATUS_RANK[b.status];
const byName = (a: CheckView, b: CheckView) => a.target.localeCompare(b.target) || a.name.localeCompare(b.name);
/** Unknown values sort last whatever the direction. */
const nullsLast = (a: number | null | undefined, b: number | null | undefined, cmp: (x: number, y: number) => number) =>
  a == null ? (b == null ? 0 : 1) : b == null ? -1 : cmp(a, b);

export function compareChecks(sort: SortKey): (a: CheckView, b: CheckView) => number {
  switch (sort) {
    case 'status':
      // Within a status the longest-standing problem first: it is the one that hurts most.
      return (a, b) => byStatus(a, b) || nullsLast(a.since, b.since, (x, y) => x - y) || byName(a, b);
    case 'name':
      return byName;
    case 'latency':
      return (a, b) => nullsLast(a.lastResult?.latencyMs, b.lastResult?.latencyMs, (x, y) => y - x) || byName(a, b);
    case 'uptime':
      return (a, b) => nullsLast(a.stats24h.uptime, b.stats24h.uptime, (x, y) => x - y) || byName(a, b);
  }
}

/** The flat list (compact view): one row per check that passes the filters, sorted. */
export function listRows(overview: Overview, filters: DashboardFilters): CheckRowModel[] {
  const rows: CheckRowModel[] = [];
  for (const target of overview.targets) {
    for (const check of target.checks) {
      if (matchesFilters(check, target.tags, filters)) rows.push({ check, tags: target.tags });
    }
  }
  const cmp = compareChecks(filters.sort);
  return rows.sort((a, b) => cmp(a.check, b.check));
}

export interface TargetGroup {
  target: TargetView;
  /** The target's checks that pass the filters, problems first. */
  checks: CheckView[];
  /** How many of its checks the filters hide. */
  hidden: number;
}

/**
 * The cards view: targets with a problem on top (down, then degraded, then pending), each card's
 * checks problems first. A target whose checks are all filtered out is left out, unless no filter
 * is set (an empty target still shows, so it can be given checks).
 */
export function targetGroups(overview: Overview, filters: DashboardFilters): TargetGroup[] {
  const filtering = filters.query.trim() !== '' || filters.statuses.length > 0 || filters.tags.length > 0 || filters.problemsOnly;
  const cmp = compareChecks(filters.sort);
  const groups: Array<TargetGroup & { order: number }> = [];
  overview.targets.forEach((target, order) => {
    const checks = target.checks.filter((c) => matchesFilters(c, target.tags, filters)).sort(cmp);
    if (filtering && checks.length === 0) return;
    groups.push({ target, checks, hidden: target.checks.length - checks.length, order });
  });
  // Document order among targets of the same status, so cards do not jump around needlessly.
  return groups
    .sort((a, b) => (filters.sort === 'name' ? a.target.name.localeCompare(b.target.name) : STATUS_RANK[a.target.status] - STATUS_RANK[b.target.status] || a.order - b.order))
    .map(({ target, checks, hidden }) => ({ target, checks, hidden }));
}

/** What is down right now, longest outage first (the outage banner). */
export function downChecks(overview: Overview): CheckView[] {
  return overview.targets
    .flatMap((t) => t.checks.filter((c) => c.status === 'down'))
    .sort((a, b) => nullsLast(a.since, b.since, (x, y) => x - y));
}

export function allTags(overview: Overview): string[] {
  return [...new Set(overview.targets.flatMap((t) => t.tags))].sort((a, b) => a.localeCompare(b));
}

/** Days until the certificate expires, for HTTPS checks that measured it; null otherwise. */
export function certDaysLeft(check: CheckView): number | null {
  if (!check.describe.toLowerCase().startsWith('https://')) return null;
  const days = check.lastResult?.metrics?.certDaysLeft;
  return typeof days === 'number' && Number.isFinite(days) ? days : null;
}

export type CertTone = 'ok' | 'warn' | 'danger';

/** Certificate urgency, with the defaults of the certificate checks (warn at 14 days, critical at 7). */
export function certTone(days: number, warnDays = 14, criticalDays = 7): CertTone {
  return days <= criticalDays ? 'danger' : days <= warnDays ? 'warn' : 'ok';
}

/**
 * One latency scale for the sparklines shown together, so two sparklines can be compared at a
 * glance; taken at the 95th percentile of all their points so one 10 s timeout does not flatten
 * every other line (points above it are drawn at the top).
 */
export function sharedLatencyScale(series: ReadonlyArray<ReadonlyArray<number | null>>): number {
  const values: number[] = [];
  for (const s of series) for (const v of s) if (v !== null && Number.isFinite(v)) values.push(v);
  if (values.length === 0) return 100;
  values.sort((a, b) => a - b);
  const p95 = values[Math.min(values.length - 1, Math.floor(values.length * 0.95))]!;
  return niceCeiling(Math.max(10, p95 * 1.15));
}

/**
 * The next step of 1-2-5 (10, 20, 50, 100 ms, …): the scale stays put while latencies wobble, so
 * live updates do not redraw every sparkline on screen.
 */
export function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (value <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

/** "failure 1 of 3 before down": only while an enabled, running check is failing unconfirmed. */
export function failureNote(check: CheckView): string | null {
  if (!check.enabled || check.status === 'paused' || check.status === 'down') return null;
  if (check.failStreak <= 0) return null;
  return `failure ${check.failStreak} of ${check.retries + 1} before down`;
}

export function toggle<T>(list: readonly T[], item: T): T[] {
  return list.includes(item) ? list.filter((x) => x !== item) : [...list, item];
}

const VIEW_KEY = 'kaavan.dashboard.view';
const SORT_KEY = 'kaavan.dashboard.sort';

/** The remembered view (cards or list); cards until the user picks. */
export function readViewMode(storage: Pick<Storage, 'getItem'> | null): ViewMode {
  try {
    return storage?.getItem(VIEW_KEY) === 'list' ? 'list' : 'cards';
  } catch {
    return 'cards';
  }
}

export function writeViewMode(storage: Pick<Storage, 'setItem'> | null, mode: ViewMode): void {
  try {
    storage?.setItem(VIEW_KEY, mode);
  } catch {
    // storage disabled: the choice lasts for this page
  }
}

export function readSort(storage: Pick<Storage, 'getItem'> | null): SortKey {
  try {
    const v = storage?.getItem(SORT_KEY);
    return v === 'name' || v === 'latency' || v === 'uptime' ? v : 'status';
  } catch {
    return 'status';
  }
}

export function writeSort(storage: Pick<Storage, 'setItem'> | null, sort: SortKey): void {
  try {
    storage?.setItem(SORT_KEY, sort);
  } catch {
    // storage disabled
  }
}
