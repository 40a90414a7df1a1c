// Reusable zod fields of the config document (kept apart from schema.ts so check kinds can use them).
import { z } from 'zod';
import { formatDuration, parseDuration } from './duration.js';
import { echo } from './messages.js';

export const durationField = (opts: { min?: number; max?: number } = {}) =>
  z.union([z.string(), z.number()], { error: 'use a duration like 30s, 500ms, 5m or 1h' }).superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${echo(String(value))} is not a duration; use a duration like 30s, 500ms, 5m or 1h` });
      return;
    }
    if (opts.min !== undefined && ms < opts.min)
      ctx.addIssue({ code: 'custom', message: `must be at least ${formatDuration(opts.min)} (got ${formatDuration(ms)})` });
    if (opts.max !== undefined && ms > opts.max)
      ctx.addIssue({ code: 'custom', message: `must be at most ${formatDuration(opts.max)} (got ${formatDuration(ms)})` });
  });

/**
 * C0/C1 control characters, and the invisible format characters that reorder or hide text
 * (zero-width, bidi overrides): a name must read as it is.
 */
// eslint-disable-next-line no-control-regex
const HIDDEN_CHAR = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/u;

export const nameField = z
  .string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be text') })
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .superRefine((name, ctx) => {
    const hidden = HIDDEN_CHAR.exec(name);
    if (hidden)
      ctx.addIssue({
        code: 'custom',
        message: `must not contain control or invisible characters (found U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at position ${Array.from(name.slice(0, hidden.index)).length + 1})`,
      });
    else if (name.includes('/')) ctx.addIssue({ code: 'custom', message: 'must not contain "/" (it separates target and check in ids)' });
  });

/** Names are labels people read: "Web1" and "web1" are the same name. */
export function nameKey(name: string): string {
  return name.normalize('NFC').toLowerCase();
}

/**
 * `reminderEvery`: a whole number counts failed probes (5 = every 5th), a duration string is a
 * time ("30m" = every 30 minutes while down, at least 1m).
 */
export const reminderField = () =>
  z.union([z.number(), z.string()], { error: 'use a number of probes like 5, or a duration like 30m' }).superRefine((value, ctx) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value)) ctx.addIssue({ code: 'custom', message: `must be a whole number (got ${value})` });
      else if (value < 1 || value > 10_000) ctx.addIssue({ code: 'custom', message: `must be 1 to 10000 probes (got ${value})` });
      return;
    }
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `${echo(value)} is not a number of probes or a duration; use e.g. 5 or 30m` });
      return;
    }
    if (ms < 60_000) ctx.addIssue({ code: 'custom', message: `must be at least 1m (got ${formatDuration(ms)})` });
    if (ms > 30 * 86_400_000) ctx.addIssue({ code: 'custom', message: `must be at most 30d (got ${formatDuration(ms)})` });
  });
