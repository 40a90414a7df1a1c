// What the tray shows, computed from the service's Overview and Kaavan's own health. Pure (no
// Electron), so it is unit-tested in plain Node; tray.ts turns the model into a Tray image, tooltip
// and Menu.
import type { Alert, CheckStatus, KaavanHealth, Overview, OverallLevel } from '../core/model.js';
import type { BackupJobView, BackupProgress } from '../core/api/service.js';

/** Name of the icon in resources/tray/ (<name>.png and <name>@2x.png). */
export type TrayIconName = OverallLevel;

/** Acknowledge or silence one alert from the tray (issue 8). */
export type AlertTrayAction = { alert: number; do: 'acknowledge' } | { alert: number; do: 'silence'; forMs: number };

export type TrayAction = 'open-dashboard' | 'pause' | 'resume' | 'quit' | AlertTrayAction | `backup-now:${string}`;

export type TrayMenuItem =
  | { type: 'separator' }
  | { type: 'label'; label: string }
  | { type: 'action'; label: string; action: TrayAction }
  | { type: 'submenu'; label: string; items: TrayMenuItem[] };

export interface TrayModel {
  icon: TrayIconName;
  tooltip: string;
  menu: TrayMenuItem[];
}

export const APP_TITLE = 'Kaavan';

/** Windows truncates tray tooltips at 127 characters; keep every platform the same. */
export const TOOLTIP_MAX = 127;

const STATUS_WORD: Record<CheckStatus, string> = {
  up: 'up',
  degraded: 'degraded',
  down: 'down',
  pending: 'pending',
  paused: 'paused',
};

/** A marker before each entry, so states are told apart without colour (menus are text only). */
const STATUS_MARK: Record<CheckStatus, string> = {
  up: '●',
  degraded: '▲',
  down: '✕',
  pending: '…',
  paused: '‖',
};

/** Order of the counts in the tooltip. */
const COUNT_ORDER: CheckStatus[] = ['up', 'degraded', 'down', 'pending', 'paused'];

/**
 * The icon's colour: the worst server status; a problem of Kaavan itself (it cannot write its
 * database, ...) turns it amber unless a server is down, which stays red.
 */
export function trayIconFor(overview: Overview | null, health: KaavanHealth | null = null): TrayIconName {
  const base: TrayIconName = !overview || overview.paused ? 'idle' : overview.level;
  if (hasProblems(health) && base !== 'error') return 'warning';
  return base;
}

function hasProblems(health: KaavanHealth | null): health is KaavanHealth {
  return health !== null && health.problems.length > 0;
}

/** "Kaavan problem: cannot write its database" (+ "(and 2 more)"), or null when healthy. */
export function healthLine(health: KaavanHealth | null): string | null {
  if (!hasProblems(health)) return null;
  const more = health.problems.length - 1;
  return `${APP_TITLE} problem: ${health.problems[0]!.message}${more > 0 ? ` (and ${more} more)` : ''}`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** "5 up, 1 degraded, 1 down" (zero counts left out). */
export function countsText(counts: Overview['counts']): string {
  return COUNT_ORDER.filter((s) => (counts[s] ?? 0) > 0)
    .map((s) => `${counts[s]} ${STATUS_WORD[s]}`)
    .join(', ');
}

function totalChecks(overview: Overview): number {
  return COUNT_ORDER.reduce((sum, s) => sum + (overview.counts[s] ?? 0), 0);
}

/**
 * One line summary: "Kaavan — 5 up, 1 degraded, 1 down · 1 open alert". Kaavan's own problem comes
 * first (it is why the icon is amber), truncation cuts the counts rather than the problem.
 */
export function trayTooltip(overview: Overview | null, health: KaavanHealth | null = null): string {
  let text: string;
  if (!overview) text = `${APP_TITLE} — starting…`;
  else if (totalChecks(overview) === 0) text = `${APP_TITLE} — nothing to watch yet`;
  else if (overview.paused) text = `${APP_TITLE} — monitoring paused (${plural(totalChecks(overview), 'check')})`;
  else {
    text = `${APP_TITLE} — ${countsText(overview.counts)}`;
    if (overview.openAlerts > 0) text += ` · ${plural(overview.openAlerts, 'open alert')}`;
    const hosts = hostsTooltipText(overview);
    if (hosts) text += ` · ${hosts}`;
  }
  const problem = healthLine(health);
  if (problem) text = `${problem} · ${text.startsWith(`${APP_TITLE} — `) ? text.slice(APP_TITLE.length + 3) : text}`;
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

/**
 * The hosts part of the tooltip: the lowest health score and who is in maintenance,
 * "health web2 0.62 (poor) · web1 in maintenance"; null when neither applies.
 */
export function hostsTooltipText(overview: Overview): string | null {
  const parts: string[] = [];
  const scored = overview.targets.filter((t) => t.health?.score !== null && t.health?.score !== undefined);
  if (scored.length) {
    const lowest = scored.reduce((a, b) => (b.health!.score! < a.health!.score! ? b : a));
    parts.push(`health ${scored.length > 1 ? `${lowest.name} ` : ''}${lowest.health!.score!.toFixed(2)} (${lowest.health!.band})`);
  }
  const inMaintenance = overview.targets.filter((t) => t.maintenance);
  if (inMaintenance.length === 1) parts.push(`${inMaintenance[0]!.name} in maintenance`);
  else if (inMaintenance.length > 1) parts.push(`${inMaintenance.length} targets in maintenance`);
  return parts.length ? parts.join(' · ') : null;
}

function statusLabel(name: string, status: CheckStatus): string {
  return `${STATUS_MARK[status]}  ${name} — ${STATUS_WORD[status]}`;
}

/** Menu labels treat "&" as a mnemonic marker on Windows/Linux; double it to show it literally. */
export function escapeMenuLabel(text: string): string {
  return text.replace(/&/g, '&&');
}

/** At most this many alerts in the tray's submenu; the rest are on the dashboard. */
export const TRAY_ALERTS_MAX = 10;

/**
 * "Open alerts (2)": one submenu per active alert with Acknowledge (open ones) and Silence 1 h / 8 h.
 * Nothing when no alert is active. Acknowledged and silenced alerts say so in their label.
 */
export function openAlertsMenu(alerts: readonly Alert[], now: number): TrayMenuItem[] {
  const active = alerts.filter((a) => a.state !== 'resolved');
  if (active.length === 0) return [];
  const items: TrayMenuItem[] = active.slice(0, TRAY_ALERTS_MAX).map((a) => {
    const silenced = (a.silencedUntil ?? 0) > now;
    const marks = [a.state === 'acknowledged' ? 'acknowledged' : null, silenced ? 'silenced' : null].filter(Boolean);
    const actions: TrayMenuItem[] = [];
    if (a.state === 'open') actions.push({ type: 'action', label: 'Acknowledge', action: { alert: a.id, do: 'acknowledge' } });
    actions.push({ type: 'action', label: 'Silence 1 h', action: { alert: a.id, do: 'silence', forMs: 3_600_000 } });
    actions.push({ type: 'action', label: 'Silence 8 h', action: { alert: a.id, do: 'silence', forMs: 8 * 3_600_000 } });
    return { type: 'submenu', label: escapeMenuLabel(`${STATUS_MARK.down}  ${a.target} / ${a.check}${marks.length ? ` (${marks.join(', ')})` : ''}`), items: actions };
  });
  if (active.length > TRAY_ALERTS_MAX) items.push({ type: 'label', label: `and ${active.length - TRAY_ALERTS_MAX} more on the dashboard` });
  return [{ type: 'submenu', label: `Open alerts (${active.length})`, items }];
}

export function trayMenu(overview: Overview | null, health: KaavanHealth | null = null, alerts: readonly Alert[] = [], now = Date.now()): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
  if (hasProblems(health)) {
    for (const problem of health.problems) items.push({ type: 'label', label: escapeMenuLabel(`⚠  ${APP_TITLE} problem: ${problem.message}`) });
    items.push({ type: 'separator' });
  }
  if (!overview) {
    items.push({ type: 'label', label: 'Starting…' });
  } else if (overview.targets.length === 0) {
    items.push({ type: 'label', label: 'No servers configured' });
  } else {
    for (const target of overview.targets) {
      const checks: TrayMenuItem[] =
        target.checks.length === 0
          ? [{ type: 'label', label: 'No checks' }]
          : target.checks.map((check) => ({
              type: 'label' as const,
              label: escapeMenuLabel(statusLabel(check.name, check.status)),
            }));
      const label = (target.checks.length === 0 ? `${target.name} — no checks` : statusLabel(target.name, target.status)) + (target.maintenance ? ' · in maintenance' : '');
      items.push({ type: 'submenu', label: escapeMenuLabel(label), items: checks });
    }
  }
  items.push({ type: 'separator' });
  items.push(...openAlertsMenu(alerts, now));
  items.push({ type: 'action', label: 'Open dashboard', action: 'open-dashboard' });
  if (overview) {
    items.push(
      overview.paused
        ? { type: 'action', label: 'Resume monitoring', action: 'resume' }
        : { type: 'action', label: 'Pause monitoring', action: 'pause' },
    );
  }
  items.push({ type: 'separator' });
  items.push({ type: 'action', label: `Quit ${APP_TITLE}`, action: 'quit' });
  return items;
}

/** What besides the overview and health the tray shows: open alerts (acknowledge, silence) and backups. */
export interface TrayExtras {
  alerts?: readonly Alert[];
  now?: number;
  backups?: TrayBackups | null;
}

export function trayModel(overview: Overview | null, health: KaavanHealth | null = null, extras: TrayExtras = {}): TrayModel {
  const backups = extras.backups ?? null;
  const menu = trayMenu(overview, health, extras.alerts ?? [], extras.now ?? Date.now());
  const backupItems = backupMenuItems(backups);
  if (backupItems.length) {
    // Right above "Open dashboard": after the servers, before the app's own commands.
    const at = menu.findIndex((item) => item.type === 'action' && item.action === 'open-dashboard');
    menu.splice(at < 0 ? menu.length : at, 0, ...backupItems);
  }
  return { icon: trayIconFor(overview, health), tooltip: withBackupProgress(trayTooltip(overview, health), backups), menu };
}

// --- Backups (issue 9): "Back up now" per job, and a running backup's progress in the tooltip. ---

export interface TrayBackups {
  jobs: BackupJobView[];
  /** Runs in progress (or waiting), by job. */
  running: BackupProgress[];
}

const MIB = 1024 * 1024;

/** "docs 45% (12.0 MiB/s)", "docs waiting", "docs scanning". */
export function backupProgressText(p: BackupProgress): string {
  if (p.state === 'queued') return `${p.job} waiting`;
  const share = p.bytesTotal > 0 ? p.bytes / p.bytesTotal : p.filesTotal > 0 && p.files > 0 ? p.files / p.filesTotal : null;
  if (p.state !== 'archiving' || share === null) return `${p.job} ${p.state}`;
  const rate = p.rateBytesPerSec > 0 ? ` (${(p.rateBytesPerSec / MIB).toFixed(1)} MiB/s)` : '';
  return `${p.job} ${Math.min(100, Math.floor(share * 100))}%${rate}`;
}

/** The tooltip with "Backing up docs 45% (12.0 MiB/s)" first while backups run (cut to the platform limit). */
export function withBackupProgress(tooltip: string, backups: TrayBackups | null): string {
  const running = (backups?.running ?? []).filter((p) => p.state !== 'succeeded' && p.state !== 'failed' && p.state !== 'cancelled' && p.state !== 'interrupted');
  if (running.length === 0) return tooltip;
  const rest = tooltip.startsWith(`${APP_TITLE} — `) ? tooltip.slice(APP_TITLE.length + 3) : tooltip;
  const text = `${APP_TITLE} — Backing up ${running.map(backupProgressText).join(', ')} · ${rest}`;
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

/** "Back up now" with one entry per job; a job already running shows its progress instead. */
export function backupMenuItems(backups: TrayBackups | null): TrayMenuItem[] {
  if (!backups || backups.jobs.length === 0) return [];
  const running = new Map(backups.running.map((p) => [p.job, p]));
  const items: TrayMenuItem[] = backups.jobs.map((job) => {
    const progress = running.get(job.name);
    return progress
      ? { type: 'label', label: escapeMenuLabel(`${job.name} — ${backupProgressText(progress).slice(job.name.length + 1)}`) }
      : { type: 'action', label: escapeMenuLabel(job.name), action: `backup-now:${job.name}` };
  });
  return [{ type: 'submenu', label: 'Back up now', items }, { type: 'separator' }];
}

/** Cheap structural equality, so the tray is only touched when something visible changed. */
export function sameMenu(a: TrayMenuItem[], b: TrayMenuItem[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
