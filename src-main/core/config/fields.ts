// Reusable zod fields of the config document (kept apart from schema.ts so check kinds can use them).
import { z } from 'zod';
import { parseDuration } from './duration.js';

export const durationField = (opts: { min?: number; max?: number } = {}) =>
  z.union([z.string(), z.number()]).superRefine((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === null) {
      ctx.addIssue({ code: 'custom', message: `"${String(value)}" is not a duration (use e.g. 500ms, 30s, 5m, 1h)` });
      return;
    }
    if (opts.min !== undefined && ms < opts.min)
      ctx.addIssue({ code: 'custom', message: `must be at least ${opts.min} ms (got ${ms} ms)` });
    if (opts.max !== undefined && ms > opts.max)
      ctx.addIssue({ code: 'custom', message: `must be at most ${opts.max} ms (got ${ms} ms)` });
  });

export const nameField = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[^/\n\r\t]*$/, 'must not contain "/" or control characters');

