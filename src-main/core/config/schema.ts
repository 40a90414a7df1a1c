// The configuration document (docs/config.md is its reference). The document is kept as the
// user wrote it: durations stay strings and defaults are not filled in here, so saving a
// config from the UI does not rewrite fields the user never touched. `resolve.ts` applies defaults.
import { z } from 'zod';
import { durationField, nameField } from './fields.js';
import { checkKinds } from '../checks/registry.js';
import type { CheckKind } from '../checks/types.js';

export const CONFIG_VERSION = 1;

/** Fields every check has, whatever its kind. */
export const commonCheckShape = {
  name: nameField,
  enabled: z.boolean().optional(),
  interval: durationField({ min: 1000, max: 86_400_000 }).optional(),
  timeout: durationField({ min: 100, max: 600_000 }).optional(),
  retries: z.number().int().min(0).max(100).optional(),
  weight: z.number().min(0).max(100).optional(),
  category: z.string().trim().min(1).max(32).optional(),
  /** Overrides settings.reminderEvery for this check. */
  reminderEvery: z.union([z.number().int().min(1).max(10_000), durationField({ min: 60_000, max: 30 * 86_400_000 })]).optional(),
};

const kindSchemas = checkKinds.map((kind) =>
  z.strictObject({ ...commonCheckShape, kind: z.literal(kind.kind), ...kind.paramsShape }).superRefine((check, ctx) => {
    for (const issue of (kind as unknown as CheckKind).crossFieldIssues?.(check) ?? []) ctx.addIssue({ code: 'custom', ...issue });
  }),
);
const knownKinds = checkKinds.map((k) => k.kind);

export const checkSchema = z.discriminatedUnion('kind', kindSchemas as unknown as [
  (typeof kindSchemas)[number],
  ...(typeof kindSchemas)[number][],
], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `unknown check kind${issue.input && typeof issue.input === 'object' && 'kind' in issue.input ? ` "${String((issue.input as { kind: unknown }).kind)}"` : ''}; expected one of: ${knownKinds.join(', ')}`
      : undefined,
});

export const targetSchema = z
  .strictObject({
    name: nameField,
    tags: z.array(z.string().trim().min(1).max(32)).max(32).optional(),
    checks: z.array(checkSchema).optional(),
  })
  .superRefine((target, ctx) => {
    const seen = new Set<string>();
    (target.checks ?? []).forEach((check, index) => {
      if (seen.has(check.name))
        ctx.addIssue({ code: 'custom', path: ['checks', index, 'name'], message: `duplicate check name "${check.name}" in target "${target.name}"` });
      seen.add(check.name);
    });
  });

export const settingsSchema = z.strictObject({
  /** While a check stays down, remind every N failed probes (a number) or every duration ("30m"). */
  reminderEvery: z.union([z.number().int().min(1).max(10_000), durationField({ min: 60_000, max: 30 * 86_400_000 })]).optional(),
  /** Probes in flight at once across all checks. */
  concurrency: z.number().int().min(1).max(256).optional(),
  /** Random spread of each check's schedule, as a share of its interval (0..0.5). */
  jitter: z.number().min(0).max(0.5).optional(),
  /** How long probe results are kept. */
  historyRetention: durationField({ min: 3_600_000 }).optional(),
  /** Desktop notifications on/off. */
  notifications: z.boolean().optional(),
  /** Start Kaavan when the user logs in (desktop app only). */
  launchAtLogin: z.boolean().optional(),
  /** Start with monitoring paused. */
  paused: z.boolean().optional(),
});

export const configSchema = z
  .strictObject({
    version: z.literal(CONFIG_VERSION, { error: `must be ${CONFIG_VERSION}` }),
    settings: settingsSchema.optional(),
    targets: z.array(targetSchema).optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    (config.targets ?? []).forEach((target, index) => {
      if (seen.has(target.name))
        ctx.addIssue({ code: 'custom', path: ['targets', index, 'name'], message: `duplicate target name "${target.name}"` });
      seen.add(target.name);
    });
  });

export type KaavanConfig = z.infer<typeof configSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export type CheckConfig = z.infer<typeof checkSchema>;
export type Settings = z.infer<typeof settingsSchema>;
