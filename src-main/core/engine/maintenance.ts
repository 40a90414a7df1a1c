// Maintenance windows: while a target is in one, its checks still run and are recorded, but no
// alert is opened and no reminder is sent (a recovery still sends its resolved notice). Windows
// are one-off (start/end) or recurring (a cron expression read in its time zone, each lasting
// `duration`), for named targets, tagged targets, or every target. Pure: the clock is an argument.
import { Cron } from 'croner';
import { parseDuration } from '../config/duration.js';
import { nameKey } from '../config/fields.js';
import { parseInstant, type MaintenanceWindowConfig } from '../config/hosts-fields.js';

export interface MaintenanceWindow {
  /** For messages: its name or reason, else "a maintenance window". */
  label: string;
  targets: Set<string>;
  tags: Set<string>;
  /** One-off bounds (epoch ms), or null for a recurring window. */
  start: number | null;
  end: number | null;
  cron: Cron | null;
  durationMs: number;
}

export interface MaintenanceState {
  /** When this window ends (epoch ms). */
  until: number;
  reason: string;
}

export function compileMaintenance(windows: readonly MaintenanceWindowConfig[] = []): MaintenanceWindow[] {
  return windows.map((w) => ({
    label: w.reason ?? w.name ?? 'a maintenance window',
    targets: new Set((w.targets ?? []).map(nameKey)),
    tags: new Set((w.tags ?? []).map((t) => t.toLowerCase())),
    start: w.start !== undefined ? parseInstant(w.start) : null,
    end: w.end !== undefined ? parseInstant(w.end) : null,
    cron: w.schedule !== undefined ? new Cron(w.schedule, { paused: true, ...(w.timezone ? { timezone: w.timezone } : {}) }) : null,
    durationMs: w.duration !== undefined ? parseDuration(w.duration)! : 0,
  }));
}

function covers(window: MaintenanceWindow, target: { name: string; tags: readonly string[] }): boolean {
  if (window.targets.size === 0 && window.tags.size === 0) return true;
  return window.targets.has(nameKey(target.name)) || target.tags.some((t) => window.tags.has(t.toLowerCase()));
}

/** The occurrence of `window` that contains `at`, as [start, end), or null. */
export function occurrenceAt(window: MaintenanceWindow, at: number): [number, number] | null {
  if (window.cron === null) return window.start !== null && window.end !== null && window.start <= at && at < window.end ? [window.start, window.end] : null;
  // The latest start at or before `at` (croner works in whole seconds and excludes its reference).
  const previous = window.cron.previousRuns(1, new Date(at + 1000))[0];
  if (!previous) return null;
  const start = previous.getTime();
  return start <= at && at < start + window.durationMs ? [start, start + window.durationMs] : null;
}

/**
 * Whether the target is in maintenance at `at`: the window ending last among those open now
 * (overlapping windows keep it in maintenance until the last one ends), or null.
 */
export function maintenanceAt(windows: readonly MaintenanceWindow[], target: { name: string; tags: readonly string[] }, at: number): MaintenanceState | null {
  let best: MaintenanceState | null = null;
  for (const window of windows) {
    if (!covers(window, target)) continue;
    const occurrence = occurrenceAt(window, at);
    if (occurrence && (!best || occurrence[1] > best.until)) best = { until: occurrence[1], reason: window.label };
  }
  return best;
}
