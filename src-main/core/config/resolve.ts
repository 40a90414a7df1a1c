// Applies defaults to a validated document: what the engines actually run.
import type { CheckConfig, KaavanConfig } from './schema.js';
import { parseDuration } from './duration.js';
import { getCheckKind } from '../checks/registry.js';
import type { CheckKind } from '../checks/types.js';

export const DEFAULTS = {
  intervalMs: 60_000,
  /** Timeout when none is given: 80 % of the interval, at most 10 s. */
  maxDefaultTimeoutMs: 10_000,
  retries: 1,
  reminderEvery: 5,
  concurrency: 16,
  jitter: 0.1,
  /** How long hour roll-ups are kept (raw results: 48 h, minute roll-ups: 7 days, at most this). */
  historyRetentionMs: 365 * 86_400_000,
  weight: 1,
  category: 'availability',
} as const;

export interface ResolvedSettings {
  /** Count-based reminders (every N failed probes)… */
  reminderEvery: number;
  /** …or time-based (every N ms) when set. */
  reminderEveryMs: number | null;
  concurrency: number;
  jitter: number;
  historyRetentionMs: number;
  notifications: boolean;
  launchAtLogin: boolean;
  paused: boolean;
}

export interface ResolvedCheck {
  /** "target/check": unique across the document (a label key; the stable id is checkId). */
  id: string;
  /** Stable id from the store, set by the reconciler (absent in `check --once` without a store). */
  checkId?: number;
  target: string;
  name: string;
  kind: CheckKind;
  /** The check's config; the kind reads its own fields from it. */
  params: CheckConfig;
  enabled: boolean;
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  weight: number;
  category: string;
  describe: string;
  /** Per-check reminder override, when the check sets one. */
  reminder: { reminderEvery: number; reminderEveryMs: number | null } | null;
}

export function resolveSettings(config: KaavanConfig): ResolvedSettings {
  const s = config.settings ?? {};
  return {
    ...reminderOf(s.reminderEvery),
    concurrency: s.concurrency ?? DEFAULTS.concurrency,
    jitter: s.jitter ?? DEFAULTS.jitter,
    historyRetentionMs: s.historyRetention !== undefined ? parseDuration(s.historyRetention)! : DEFAULTS.historyRetentionMs,
    notifications: s.notifications ?? true,
    launchAtLogin: s.launchAtLogin ?? false,
    paused: s.paused ?? false,
  };
}

/** `reminderEvery: 5` counts probes; `reminderEvery: 30m` is a time. */
export function reminderOf(value: number | string | undefined): { reminderEvery: number; reminderEveryMs: number | null } {
  if (value === undefined) return { reminderEvery: DEFAULTS.reminderEvery, reminderEveryMs: null };
  if (typeof value === 'number') return { reminderEvery: value, reminderEveryMs: null };
  return { reminderEvery: DEFAULTS.reminderEvery, reminderEveryMs: parseDuration(value) };
}

export function checkId(target: string, check: string): string {
  return `${target}/${check}`;
}

/** `targetEnabled: false` (the target's `enabled: false`) pauses the check whatever its own setting. */
export function resolveCheck(target: string, check: CheckConfig, targetEnabled = true): ResolvedCheck {
  const kind = getCheckKind(check.kind);
  if (!kind) throw new Error(`unknown check kind "${check.kind}"`);
  const intervalMs = check.interval !== undefined ? parseDuration(check.interval)! : DEFAULTS.intervalMs;
  const timeoutMs =
    check.timeout !== undefined
      ? parseDuration(check.timeout)!
      : Math.min(DEFAULTS.maxDefaultTimeoutMs, Math.floor(intervalMs * 0.8));
  return {
    id: checkId(target, check.name),
    target,
    name: check.name,
    kind,
    params: check,
    enabled: targetEnabled && (check.enabled ?? true),
    intervalMs,
    timeoutMs,
    retries: check.retries ?? DEFAULTS.retries,
    weight: check.weight ?? DEFAULTS.weight,
    category: check.category ?? DEFAULTS.category,
    describe: kind.describe(check as never),
    reminder: check.reminderEvery === undefined ? null : reminderOf(check.reminderEvery),
  };
}

export function resolveChecks(config: KaavanConfig): ResolvedCheck[] {
  return (config.targets ?? []).flatMap((t) => (t.checks ?? []).map((c) => resolveCheck(t.name, c, t.enabled !== false)));
}
