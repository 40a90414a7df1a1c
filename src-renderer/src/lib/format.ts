// Formatting helpers for the UI (pure, no React).

// The same wording as the engine's recovery notices ("4 min 12 s"): one implementation, in core
// (duration.ts is pure and imports nothing from Node).
import { humanDuration } from '../../../src-main/core/config/duration';

export { humanDuration };

/** "just now", "12 s ago", "5 min ago", "3 h ago", then a date. */
export function relativeTime(at: number, now: number): string {
  const diff = now - at;
  if (diff < 5_000) return 'just now';
  if (diff < 86_400_000) return `${humanDuration(diff).split(' ').slice(0, 2).join(' ')} ago`;
  return dateTime(at);
}

const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function dateTime(at: number): string {
  return dateTimeFormat.format(new Date(at));
}

/** Time only when `at` is today, otherwise date and time. */
export function shortDateTime(at: number, now: number = Date.now()): string {
  const a = new Date(at);
  const b = new Date(now);
  const sameDay = a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate();
  return sameDay ? timeFormat.format(a) : dateTimeFormat.format(a);
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '\u2014';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  // Sub-10 ms answers (loopback, LAN) keep one decimal, as the probes' own messages do.
  return ms < 10 ? `${Math.round(ms * 10) / 10} ms` : `${Math.round(ms)} ms`;
}

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '\u2014';
  const pct = share * 100;
  if (pct === 100) return '100%';
  if (pct >= 99) return `${pct.toFixed(2)}%`;
  return `${pct.toFixed(1)}%`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
