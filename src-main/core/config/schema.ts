// The configuration document (docs/config.md is its reference). The document is kept as the
// user wrote it: durations stay strings and defaults are not filled in here, so saving a
// config from the UI does not rewrite fields the user never touched. `resolve.ts` applies defaults.
import { z } from 'zod';
import { durationField, nameField, nameKey, reminderField } from './fields.js';
import { echo, nearest } from './messages.js';
import { checkKinds } from '../checks/registry.js';
import { sshConfigSchema } from '../hosts/ssh-config.js';
import { backupJobSchema } from '../backup/job-schema.js';
import { scheduleIssues, sourceTargetIssues } from '../backup/job-config.js';
import { channelConfigIssues, channelEntrySchema, routesSchema } from '../alerts/channel-config.js';
import type { CheckKind } from '../checks/types.js';
import { anomalyCheckField, anomalySettingsField, dependsOnField, healthSettingsField, hostsConfigIssues, maintenanceField } from './hosts-fields.js';
import { healSchema } from '../healing/heal-config.js';

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
  reminderEvery: reminderField().optional(),

  // --- Check fields of the dashboard issue (severity, ...). ---
  /** Severity of the alert raised when the check is down (default error). */
  severity: z.enum(['warning', 'error', 'critical'], { error: 'use warning, error or critical' }).optional(),
  /** Also raise an alert (severity warning) while the check is degraded. */
  alertOnDegraded: z.boolean().optional(),

  // --- Check fields of the hosts issue (dependsOn, anomaly, ...). ---
  /** Targets or target/checks this check needs; while one is down it is "blocked by parent". */
  dependsOn: dependsOnField.optional(),
  /** Latency-anomaly detection: false, true, or thresholds of its own (docs/checks.md). */
  anomaly: anomalyCheckField.optional(),

  // --- Check fields of the incident issue (heal, ...). ---
  /** Self-healing on DOWN (docs/channels.md): a command on the check's host or a webhook. Off unless written. */
  heal: healSchema.optional(),
};

const kindSchemas = checkKinds.map((kind) =>
  z.strictObject({ ...commonCheckShape, kind: z.literal(kind.kind), ...kind.paramsShape }).superRefine((check, ctx) => {
    for (const issue of (kind as unknown as CheckKind).crossFieldIssues?.(check) ?? []) ctx.addIssue({ code: 'custom', ...issue });
  }),
);
const knownKinds = checkKinds.map((k) => k.kind);

function unknownKindMessage(input: unknown): string {
  const kind = input && typeof input === 'object' && 'kind' in input ? (input as { kind: unknown }).kind : undefined;
  if (kind === undefined) return `needs a "kind": one of ${knownKinds.join(', ')}`;
  const guess = typeof kind === 'string' ? nearest(kind, knownKinds) : null;
  return `unknown check kind ${echo(String(kind))}; ${guess ? `did you mean "${guess}"?` : `expected one of: ${knownKinds.join(', ')}`}`;
}

export const checkSchema = z.discriminatedUnion('kind', kindSchemas as unknown as [
  (typeof kindSchemas)[number],
  ...(typeof kindSchemas)[number][],
], {
  error: (issue) => (issue.code === 'invalid_union' ? unknownKindMessage(issue.input) : undefined),
});

/** Reports names equal but for case ("Web1", "web1"): people read them as one name. */
function duplicateNames(
  items: ReadonlyArray<{ name: string }>,
  ctx: z.RefinementCtx,
  pathOf: (index: number) => PropertyKey[],
  what: (name: string, first: string) => string,
): void {
  const seen = new Map<string, string>();
  items.forEach((item, index) => {
    const key = nameKey(item.name);
    const first = seen.get(key);
    if (first !== undefined) ctx.addIssue({ code: 'custom', path: pathOf(index), message: what(item.name, first) });
    else seen.set(key, item.name);
  });
}

const sameName = (name: string, first: string) => (name === first ? '' : ` (same as ${echo(first)}; names are compared ignoring case)`);

export const targetSchema = z
  .strictObject({
    name: nameField,
    tags: z.array(z.string().trim().min(1).max(32)).max(32).optional(),
    /** Host-level checks of this target run over SSH (docs/host-checks.md); without it, on this computer. */
    ssh: sshConfigSchema.optional(),
    checks: z.array(checkSchema).optional(),

    // --- Target fields of the dashboard issue (enabled, ...). ---
    /** false pauses every check of the target (their own `enabled` is kept for when it resumes). */
    enabled: z.boolean().optional(),

    // --- Target fields of the hosts issue (dependsOn, maintenance, weights, ...). ---
    /** Targets or target/checks every check of this target needs. */
    dependsOn: dependsOnField.optional(),
  })
  .superRefine((target, ctx) => {
    duplicateNames(target.checks ?? [], ctx, (index) => ['checks', index, 'name'], (name, first) =>
      `duplicate check name ${echo(name)} in target ${echo(target.name)}${sameName(name, first)}`);
  });

export const settingsSchema = z.strictObject({
  /** While a check stays down, remind every N failed probes (a number) or every duration ("30m"). */
  reminderEvery: reminderField().optional(),
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

  // --- Settings of the dashboard issue (status page, ...). ---
  /** The public, read-only status page of `kaavan serve` (docs/config.md "Status page"); off by default. */
  statusPage: z
    .strictObject({
      enabled: z.boolean().optional(),
      title: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters').optional(),
      /** Only these tags get a page, and /status shows only targets carrying one of them. */
      tags: z.array(z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters')).max(50, 'at most 50 tags').optional(),
    })
    .optional(),

  // --- Settings of the hosts issue (health weights, anomaly thresholds, ...). ---
  /** Category weights of the health score. */
  health: healthSettingsField.optional(),
  /** Default thresholds of latency-anomaly detection. */
  anomaly: anomalySettingsField.optional(),

  // --- Settings of the incident issue (give-up age, ...). ---
  /** A notice still undelivered after this long is failed and raises an alert about delivery. */
  deliveryGiveUp: durationField({ min: 60_000, max: 30 * 86_400_000 }).optional(),

  // --- Settings of the backup issue. ---
  /** Backup runs at once across all jobs (default 1); more wait in the queue. */
  backupConcurrency: z.number().int('a whole number').min(1, 'at least 1').max(8, 'at most 8').optional(),
  /** A running backup with no progress for this long is stuck: its backup check goes down (default 10m). */
  backupStuckAfter: durationField({ min: 60_000, max: 7 * 86_400_000 }).optional(),
});

export const configSchema = z
  .strictObject({
    version: z.literal(CONFIG_VERSION, { error: `must be ${CONFIG_VERSION}` }),
    settings: settingsSchema.optional(),
    targets: z.array(targetSchema).optional(),
    /** Where notices go (docs/channels.md); without it, the built-in channels of the app or serve. */
    channels: z.array(channelEntrySchema).max(100, 'at most 100 channels').optional(),
    /** Which notices go to which channels; without it, every channel gets every notice. */
    routes: routesSchema.optional(),
    /** Backup jobs (docs/backup-format.md; run with `kaavan backup run JOB`). */
    backups: z.array(backupJobSchema).max(100, 'at most 100 backup jobs').optional(),

    // --- Top-level sections of the hosts issue (maintenance windows, ...). ---
    /** Maintenance windows: checks run and are recorded, alerts wait (docs/config.md). */
    maintenance: maintenanceField.optional(),
  })
  .superRefine((config, ctx) => {
    duplicateNames(config.targets ?? [], ctx, (index) => ['targets', index, 'name'], (name, first) =>
      `duplicate target name ${echo(name)}${sameName(name, first)}`);
    duplicateNames(config.backups ?? [], ctx, (index) => ['backups', index, 'name'], (name, first) =>
      `duplicate backup job name ${echo(name)}${sameName(name, first)}`);
    for (const issue of hostsConfigIssues(config)) ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: issue.message });
    for (const issue of scheduleIssues(config.backups ?? [])) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of sourceTargetIssues(config)) ctx.addIssue({ code: 'custom', ...issue });
    for (const issue of channelConfigIssues(config.channels ?? [], config.routes ?? [])) {
      ctx.addIssue({ code: 'custom', path: issue.path as PropertyKey[], message: issue.message });
    }
  });

export type KaavanConfig = z.infer<typeof configSchema>;
export type TargetConfig = z.infer<typeof targetSchema>;
export type CheckConfig = z.infer<typeof checkSchema>;
export type Settings = z.infer<typeof settingsSchema>;
