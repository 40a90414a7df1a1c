// The dashboard's pure view model: problems first, search by name/URL/tag, status and tag filters,
// sorting, the outage banner's list, cert days, the shared sparkline scale, the "failure N of M"
// note (never on paused checks), the remembered view; and the toast list (at most three, one per
// subject, no long note repeated).
import { describe, expect, it } from 'vitest';
import type { CheckStatus, CheckView, Overview, TargetView } from '../../src-main/core/model';
import {
  DEFAULT_FILTERS,
  allTags,
  certDaysLeft,
  certTone,
  downChecks,
  failureNote,
  listRows,
  matchesQuery,
  readSort,
  readViewMode,
  sharedLatencyScale,
  targetGroups,
  writeViewMode,
  type DashboardFilters,
} from '../../src-renderer/src/state/dashboard-view';
import { MAX_TOASTS, pushToast, type Toast } from '../../src-renderer/src/state/store';

let nextId = 1;
function check(target: string, name: string, status: CheckStatus, extra: Partial<CheckView> = {}): CheckView {
  return {
    id: nextId++,
    targetId: 0,
    target,
    name,
    kind: 'http',
    describe: `http://${target}.example/${name}`,
    enabled: status !== 'paused',
    status,
    since: 1000,
    lastResult: null,
    failStreak: 0,
    retries: 1,
    intervalMs: 30_000,
    stats24h: { uptime: 1, meanLatencyMs: 20, p95LatencyMs: 30, probes: 10 },
    recentLatency: [],
    ...extra,
  };
}

function target(id: number, name: string, tags: string[], checks: CheckView[]): TargetView {
  const order: CheckStatus[] = ['down', 'degraded', 'pending', 'up', 'paused'];
  const status = order.find((s) => checks.some((c) => c.status === s)) ?? 'paused';
  return { id, name, tags, status, checks: checks.map((c) => ({ ...c, targetId: id })) };
}

function overview(targets: TargetView[]): Overview {
  const counts = { pending: 0, up: 0, degraded: 0, down: 0, paused: 0 } as Record<CheckStatus, number>;
  for (const t of targets) for (const c of t.checks) counts[c.status]++;
  return { paused: false, level: 'ok', counts, openAlerts: 0, targets, generatedAt: 1 };
}

const filters = (patch: Partial<DashboardFilters> = {}): DashboardFilters => ({ ...DEFAULT_FILTERS, ...patch });

const sample = () =>
  overview([
    target(1, 'alpha', ['prod'], [check('alpha', 'home', 'up'), check('alpha', 'api', 'up')]),
    target(2, 'bravo', ['staging'], [check('bravo', 'home', 'up'), check('bravo', 'slow', 'degraded', { since: 500 })]),
    target(3, 'charlie', ['prod', 'eu'], [check('charlie', 'db', 'pending', { failStreak: 1 }), check('charlie', 'shop', 'down', { since: 200 }), check('charlie', 'old', 'paused')]),
    target(4, 'delta', [], [check('delta', 'web', 'down', { since: 100, describe: 'https://delta.example/login' })]),
  ]);

describe('problems first', () => {
  it('puts down targets on top, then degraded, then pending, keeping document order otherwise', () => {
    const o = overview([
      target(1, 'ok-1', [], [check('ok-1', 'a', 'up')]),
      target(2, 'pending', [], [check('pending', 'a', 'pending')]),
      target(3, 'degraded', [], [check('degraded', 'a', 'degraded')]),
      target(4, 'down-1', [], [check('down-1', 'a', 'down')]),
      target(5, 'ok-2', [], [check('ok-2', 'a', 'up')]),
      target(6, 'down-2', [], [check('down-2', 'a', 'down')]),
    ]);
    expect(targetGroups(o, filters()).map((g) => g.target.name)).toEqual(['down-1', 'down-2', 'degraded', 'pending', 'ok-1', 'ok-2']);
  });

  it('orders the checks inside a card and the flat list by status, longest problem first', () => {
    const groups = targetGroups(sample(), filters());
    expect(groups.find((g) => g.target.name === 'charlie')!.checks.map((c) => c.name)).toEqual(['shop', 'db', 'old']);
    expect(listRows(sample(), filters()).map((r) => `${r.check.target}/${r.check.name}`)).toEqual([
      'delta/web',
      'charlie/shop',
      'bravo/slow',
      'charlie/db',
      'alpha/api',
      'alpha/home',
      'bravo/home',
      'charlie/old',
    ]);
  });

  it('lists what is down for the banner, longest outage first', () => {
    expect(downChecks(sample()).map((c) => `${c.target}/${c.name}`)).toEqual(['delta/web', 'charlie/shop']);
  });

  it('"problems only" keeps down, degraded and pending, and drops targets left empty', () => {
    const rows = listRows(sample(), filters({ problemsOnly: true }));
    expect(rows.map((r) => r.check.status)).toEqual(['down', 'down', 'degraded', 'pending']);
    expect(targetGroups(sample(), filters({ problemsOnly: true })).map((g) => g.target.name)).toEqual(['charlie', 'delta', 'bravo']);
    expect(targetGroups(sample(), filters({ problemsOnly: true })).find((g) => g.target.name === 'charlie')!.hidden).toBe(1);
  });
});

describe('search and filters', () => {
  it('matches name, target, URL and tag; every word must match', () => {
    const names = (q: string) => listRows(sample(), filters({ query: q, sort: 'name' })).map((r) => `${r.check.target}/${r.check.name}`);
    expect(names('shop')).toEqual(['charlie/shop']);
    expect(names('login')).toEqual(['delta/web']);
    expect(names('HOME')).toEqual(['alpha/home', 'bravo/home']);
    expect(names('staging')).toEqual(['bravo/home', 'bravo/slow']);
    expect(names('prod home')).toEqual(['alpha/home']);
    expect(names('tag:eu')).toEqual(['charlie/db', 'charlie/old', 'charlie/shop']);
    expect(names('is:down')).toEqual(['charlie/shop', 'delta/web']);
    expect(names('nothing-like-this')).toEqual([]);
  });

  it('a tag filter by itself does not match substrings ("pro" is not "prod")', () => {
    const c = check('x', 'y', 'up');
    expect(matchesQuery(c, ['prod'], 'tag:pro')).toBe(false);
    expect(matchesQuery(c, ['prod'], 'tag:prod')).toBe(true);
  });

  it('filters by status (the tiles) and by tags (any of them)', () => {
    expect(listRows(sample(), filters({ statuses: ['degraded', 'pending'] })).map((r) => r.check.name)).toEqual(['slow', 'db']);
    expect(listRows(sample(), filters({ tags: ['staging', 'eu'], sort: 'name' })).map((r) => `${r.check.target}/${r.check.name}`)).toEqual([
      'bravo/home',
      'bravo/slow',
      'charlie/db',
      'charlie/old',
      'charlie/shop',
    ]);
    expect(allTags(sample())).toEqual(['eu', 'prod', 'staging']);
  });

  it('sorts by latency (slowest first) and by uptime (lowest first), unknown values last', () => {
    const o = overview([
      target(1, 't', [], [
        check('t', 'fast', 'up', { lastResult: { target: 't', check: 'fast', at: 1, status: 'up', latencyMs: 5, message: '' }, stats24h: { uptime: 0.9, meanLatencyMs: 5, p95LatencyMs: 5, probes: 1 } }),
        check('t', 'none', 'pending', { stats24h: { uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 } }),
        check('t', 'slow', 'up', { lastResult: { target: 't', check: 'slow', at: 1, status: 'up', latencyMs: 900, message: '' }, stats24h: { uptime: 0.5, meanLatencyMs: 900, p95LatencyMs: 900, probes: 1 } }),
      ]),
    ]);
    expect(listRows(o, filters({ sort: 'latency' })).map((r) => r.check.name)).toEqual(['slow', 'fast', 'none']);
    expect(listRows(o, filters({ sort: 'uptime' })).map((r) => r.check.name)).toEqual(['slow', 'fast', 'none']);
  });

  it('handles 2,000 checks over 100 targets', () => {
    const targets = Array.from({ length: 100 }, (_, t) =>
      target(t + 1, `host-${t}`, [t % 2 ? 'odd' : 'even'], Array.from({ length: 20 }, (_, c) => check(`host-${t}`, `check-${c}`, (t * 20 + c) % 97 === 0 ? 'down' : 'up'))),
    );
    const o = overview(targets);
    const rows = listRows(o, filters());
    expect(rows).toHaveLength(2000);
    expect(rows.slice(0, 21).every((r) => r.check.status === 'down')).toBe(true);
    expect(listRows(o, filters({ query: 'host-42 check-7' })).map((r) => r.check.name)).toEqual(['check-7']);
  });
});

describe('what each row shows', () => {
  it('shows certificate days only for HTTPS checks that measured them, with the warn/critical tones', () => {
    const https = check('t', 'tls', 'up', { describe: 'https://t.example/', lastResult: { target: 't', check: 'tls', at: 1, status: 'up', latencyMs: 3, message: '', metrics: { certDaysLeft: 12.4 } } });
    const plain = check('t', 'plain', 'up', { lastResult: { target: 't', check: 'plain', at: 1, status: 'up', latencyMs: 3, message: '', metrics: { certDaysLeft: 12 } } });
    expect(certDaysLeft(https)).toBe(12.4);
    expect(certDaysLeft(plain)).toBeNull();
    expect([certTone(40), certTone(14), certTone(7), certTone(-1)]).toEqual(['ok', 'warn', 'danger', 'danger']);
  });

  it('never shows "failure N of M before down" on paused or disabled checks', () => {
    expect(failureNote(check('t', 'a', 'pending', { failStreak: 1, retries: 2 }))).toBe('failure 1 of 3 before down');
    expect(failureNote(check('t', 'a', 'paused', { failStreak: 1, retries: 2 }))).toBeNull();
    expect(failureNote(check('t', 'a', 'pending', { failStreak: 1, enabled: false }))).toBeNull();
    expect(failureNote(check('t', 'a', 'down', { failStreak: 4 }))).toBeNull();
    expect(failureNote(check('t', 'a', 'up'))).toBeNull();
  });

  it('gives the sparklines one scale that a single timeout does not flatten', () => {
    const series = [Array.from({ length: 40 }, () => 20), Array.from({ length: 40 }, (_, i) => (i === 39 ? 10_000 : 40))];
    const scale = sharedLatencyScale(series);
    expect(scale).toBeGreaterThanOrEqual(40);
    expect(scale).toBeLessThan(100);
    expect(sharedLatencyScale([[null, null]])).toBe(100);
  });

  it('remembers the chosen view and sort', () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) };
    expect(readViewMode(storage)).toBe('cards');
    writeViewMode(storage, 'list');
    expect(readViewMode(storage)).toBe('list');
    expect(readSort({ getItem: () => 'bogus' })).toBe('status');
    expect(readViewMode(null)).toBe('cards');
  });
});

describe('toasts', () => {
  const t = (id: number, patch: Partial<Toast> = {}): Toast => ({ id, tone: 'info', title: `toast ${id}`, ...patch });

  it('keeps at most three, the newest', () => {
    let list: Toast[] = [];
    for (let i = 1; i <= 5; i++) list = pushToast(list, t(i));
    expect(list.map((x) => x.id)).toEqual([3, 4, 5]);
    expect(MAX_TOASTS).toBe(3);
  });

  it('one toast per subject: a newer toast about the same check replaces the older', () => {
    let list = pushToast([], t(1, { key: 'check:7', title: 'web1 / home: down' }));
    list = pushToast(list, t(2, { key: 'check:8', title: 'web1 / api: up' }));
    list = pushToast(list, t(3, { key: 'check:7', title: 'web1 / home is down' }));
    expect(list.map((x) => x.title)).toEqual(['web1 / api: up', 'web1 / home is down']);
  });

  it('never repeats the same toast or a long note; an error is cut to a glance', () => {
    let list = pushToast([], t(1, { title: 'Saved' }));
    list = pushToast(list, t(2, { title: 'Saved' }));
    expect(list).toHaveLength(1);
    const note = 'x'.repeat(400);
    expect(pushToast([], t(3, { tone: 'success', title: 'Acknowledged: web1 / home', body: note }))[0]!.body).toBeUndefined();
    const error = pushToast([], t(4, { tone: 'danger', title: 'Could not pause', body: note }))[0]!.body!;
    expect(error.length).toBeLessThanOrEqual(120);
    expect(error.endsWith('\u2026')).toBe(true);
  });
});
