// The `channels:` and `routes:` parts of the configuration document (docs/channels.md). The lead's
// config schema adds `channels: z.array(channelEntrySchema).optional()` and
// `routes: routesSchema.optional()` at the top level, and calls channelConfigIssues() from its
// superRefine for the rules spanning both lists (unique names, routes naming known channels).
import { z } from 'zod';
import { channelKinds, getChannelKind } from './channel-kinds/registry.js';
import type { ChannelDeps, ChannelIssue, ChannelKind } from './channel-kinds/types.js';
import type { AlertChannel, AlertNotice, DeliveryReceipt, NoticeKind } from './channel.js';
import { durationField, nameField } from '../config/fields.js';
import { parseDuration } from '../config/duration.js';

export const NOTICE_EVENTS = ['opened', 'reminder', 'recovered', 'acknowledged', 'resolved'] as const satisfies readonly NoticeKind[];
export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
/** Names the app and `kaavan serve` give their built-in channels; an entry may not take them. */
export const RESERVED_CHANNEL_NAMES = ['console'];

const eventField = z.enum(NOTICE_EVENTS, { error: `must be one of: ${NOTICE_EVENTS.join(', ')}` });
const severityField = z.enum(SEVERITIES, { error: `must be one of: ${SEVERITIES.join(', ')}` });

export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const clockField = z.string({ error: 'must be a time of day like "22:00"' }).regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like "22:00" or "07:30" (24-hour clock)');
export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Hours in which a channel stays silent. `from` > `to` spans midnight ("22:00" to "07:00"). */
export const quietHoursSchema = z
  .strictObject({
    from: clockField,
    to: clockField,
    /** IANA zone ("Europe/Berlin"); default: the computer's. */
    timeZone: z.string().refine(isTimeZone, 'must be a time zone like "Europe/Berlin" or "UTC"').optional(),
    /** Days on which the quiet hours start; default every day. */
    days: z.array(z.enum(WEEKDAYS, { error: `must be one of: ${WEEKDAYS.join(', ')}` })).min(1).optional(),
    /** Critical alerts are delivered even in quiet hours; default true. */
    allowCritical: z.boolean().optional(),
  })
  .refine((q) => q.from !== q.to, { message: '"from" and "to" must differ', path: ['to'] });
export type QuietHours = z.infer<typeof quietHoursSchema>;

/** Fields every channel entry has, whatever its kind. */
export const commonChannelShape = {
  name: nameField,
  enabled: z.boolean().optional(),
  /** The notices this channel gets; default all. */
  events: z.array(eventField).min(1, 'list at least one event, or leave `events` out for all').optional(),
  /** How long one delivery may take before it is retried later; default 30s. */
  timeout: durationField({ min: 1000, max: 300_000 }).optional(),
  quietHours: quietHoursSchema.optional(),
};

const kindSchemas = channelKinds.map((kind) =>
  z.strictObject({ ...commonChannelShape, kind: z.literal(kind.kind), ...kind.paramsShape }).superRefine((entry, ctx) => {
    for (const issue of (kind as unknown as ChannelKind).crossFieldIssues?.(entry) ?? []) ctx.addIssue({ code: 'custom', ...issue });
  }),
);
const knownKinds = channelKinds.map((k) => k.kind);

/** One entry of `channels:`. */
export const channelEntrySchema = z.discriminatedUnion('kind', kindSchemas as unknown as [(typeof kindSchemas)[number], ...(typeof kindSchemas)[number][]], {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `unknown channel kind${issue.input && typeof issue.input === 'object' && 'kind' in issue.input ? ` "${String((issue.input as { kind: unknown }).kind)}"` : ''}; expected one of: ${knownKinds.join(', ')}`
      : undefined,
});
export type ChannelEntry = z.infer<typeof channelEntrySchema>;

const nameList = z.array(z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters')).min(1, 'list at least one name');

export const escalationStepSchema = z.strictObject({
  /** How long the alert stays unacknowledged before these channels are told. */
  after: durationField({ min: 60_000, max: 7 * 86_400_000 }),
  channels: nameList,
});

/**
 * One rule of `routes:`. A notice matches when every condition given holds (within a list, any
 * entry matches). Every matching route contributes its channels; with `routes:` a notice that no
 * route matches goes nowhere (the route preview says so).
 */
export const routeSchema = z.strictObject({
  name: z.string().trim().min(1).max(64, 'must be at most 64 characters').optional(),
  channels: nameList,
  minSeverity: severityField.optional(),
  /** Target names. */
  targets: nameList.optional(),
  /** Checks as "target/check" or a check name on any target. */
  checks: nameList.optional(),
  /** Target tags; a target with any of them matches. */
  tags: nameList.optional(),
  events: z.array(eventField).min(1).optional(),
  /** While the alert stays unacknowledged: after each step's time, tell its channels too. */
  escalate: z.array(escalationStepSchema).max(5, 'at most 5 escalation steps').optional(),
});
export const routesSchema = z.array(routeSchema).max(200, 'at most 200 routes');
export type RouteConfig = z.infer<typeof routeSchema>;

/** Rules across `channels:` and `routes:`, each issue at its path from the document root. */
export function channelConfigIssues(channels: readonly ChannelEntry[] = [], routes: readonly RouteConfig[] = []): ChannelIssue[] {
  const issues: ChannelIssue[] = [];
  const names = new Set<string>();
  channels.forEach((c, i) => {
    if (names.has(c.name)) issues.push({ path: ['channels', i, 'name'], message: `duplicate channel name "${c.name}"` });
    if (RESERVED_CHANNEL_NAMES.includes(c.name)) issues.push({ path: ['channels', i, 'name'], message: `"${c.name}" is the name of a built-in channel; choose another` });
    names.add(c.name);
  });
  const known = [...names].join(', ') || 'none defined';
  routes.forEach((r, i) => {
    r.channels.forEach((n, j) => {
      if (!names.has(n)) issues.push({ path: ['routes', i, 'channels', j], message: `no channel named "${n}" (channels: ${known})` });
    });
    (r.escalate ?? []).forEach((step, s) => {
      step.channels.forEach((n, j) => {
        if (!names.has(n)) issues.push({ path: ['routes', i, 'escalate', s, 'channels', j], message: `no channel named "${n}" (channels: ${known})` });
      });
      const prev = r.escalate?.[s - 1];
      if (prev && (parseDuration(step.after) ?? 0) <= (parseDuration(prev.after) ?? 0))
        issues.push({ path: ['routes', i, 'escalate', s, 'after'], message: 'each escalation step must come later than the one before' });
    });
  });
  return issues;
}

/** Builds the AlertChannel for a validated entry. */
export function createChannel(entry: ChannelEntry, deps: ChannelDeps): AlertChannel {
  const kind = getChannelKind(entry.kind);
  if (!kind) throw new Error(`unknown channel kind "${entry.kind}"`);
  const timeoutMs = entry.timeout === undefined ? undefined : (parseDuration(entry.timeout) ?? undefined);
  return kind.create({ ...entry, deliveryTimeoutMs: timeoutMs, events: entry.events }, deps);
}

/** The AlertChannels for the enabled entries, in config order (what the Notifier gets besides its built-ins). */
export function createChannels(entries: readonly ChannelEntry[] = [], deps: ChannelDeps): AlertChannel[] {
  return entries.filter((e) => e.enabled !== false).map((e) => createChannel(e, deps));
}

/** What the channel's entry points at, for lists ("ops@example.com via smtp.example.com:587 (starttls)"). */
export function describeChannel(entry: ChannelEntry): string {
  return getChannelKind(entry.kind)?.describe(entry as never) ?? entry.kind;
}

/** Names of the secrets an entry needs (the UI marks those not set). */
export function channelSecretRefs(entry: ChannelEntry): string[] {
  return getChannelKind(entry.kind)?.secretRefs(entry as never) ?? [];
}

export type SendTestResult = { ok: true; answer: string } | { ok: false; error: string };

/** A notice that is obviously a test, about no real alert. */
export function testNotice(channelName: string, now: number): AlertNotice {
  return {
    kind: 'opened',
    title: `Test from Kaavan to "${channelName}"`,
    body: 'This is a test notice: the channel works. No check is down.',
    at: now,
    alert: {
      id: 0,
      checkId: null,
      key: 'test',
      target: 'kaavan',
      check: 'channel test',
      severity: 'info',
      state: 'resolved',
      title: 'Test',
      message: 'test',
      openedAt: now,
      lastSeenAt: now,
      ackedAt: null,
      ackNote: null,
      resolvedAt: now,
      resolvedBy: 'manual',
      count: 0,
      metadata: {},
    },
    downtimeMs: 0,
  };
}

/**
 * "Send test" (UI and `kaavan channel test NAME`): one delivery outside the outbox, answered with
 * the peer's exact words ("250 2.0.0 Ok: queued", "535 5.7.8 authentication failed", "HTTP 404 from …").
 */
export async function sendTest(channel: AlertChannel, options: { now?: () => number; timeoutMs?: number } = {}): Promise<SendTestResult> {
  const now = (options.now ?? Date.now)();
  const timeoutMs = options.timeoutMs ?? channel.deliveryTimeoutMs ?? 30_000;
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const receipt: void | DeliveryReceipt = await channel.deliver(testNotice(channel.name, now), { idempotencyKey: `test:${channel.name}:${now}`, signal, attempt: 1 });
    return { ok: true, answer: receipt?.answer ?? 'delivered' };
  } catch (err) {
    if (signal.aborted) return { ok: false, error: `no answer within ${timeoutMs / 1000} s` };
    return { ok: false, error: err instanceof Error ? err.message : String(err) };
  }
}
