// What the tray shows, computed from the service's Overview and Kaavan's own health. Pure (no
// Electron), so it is unit-tested in plain Node; tray.ts turns the model into a Tray image, tooltip
// and Menu.
import type { CheckStatus, KaavanHealth, Overview, OverallLevel } from '../core/model.js';
import type { BackupJobView, BackupProgress } from '../core/api/service.js';

/** Name of the icon in resources/tray/ (<name>.png and <name>@2x.png). */
export type TrayIconName = OverallLevel;

export type TrayAction = 'open-dashboard' | 'pause' | 'resume' | 'quit' | `backup-now:${string}`;

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
  }
  const problem = healthLine(health);
  if (problem) text = `${problem} · ${text.startsWith(`${APP_TITLE} — `) ? text.slice(APP_TITLE.length + 3) : text}`;
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

function statusLabel(name: string, status: CheckStatus): string {
  return `${STATUS_MARK[status]}  ${name} — ${STATUS_WORD[status]}`;
}

/** Menu labels treat "&" as a mnemonic marker on Windows/Linux; double it to show it literally. */
export function escapeMenuLabel(text: string): string {
  return text.replace(/&/g, '&&');
}

export function trayMenu(overview: Overview | null, health: KaavanHealth | null = null): TrayMenuItem[] {
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
      const label = target.checks.length === 0 ? `${target.name} — no checks` : statusLabel(target.name, target.status);
      items.push({ type: 'submenu', label: escapeMenuLabel(label), items: checks });
    }
  }
  items.push({ type: 'separator' });
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

export function trayModel(overview: Overview | null, health: KaavanHealth | null = null, backups: TrayBackups | null = null): TrayModel {
  const menu = trayMenu(overview, health);
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
