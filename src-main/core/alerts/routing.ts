// Which channels get a notice: a pure function of the notice's subject, the `channels:` and
// `routes:` config and the clock. Without routes every enabled channel gets every notice (its own
// `events` still filter). With routes, every route whose conditions all hold adds its channels.
// Per-channel quiet hours hold a notice back (critical ones break through unless told not to);
// escalation tells further channels while an alert stays unacknowledged. The caller (alert manager)
// enqueues to the channels marked deliver and records escalation keys it has acted on.
// Reference: docs/channels.md.
import type { AlertState, Severity } from '../model.js';
import type { NoticeKind } from './channel.js';
import { WEEKDAYS, type QuietHours, type RouteConfig } from './channel-config.js';
import { parseDuration, humanDuration } from '../config/duration.js';

/** What a notice is about, as routing sees it. */
export interface RouteSubject {
  target: string;
  check: string;
  /** The target's tags. */
  tags: readonly string[];
  severity: Severity;
  event: NoticeKind;
}

/** The subject of a notice, given its target's tags (from the config). */
export function noticeSubject(notice: { kind: NoticeKind; alert: { target: string; check: string; severity: Severity } }, tags: readonly string[] = []): RouteSubject {
  return { target: notice.alert.target, check: notice.alert.check, tags, severity: notice.alert.severity, event: notice.kind };
}

/** The parts of a channel entry routing reads. */
export interface RoutableChannel {
  name: string;
  enabled?: boolean;
  events?: readonly NoticeKind[];
  quietHours?: QuietHours;
}

export interface RoutingConfig {
  channels: readonly RoutableChannel[];
  routes?: readonly RouteConfig[];
}

export interface ChannelDecision {
  channel: string;
  deliver: boolean;
  /** Why, for the preview and the audit: "route \"prod\"", "quiet hours 22:00–07:00 (Europe/Berlin)". */
  reason: string;
}

const SEVERITY_RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2, critical: 3 };

function routeLabel(route: RouteConfig, index: number): string {
  return route.name ? `route "${route.name}"` : `route ${index + 1}`;
}

/** True when every condition the route gives holds for the subject. */
export function routeMatches(route: RouteConfig, s: RouteSubject): boolean {
  if (route.minSeverity && SEVERITY_RANK[s.severity] < SEVERITY_RANK[route.minSeverity]) return false;
  if (route.targets && !route.targets.includes(s.target)) return false;
  if (route.checks && !route.checks.some((c) => c === s.check || c === `${s.target}/${s.check}`)) return false;
  if (route.tags && !route.tags.some((t) => s.tags.includes(t))) return false;
  if (route.events && !route.events.includes(s.event)) return false;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Quiet hours

interface LocalTime {
  /** 0 = mon … 6 = sun */
  weekday: number;
  minutes: number;
}

const WEEKDAY_INDEX: Record<string, number> = { Mon: 0, Tue: 1, Wed: 2, Thu: 3, Fri: 4, Sat: 5, Sun: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

/** Weekday and minute of the day at `now` in `timeZone` (the computer's when absent). */
export function localTime(now: number, timeZone?: string): LocalTime {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    formatters.set(key, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(now)).map((p) => [p.type, p.value]));
  return { weekday: WEEKDAY_INDEX[parts.weekday!] ?? 0, minutes: (Number(parts.hour) % 24) * 60 + Number(parts.minute) };
}

const clockMinutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** True while `now` falls in the quiet hours. `days` lists the days on which a quiet period starts. */
export function inQuietHours(q: QuietHours, now: number): boolean {
  const { weekday, minutes } = localTime(now, q.timeZone);
  const from = clockMinutes(q.from);
  const to = clockMinutes(q.to);
  const startsOn = (day: number) => !q.days || q.days.includes(WEEKDAYS[day]!);
  if (from < to) return minutes >= from && minutes < to && startsOn(weekday);
  // Spans midnight: the evening part belongs to today, the morning part to yesterday's period.
  if (minutes >= from) return startsOn(weekday);
  if (minutes < to) return startsOn((weekday + 6) % 7);
  return false;
}

function quietText(q: QuietHours): string {
  return `quiet hours ${q.from}–${q.to}${q.timeZone ? ` (${q.timeZone})` : ''}`;
}

/** Quiet hours applied to one channel already chosen for the notice. */
function applyQuietHours(channel: RoutableChannel, severity: Severity, now: number, reason: string): ChannelDecision {
  const q = channel.quietHours;
  if (!q || !inQuietHours(q, now)) return { channel: channel.name, deliver: true, reason };
  if (severity === 'critical' && q.allowCritical !== false) return { channel: channel.name, deliver: true, reason: `${reason}; critical, so despite ${quietText(q)}` };
  return { channel: channel.name, deliver: false, reason: `held back: ${quietText(q)}` };
}

// ---------------------------------------------------------------------------------------------
// Routing

/** The channels a notice goes to (deliver) or is held back from (deliver false), in config order. */
export function routeNotice(subject: RouteSubject, config: RoutingConfig, now: number): ChannelDecision[] {
  const usable = config.channels.filter((c) => c.enabled !== false && (!c.events || c.events.includes(subject.event)));
  const routes = config.routes ?? [];
  if (routes.length === 0) return usable.map((c) => applyQuietHours(c, subject.severity, now, 'no routes: every channel'));
  const reasons = new Map<string, string[]>();
  routes.forEach((route, i) => {
    if (!routeMatches(route, subject)) return;
    for (const name of route.channels) reasons.set(name, [...(reasons.get(name) ?? []), routeLabel(route, i)]);
  });
  return usable.filter((c) => reasons.has(c.name)).map((c) => applyQuietHours(c, subject.severity, now, reasons.get(c.name)!.join(', ')));
}

// ---------------------------------------------------------------------------------------------
// Escalation

export interface EscalatableAlert {
  id: number;
  state: AlertState;
  openedAt: number;
}

export interface EscalationStep {
  /** Record it once acted on; pass it back in `alreadyEscalated`. */
  key: string;
  /** 1-based within its route. */
  step: number;
  afterMs: number;
  decisions: ChannelDecision[];
}

function escalationSteps(alert: EscalatableAlert, subject: Omit<RouteSubject, 'event'>, config: RoutingConfig) {
  const steps: Array<{ key: string; step: number; afterMs: number; channels: readonly string[]; label: string }> = [];
  (config.routes ?? []).forEach((route, i) => {
    if (!route.escalate || !routeMatches(route, { ...subject, event: 'opened' })) return;
    route.escalate.forEach((s, j) => {
      const afterMs = parseDuration(s.after) ?? Number.POSITIVE_INFINITY;
      steps.push({ key: `escalation:${alert.id}:${route.name ?? i}:${j + 1}`, step: j + 1, afterMs, channels: s.channels, label: routeLabel(route, i) });
    });
  });
  return steps;
}

/**
 * Escalation steps due at `now` for an alert still open and unacknowledged, minus those already
 * acted on. An acknowledged or resolved alert never escalates. Steps missed while Kaavan was not
 * running are all due at once: each names different people, who all should know.
 */
export function dueEscalations(
  alert: EscalatableAlert,
  subject: Omit<RouteSubject, 'event'>,
  config: RoutingConfig,
  now: number,
  alreadyEscalated: ReadonlySet<string>,
): EscalationStep[] {
  if (alert.state !== 'open') return [];
  const byName = new Map(config.channels.filter((c) => c.enabled !== false).map((c) => [c.name, c]));
  return escalationSteps(alert, subject, config)
    .filter((s) => !alreadyEscalated.has(s.key) && now - alert.openedAt >= s.afterMs)
    .map((s) => ({
      key: s.key,
      step: s.step,
      afterMs: s.afterMs,
      decisions: s.channels
        .map((name) => byName.get(name))
        .filter((c): c is RoutableChannel => c !== undefined)
        .map((c) => applyQuietHours(c, subject.severity, now, `${s.label}: unacknowledged for ${humanDuration(s.afterMs)}`)),
    }));
}

/** When the next escalation step falls due (for the caller's timer), or null when none is left. */
export function nextEscalationAt(alert: EscalatableAlert, subject: Omit<RouteSubject, 'event'>, config: RoutingConfig, alreadyEscalated: ReadonlySet<string>): number | null {
  if (alert.state !== 'open') return null;
  const pending = escalationSteps(alert, subject, config).filter((s) => !alreadyEscalated.has(s.key) && Number.isFinite(s.afterMs));
  return pending.length === 0 ? null : Math.min(...pending.map((s) => alert.openedAt + s.afterMs));
}

// ---------------------------------------------------------------------------------------------
// Preview

export interface RoutePreview {
  channels: ChannelDecision[];
  escalations: Array<{ afterMs: number; channels: string[] }>;
  /** "An alert on web1/homepage would go to: ops-mail, team-chat; unacknowledged for 15 min also to: oncall." */
  text: string;
}

/**
 * What the UI shows beside the routes: where an alert on target/check would go. Severity defaults
 * to error (what a failing check raises), the event to opened. With `now`, quiet hours in force at
 * that moment are applied; without it, they are left out.
 */
export function previewRoute(
  subject: { target: string; check: string; tags?: readonly string[]; severity?: Severity; event?: NoticeKind },
  config: RoutingConfig,
  now?: number,
): RoutePreview {
  const full: RouteSubject = { target: subject.target, check: subject.check, tags: subject.tags ?? [], severity: subject.severity ?? 'error', event: subject.event ?? 'opened' };
  const noQuiet: RoutingConfig = { ...config, channels: config.channels.map((c) => ({ ...c, quietHours: undefined })) };
  const channels = routeNotice(full, now === undefined ? noQuiet : config, now ?? 0);
  // Escalations lie in the future, so quiet hours now say nothing about them: listed without.
  const fake: EscalatableAlert = { id: 0, state: 'open', openedAt: 0 };
  const escalations = dueEscalations(fake, full, noQuiet, Number.MAX_SAFE_INTEGER, new Set()).map((s) => ({
    afterMs: s.afterMs,
    channels: s.decisions.map((d) => d.channel),
  }));
  const alertText = `${full.severity === 'error' || full.severity === 'info' ? 'an' : 'a'} ${full.severity} alert`;
  const subjectText = `${full.event === 'opened' ? alertText.replace(/^a/, 'A') : `A "${full.event}" notice of ${alertText}`} on ${full.target}/${full.check}`;
  const going = channels.filter((d) => d.deliver).map((d) => d.channel);
  const held = channels.filter((d) => !d.deliver).map((d) => `${d.channel} (${d.reason})`);
  let text = going.length > 0 ? `${subjectText} would go to: ${going.join(', ')}` : `${subjectText} would go to no channel`;
  if (held.length > 0) text += `; not to ${held.join(', ')}`;
  for (const e of escalations) if (e.channels.length > 0) text += `; unacknowledged for ${humanDuration(e.afterMs)} also to: ${e.channels.join(', ')}`;
  return { channels, escalations, text: `${text}.` };
}
