// App-wide state (zustand): the client, the live overview fed by the event stream (full snapshots
// and per-check deltas merged by id), Kaavan's own health, the connection state, toasts, and
// revision counters that tell screens to refetch when something changed.
import { create } from 'zustand';
import type { CheckView, KaavanHealth, Overview, OverviewSummary } from '../../../src-main/core/model';
import type { KaavanEvent, ServiceInfo } from '../../../src-main/core/api/service';
import { errorMessage, type ConnectionState, type KaavanClient } from '../client/client';
import { mergeCheckDeltas } from './overview-merge';

export type ThemeChoice = 'system' | 'light' | 'dark';

export interface Toast {
  id: number;
  tone: 'info' | 'success' | 'warning' | 'danger';
  title: string;
  body?: string;
  /** Optional hash link ("#/alerts/4"). */
  href?: string;
  /**
   * What the toast is about ("check:12"): a newer toast with the same key replaces the older one,
   * so one action (run now, then the alert it opened) leaves one toast, not two.
   */
  key?: string;
}

/** At most this many toasts at once; the oldest goes first. */
export const MAX_TOASTS = 3;
/** A toast body is a glance, never the whole note again. */
export const TOAST_BODY_MAX = 120;

/**
 * The toast list after adding `toast`: same key or same text replaces, at most three. A long body
 * (a note the user just typed) is not repeated; an error's is cut to a glance.
 */
export function pushToast(list: readonly Toast[], toast: Toast): Toast[] {
  let body = toast.body?.trim() || undefined;
  if (body && body === toast.title) body = undefined;
  if (body && body.length > TOAST_BODY_MAX) body = toast.tone === 'danger' ? `${body.slice(0, TOAST_BODY_MAX - 1).trimEnd()}\u2026` : undefined;
  const next: Toast = { ...toast, body };
  const kept = list.filter((t) => !(toast.key !== undefined && t.key === toast.key) && !(t.title === next.title && t.body === next.body));
  return [...kept, next].slice(-MAX_TOASTS);
}

interface AppState {
  client: KaavanClient | null;
  /** Set when the app cannot start at all (no token, first call failed). */
  fatal: string | null;
  info: ServiceInfo | null;
  overview: Overview | null;
  /** Kaavan's own problems (store, descriptors, delivery), never a watched server's; null until known. */
  health: KaavanHealth | null;
  connection: ConnectionState;
  /** Bumped on alert events, so alert screens refetch. */
  alertsRevision: number;
  /** Bumped on config changes. */
  configRevision: number;
  /** Bumped on anything that writes the audit log. */
  auditRevision: number;
  toasts: Toast[];
  theme: ThemeChoice;
}

interface AppActions {
  start(client: KaavanClient): Promise<void>;
  fail(message: string): void;
  setOverview(overview: Overview): void;
  /** Merges a checks.changed delta; fetches a fresh snapshot when it cannot be merged. */
  applyCheckDeltas(checks: CheckView[], summary: OverviewSummary): void;
  refreshOverview(): Promise<void>;
  setHealth(health: KaavanHealth): void;
  refreshHealth(): Promise<void>;
  toast(toast: Omit<Toast, 'id'>): void;
  dismissToast(id: number): void;
  setTheme(theme: ThemeChoice): void;
}

const THEME_KEY = 'kaavan.theme';

function readTheme(): ThemeChoice {
  try {
    const stored = localStorage.getItem(THEME_KEY);
    if (stored === 'light' || stored === 'dark' || stored === 'system') return stored;
  } catch {
    // storage disabled
  }
  return 'system';
}

const systemDark = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
let followSystem: (() => void) | null = null;

/** Always sets an explicit <html data-theme>, so the palettes are written once in CSS; "system" follows the OS live. */
export function applyTheme(theme: ThemeChoice): void {
  const root = document.documentElement;
  if (followSystem) systemDark?.removeEventListener('change', followSystem);
  followSystem = null;
  if (theme === 'system') {
    followSystem = () => root.setAttribute('data-theme', systemDark?.matches ? 'dark' : 'light');
    systemDark?.addEventListener('change', followSystem);
    followSystem();
  } else {
    root.setAttribute('data-theme', theme);
  }
}

let toastSeq = 0;

/** Deltas that arrived before the first snapshot; replayed onto it (older ones are ignored by the merge). */
const MAX_EARLY_DELTAS = 50;
let earlyDeltas: Array<{ checks: CheckView[]; summary: OverviewSummary }> = [];
let overviewRefresh: Promise<void> | null = null;

export const useApp = create<AppState & AppActions>()((set, get) => ({
  client: null,
  fatal: null,
  info: null,
  overview: null,
  health: null,
  connection: { status: 'connecting' },
  alertsRevision: 0,
  configRevision: 0,
  auditRevision: 0,
  toasts: [],
  theme: readTheme(),

  async start(client) {
    set({ client, connection: client.connection() });
    client.onConnection((connection) => {
      const wasDown = get().connection.status === 'reconnecting';
      set({ connection });
      // Events were missed while the stream was down: fetch the current picture again.
      if (connection.status === 'open' && wasDown) {
        void get().refreshOverview();
        void get().refreshHealth();
        set((s) => ({ alertsRevision: s.alertsRevision + 1, configRevision: s.configRevision + 1, auditRevision: s.auditRevision + 1 }));
      }
    });
    client.subscribe((event) => handleEvent(event));
    try {
      const [info, overview] = await Promise.all([client.info(), client.overview()]);
      set({ info, fatal: null });
      get().setOverview(overview);
    } catch (error) {
      set({ fatal: errorMessage(error) });
    }
    // Health is a banner, not a reason to refuse to start.
    void get().refreshHealth();
  },

  fail(message) {
    set({ fatal: message });
  },

  setOverview(overview) {
    const current = get().overview;
    if (current && current.generatedAt > overview.generatedAt) return;
    let next = overview;
    const early = earlyDeltas;
    earlyDeltas = [];
    for (const delta of early) {
      const result = mergeCheckDeltas(next, delta.checks, delta.summary);
      if (result.kind === 'merged') next = result.overview;
    }
    set({ overview: next });
  },

  applyCheckDeltas(checks, summary) {
    const current = get().overview;
    if (!current) {
      earlyDeltas = [...earlyDeltas.slice(-(MAX_EARLY_DELTAS - 1)), { checks, summary }];
      return;
    }
    const result = mergeCheckDeltas(current, checks, summary);
    if (result.kind === 'merged') {
      if (result.overview !== current) set({ overview: result.overview });
    } else {
      void get().refreshOverview();
    }
  },

  refreshOverview() {
    const client = get().client;
    if (!client) return Promise.resolve();
    // A burst of deltas that cannot be merged asks for one snapshot, not one each.
    overviewRefresh ??= client
      .overview()
      .then((overview) => get().setOverview(overview))
      .catch(() => {
        // The banner already says the connection is down.
      })
      .finally(() => {
        overviewRefresh = null;
      });
    return overviewRefresh;
  },

  setHealth(health) {
    const current = get().health;
    if (current && current.generatedAt > health.generatedAt) return;
    set({ health });
  },

  async refreshHealth() {
    const client = get().client;
    if (!client) return;
    try {
      get().setHealth(await client.health());
    } catch {
      // An older server without the method, or the connection is down: no banner either way.
    }
  },

  toast(toast) {
    const id = ++toastSeq;
    set((s) => ({ toasts: pushToast(s.toasts, { ...toast, id }) }));
    setTimeout(() => get().dismissToast(id), toast.tone === 'danger' ? 12_000 : 6_000);
  },

  dismissToast(id) {
    set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
  },

  setTheme(theme) {
    try {
      localStorage.setItem(THEME_KEY, theme);
    } catch {
      // storage disabled: the choice lasts for this page
    }
    applyTheme(theme);
    set({ theme });
  },
}));

function handleEvent(event: KaavanEvent): void {
  const { setOverview, applyCheckDeltas, setHealth, toast } = useApp.getState();
  switch (event.type) {
    case 'overview':
      setOverview(event.overview);
      return;
    case 'checks.changed':
      applyCheckDeltas(event.checks, event.summary);
      return;
    case 'health':
      setHealth(event.health);
      return;
    case 'config.changed':
      useApp.setState((s) => ({ configRevision: s.configRevision + 1, auditRevision: s.auditRevision + 1 }));
      return;
    case 'alert.opened':
    case 'alert.reminder':
    case 'alert.acknowledged':
    case 'alert.resolved': {
      useApp.setState((s) => ({ alertsRevision: s.alertsRevision + 1, auditRevision: s.auditRevision + 1 }));
      // The desktop app shows native notifications for these; the browser dashboard shows toasts.
      if (useApp.getState().info?.mode !== 'headless') return;
      const name = `${event.alert.target} / ${event.alert.check}`;
      const href = `#/alerts/${event.alert.id}`;
      const key = event.alert.checkId !== null ? `check:${event.alert.checkId}` : `alert:${event.alert.id}`;
      if (event.type === 'alert.opened') toast({ tone: event.alert.severity === 'warning' ? 'warning' : 'danger', title: event.alert.title || `${name} is down`, body: event.text, href, key });
      else if (event.type === 'alert.reminder') toast({ tone: 'warning', title: `${name} is still down`, body: event.text, href, key });
      else if (event.type === 'alert.resolved') toast({ tone: 'success', title: `${name} resolved`, body: event.text, href, key });
      return;
    }
    default:
      return;
  }
}
