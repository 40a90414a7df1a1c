// What the tray shows, computed from the service's Overview. Pure (no Electron), so it is unit-tested
// in plain Node; tray.ts turns the model into a Tray image, tooltip and Menu.
import type { CheckStatus, Overview, OverallLevel } from '../core/model.js';

/** Name of the icon in resources/tray/ (<name>.png and <name>@2x.png). */
export type TrayIconName = OverallLevel;

export type TrayAction = 'open-dashboard' | 'pause' | 'resume' | 'quit';

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

export function trayIconFor(overview: Overview | null): TrayIconName {
  if (!overview || overview.paused) return 'idle';
  return overview.level;
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

/** One line summary: "Kaavan — 5 up, 1 degraded, 1 down · 1 open alert". */
export function trayTooltip(overview: Overview | null): string {
  let text: string;
  if (!overview) text = `${APP_TITLE} — starting…`;
  else if (totalChecks(overview) === 0) text = `${APP_TITLE} — nothing to watch yet`;
  else if (overview.paused) text = `${APP_TITLE} — monitoring paused (${plural(totalChecks(overview), 'check')})`;
  else {
    text = `${APP_TITLE} — ${countsText(overview.counts)}`;
    if (overview.openAlerts > 0) text += ` · ${plural(overview.openAlerts, 'open alert')}`;
  }
  return text.length > TOOLTIP_MAX ? `${text.slice(0, TOOLTIP_MAX - 1)}…` : text;
}

function statusLabel(name: string, status: CheckStatus): string {
  return `${STATUS_MARK[status]}  ${name} — ${STATUS_WORD[status]}`;
}

/** Menu labels treat "&" as a mnemonic marker on Windows/Linux; double it to show it literally. */
export function escapeMenuLabel(text: string): string {
  return text.replace(/&/g, '&&');
}

export function trayMenu(overview: Overview | null): TrayMenuItem[] {
  const items: TrayMenuItem[] = [];
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

export function trayModel(overview: Overview | null): TrayModel {
  return { icon: trayIconFor(overview), tooltip: trayTooltip(overview), menu: trayMenu(overview) };
}

/** Cheap structural equality, so the tray is only touched when something visible changed. */
export function sameMenu(a: TrayMenuItem[], b: TrayMenuItem[]): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
