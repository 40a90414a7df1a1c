// The single place where input crossing a transport (Electron IPC, HTTP) is validated.
// Each service method lists the schema of its one argument; `dispatch` validates and calls.
import { z } from 'zod';
import type { KaavanService } from './service.js';
import { KaavanError, formatPath } from './errors.js';
import { settingsSchema } from '../config/schema.js';
import { SECRET_NAME_PATTERN } from '../secrets/secrets.js';

const none = z.union([z.undefined(), z.null(), z.strictObject({})]).transform(() => undefined);
const name = z.string().trim().min(1).max(64);
const id = z.number().int().positive();
const note = z.string().max(2000).optional();
const secretName = z
  .string()
  .regex(SECRET_NAME_PATTERN, 'must be 1..128 letters, digits, ".", "_" or "-"');

/** The filters of the alert history (issue 8); times are ms since the epoch. */
const alertHistoryQuery = z.strictObject({
  text: z.string().max(200, 'at most 200 characters').optional(),
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
  state: z.enum(['open', 'acknowledged', 'resolved', 'active']).optional(),
  severity: z.enum(['info', 'warning', 'error', 'critical']).optional(),
  target: name.optional(),
});

export const methodInputs = {
  info: none,
  overview: none,
  health: none,
  checkHistory: z.strictObject({
    target: name,
    check: name,
    sinceMs: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  }),
  listAlerts: z
    .strictObject({
      state: z.enum(['open', 'acknowledged', 'resolved', 'active']).optional(),
      severity: z.enum(['info', 'warning', 'error', 'critical']).optional(),
      target: name.optional(),
      limit: z.number().int().min(1).max(1000).optional(),
    })
    .optional()
    .transform((v) => v ?? {}),
  alertDetail: z.strictObject({ id }),
  acknowledgeAlert: z.strictObject({ id, note }),
  resolveAlert: z.strictObject({ id, note }),
  getConfig: none,
  validateConfig: z.strictObject({ config: z.unknown() }),
  replaceConfig: z.strictObject({ config: z.unknown() }),
  saveTarget: z.strictObject({
    originalName: name.optional(),
    target: z.strictObject({ name: z.string(), tags: z.array(z.string()).optional() }),
  }),
  removeTarget: z.strictObject({ name }),
  saveCheck: z.strictObject({ target: name, originalName: name.optional(), check: z.unknown() }),
  removeCheck: z.strictObject({ target: name, check: name }),
  validateCheck: z.strictObject({ check: z.unknown() }),
  updateSettings: settingsSchema,
  setPaused: z.strictObject({ paused: z.boolean() }),
  runCheckNow: z.strictObject({ target: name, check: name }),
  listSecrets: none,
  setSecret: z.strictObject({ name: secretName, value: z.string().min(1).max(65_536) }),
  deleteSecret: z.strictObject({ name: secretName }),
  listChannels: none,
  testChannel: z.strictObject({ name }),
  listAudit: z
    .strictObject({ limit: z.number().int().min(1).max(1000).optional() })
    .optional()
    .transform((v) => v ?? {}),

  // --- Dashboard (issue 6). ---
  checkDetail: z.strictObject({ id }),
  checkSeries: z.strictObject({ id, range: z.enum(['1h', '24h', '7d', '30d', '1y']) }),
  setEnabled: z.strictObject({
    checkIds: z.array(id).max(10_000).optional(),
    targetIds: z.array(id).max(10_000).optional(),
    enabled: z.boolean(),
  }),
  cloneCheck: z.strictObject({ id }),
  removeChecks: z.strictObject({ ids: z.array(id).min(1).max(10_000) }),
  acknowledgeAlerts: z.strictObject({ ids: z.array(id).min(1).max(10_000), note }),
  exportConfig: z.strictObject({ format: z.enum(['yaml', 'json'], { error: 'use "yaml" or "json"' }) }),
  importConfig: z.strictObject({
    text: z.string().max(1024 * 1024, 'the file is over 1 MB'),
    fileName: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  }),

  // --- Hosts (issue 7). ---
  hostKeyOffer: z.strictObject({
    target: name.optional(),
    host: z.string().trim().min(1).max(253).optional(),
    port: z.number().int().min(1).max(65535).optional(),
  }),
  trustHostKey: z.strictObject({ target: name, fingerprint: z.string().trim().min(1).max(128) }),
  saveTargetSsh: z.strictObject({ target: name, ssh: z.unknown() }),
  acceptBaseline: z.strictObject({ id }),
  hostDetail: z.strictObject({ targetId: id }),
  statusReport: z
    .strictObject({ sinceMs: z.number().int().min(0).optional() })
    .optional()
    .transform((v) => v ?? {}),

  // --- Incident response (issue 8). ---
  silenceAlert: z.strictObject({
    id,
    forMs: z.number().int('must be a whole number of milliseconds').min(0).max(30 * 86_400_000, 'at most 30 days'),
    note,
  }),
  alertHistory: alertHistoryQuery.extend({
    offset: z.number().int().min(0).max(10_000_000).optional(),
    limit: z.number().int().min(1).max(1000).optional(),
  }),
  exportAlertsCsv: alertHistoryQuery,
  deliveryQueue: z
    .strictObject({ channel: name.optional(), state: z.enum(['pending', 'failed']).optional(), limit: z.number().int().min(1).max(5000).optional() })
    .optional()
    .transform((v) => v ?? {}),
  retryDelivery: z.strictObject({ id }),
  previewRoute: z.strictObject({
    target: name,
    check: name,
    severity: z.enum(['info', 'warning', 'error', 'critical']).optional(),
    event: z.enum(['opened', 'reminder', 'recovered', 'acknowledged', 'resolved']).optional(),
  }),
  healStatus: none,
  searchAudit: z
    .strictObject({
      action: z.string().trim().max(64).optional(),
      subject: z.string().trim().max(200).optional(),
      actor: z.string().trim().max(32).optional(),
      since: z.number().int().min(0).optional(),
      until: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(5000).optional(),
    })
    .optional()
    .transform((v) => v ?? {}),

  // --- Backups (issue 9). ---
  listBackupJobs: none,
  listBackupRuns: z
    .strictObject({ job: name.optional(), limit: z.number().int().min(1).max(1000).optional() })
    .optional()
    .transform((v) => v ?? {}),
  runBackup: z.strictObject({ job: name, type: z.enum(['full', 'incremental', 'intelligent']).optional() }),
  cancelBackup: z.strictObject({ runId: z.string().min(1).max(128) }),
  verifyBackupRun: z.strictObject({ job: name, runId: z.string().min(1).max(128) }),
  validateBackupJob: z.strictObject({ job: z.unknown() }),
  saveBackupJob: z.strictObject({ originalName: name.optional(), job: z.unknown() }),
  removeBackupJob: z.strictObject({ name }),
} satisfies { [K in Exclude<keyof KaavanService, 'subscribe'>]: z.ZodType };

export type MethodName = keyof typeof methodInputs;
export const methodNames = Object.keys(methodInputs) as MethodName[];

export function isMethodName(value: unknown): value is MethodName {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(methodInputs, value);
}

/** Validates `rawInput` for `method` and calls the service. Throws KaavanError on bad input. */
export async function dispatch(service: KaavanService, method: unknown, rawInput: unknown): Promise<unknown> {
  if (!isMethodName(method)) throw new KaavanError('not_found', `unknown method "${String(method)}"`);
  const parsed = methodInputs[method].safeParse(rawInput);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
    throw new KaavanError(
      'invalid_input',
      `invalid input for ${method}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const fn = service[method] as (input: unknown) => Promise<unknown>;
  return fn.call(service, parsed.data);
}

/** Turns anything thrown by the service into the body a transport sends back. */
export function toErrorBody(error: unknown): { code: KaavanError['code']; message: string; issues?: KaavanError['issues'] } {
  if (error instanceof KaavanError) return error.toJSON();
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) };
}
