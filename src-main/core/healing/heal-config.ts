// A check's optional `heal:` block (docs/channels.md, "Self-healing"). Off unless written: the
// config schema has `heal: healSchema.optional()` among the common check fields, and the UI shows
// the exact command and asks to confirm before turning one on.
//
//   heal: { command: "systemctl restart nginx", label: "restart nginx", maxAttempts: 2, cooldown: 5m }
//   heal: { webhook: { urlRef: heal-hook }, label: "redeploy" }
import { z } from 'zod';
import { durationField } from '../config/fields.js';
import { parseDuration } from '../config/duration.js';
import { secretRefField } from '../alerts/channel-kinds/types.js';
import { DEFAULT_BREAKER, type BreakerConfig } from './circuit-breaker.js';

export const healSchema = z
  .strictObject({
    enabled: z.boolean().optional(),
    /** A shell command line run on the check's host (this computer, or the target's SSH host). */
    command: z.string().trim().min(1, 'must not be empty').max(1000, 'must be at most 1000 characters').refine((c) => !/[\r\n\0]/.test(c), 'must be one line').optional(),
    webhook: z
      .strictObject({
        urlRef: secretRefField,
        method: z.enum(['POST', 'PUT'], { error: 'must be POST or PUT' }).optional(),
      })
      .optional(),
    /** Shown in the alert and audit: "recovered after 'restart nginx'". Default: the command. */
    label: z.string().trim().min(1).max(80, 'must be at most 80 characters').optional(),
    /** Heals per outage; default 3. */
    maxAttempts: z.number().int('must be a whole number').min(1, 'must be at least 1').max(10, 'must be at most 10').optional(),
    /** Wait between two heals of one check; default 5m. */
    cooldown: durationField({ min: 0, max: 86_400_000 }).optional(),
    /** How long the command or webhook may take; default 60s. */
    timeout: durationField({ min: 1000, max: 600_000 }).optional(),
    /** Wait after the heal before the check is probed again to judge it; default 10s. */
    verifyAfter: durationField({ min: 0, max: 600_000 }).optional(),
    breaker: z
      .strictObject({
        failures: z.number().int().min(1).max(100).optional(),
        window: durationField({ min: 60_000, max: 30 * 86_400_000 }).optional(),
        openFor: durationField({ min: 60_000, max: 30 * 86_400_000 }).optional(),
      })
      .optional(),
  })
  .superRefine((h, ctx) => {
    if (h.command !== undefined && h.webhook !== undefined)
      ctx.addIssue({ code: 'custom', message: 'give either command (run on the check\'s host) or webhook: { urlRef: NAME }, not both' });
    else if (h.command === undefined && h.webhook === undefined)
      ctx.addIssue({ code: 'custom', message: 'needs a command (run on the check\'s host, e.g. "systemctl restart nginx") or webhook: { urlRef: NAME }' });
  });

export type HealConfig = z.infer<typeof healSchema>;

/** The heal settings with defaults applied and durations in ms. */
export interface ResolvedHeal {
  action: { kind: 'command'; command: string } | { kind: 'webhook'; urlRef: string; method: 'POST' | 'PUT' };
  label: string;
  maxAttempts: number;
  cooldownMs: number;
  timeoutMs: number;
  verifyAfterMs: number;
  breaker: BreakerConfig;
}

const ms = (value: string | number | undefined, fallback: number) => (value === undefined ? fallback : (parseDuration(value) ?? fallback));

export function resolveHeal(h: HealConfig): ResolvedHeal {
  const action: ResolvedHeal['action'] = h.command !== undefined ? { kind: 'command', command: h.command } : { kind: 'webhook', urlRef: h.webhook!.urlRef, method: h.webhook!.method ?? 'POST' };
  return {
    action,
    label: h.label ?? (action.kind === 'command' ? action.command : 'heal webhook'),
    maxAttempts: h.maxAttempts ?? 3,
    cooldownMs: ms(h.cooldown, 300_000),
    timeoutMs: ms(h.timeout, 60_000),
    verifyAfterMs: ms(h.verifyAfter, 10_000),
    breaker: {
      failures: h.breaker?.failures ?? DEFAULT_BREAKER.failures,
      windowMs: ms(h.breaker?.window, DEFAULT_BREAKER.windowMs),
      openForMs: ms(h.breaker?.openFor, DEFAULT_BREAKER.openForMs),
    },
  };
}
