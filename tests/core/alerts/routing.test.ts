// Routing, quiet hours and escalation as pure decisions, driven by an explicit clock (epoch ms):
// every case states the instant it is judged at.
import { describe, expect, it } from 'vitest';
import { channelConfigIssues, channelEntrySchema, routesSchema, type RouteConfig } from '../../../src-main/core/alerts/channel-config.js';
import { dueEscalations, inQuietHours, noticeSubject, nextEscalationAt, previewRoute, routeNotice, type RoutableChannel, type RouteSubject } from '../../../src-main/core/alerts/routing.js';

const utc = (y: number, mo: number, d: number, h: number, mi = 0) => Date.UTC(y, mo - 1, d, h, mi);
const MONDAY_NOON = utc(2026, 11, 23, 12);

const channels: RoutableChannel[] = [
  { name: 'ops-mail' },
  { name: 'team-chat', events: ['opened', 'recovered'] },
  { name: 'desktop' },
  { name: 'oncall' },
  { name: 'old', enabled: false },
];
const subject = (over: Partial<RouteSubject> = {}): RouteSubject => ({ target: 'web1', check: 'homepage', tags: ['prod'], severity: 'error', event: 'opened', ...over });
const going = (decisions: ReturnType<typeof routeNotice>) => decisions.filter((d) => d.deliver).map((d) => d.channel);
const routes = (list: unknown[]): RouteConfig[] => routesSchema.parse(list);

describe('routing', () => {
  it('a notice\'s subject is its alert\'s target, check and severity, its kind, and the target\'s tags', () => {
    const alert = { target: 'web1', check: 'homepage', severity: 'critical' as const };
    expect(noticeSubject({ kind: 'reminder', alert }, ['prod'])).toEqual({ target: 'web1', check: 'homepage', tags: ['prod'], severity: 'critical', event: 'reminder' });
  });

  it('without routes every enabled channel gets every notice its events allow', () => {
    expect(going(routeNotice(subject(), { channels }, MONDAY_NOON))).toEqual(['ops-mail', 'team-chat', 'desktop', 'oncall']);
    expect(going(routeNotice(subject({ event: 'reminder' }), { channels }, MONDAY_NOON))).toEqual(['ops-mail', 'desktop', 'oncall']);
  });

  it('routes by minimum severity, target, check, tag and event; matching routes add up', () => {
    const config = {
      channels,
      routes: routes([
        { name: 'serious', minSeverity: 'error', channels: ['ops-mail'] },
        { name: 'prod chat', tags: ['prod'], events: ['opened', 'recovered'], channels: ['team-chat'] },
        { name: 'db', targets: ['db1'], channels: ['oncall'] },
        { name: 'homepage', checks: ['web1/homepage'], channels: ['desktop'] },
      ]),
    };
    expect(going(routeNotice(subject(), config, MONDAY_NOON))).toEqual(['ops-mail', 'team-chat', 'desktop']);
    expect(going(routeNotice(subject({ severity: 'warning', tags: [] }), config, MONDAY_NOON))).toEqual(['desktop']);
    expect(going(routeNotice(subject({ target: 'db1', check: 'port', tags: [], severity: 'warning' }), config, MONDAY_NOON))).toEqual(['oncall']);
    expect(going(routeNotice(subject({ event: 'acknowledged', check: 'api' }), config, MONDAY_NOON))).toEqual(['ops-mail']);
    expect(routeNotice(subject({ target: 'other', check: 'x', tags: [], severity: 'info' }), config, MONDAY_NOON)).toEqual([]);
    expect(routeNotice(subject(), config, MONDAY_NOON)[0]).toEqual({ channel: 'ops-mail', deliver: true, reason: 'route "serious"' });
  });

  it('quiet hours across midnight in the channel\'s time zone; critical breaks through unless told not to', () => {
    const quiet: RoutableChannel[] = [
      { name: 'ops-mail', quietHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin' } },
      { name: 'strict', quietHours: { from: '22:00', to: '07:00', timeZone: 'Europe/Berlin', allowCritical: false } },
    ];
    const at2230Berlin = utc(2026, 11, 23, 21, 30); // CET = UTC+1
    const at0730Berlin = utc(2026, 11, 24, 6, 30);
    expect(routeNotice(subject(), { channels: quiet }, at2230Berlin)).toEqual([
      { channel: 'ops-mail', deliver: false, reason: 'held back: quiet hours 22:00–07:00 (Europe/Berlin)' },
      { channel: 'strict', deliver: false, reason: 'held back: quiet hours 22:00–07:00 (Europe/Berlin)' },
    ]);
    expect(going(routeNotice(subject(), { channels: quiet }, at0730Berlin))).toEqual(['ops-mail', 'strict']);
    const critical = routeNotice(subject({ severity: 'critical' }), { channels: quiet }, at2230Berlin);
    expect(going(critical)).toEqual(['ops-mail']);
    expect(critical[0]!.reason).toBe('no routes: every channel; critical, so despite quiet hours 22:00–07:00 (Europe/Berlin)');
  });

  it('quiet hours follow daylight saving time: the same UTC hour is quiet in July and not in December (New York)', () => {
    const q = { from: '22:00', to: '06:00', timeZone: 'America/New_York' };
    expect(inQuietHours(q, utc(2026, 7, 1, 2, 30))).toBe(true); // 22:30 EDT
    expect(inQuietHours(q, utc(2026, 12, 1, 2, 30))).toBe(false); // 21:30 EST
  });

  it('quiet days name the evening a period starts: Friday night into Saturday morning, not Saturday night', () => {
    const q = { from: '22:00', to: '07:00', timeZone: 'UTC', days: ['fri' as const] };
    expect(inQuietHours(q, utc(2026, 11, 27, 23))).toBe(true); // Fri 23:00
    expect(inQuietHours(q, utc(2026, 11, 28, 3))).toBe(true); // Sat 03:00, Friday's period
    expect(inQuietHours(q, utc(2026, 11, 28, 23))).toBe(false); // Sat 23:00
    expect(inQuietHours(q, utc(2026, 11, 27, 12))).toBe(false); // Fri noon
    expect(inQuietHours({ from: '12:00', to: '13:00', timeZone: 'UTC' }, MONDAY_NOON)).toBe(true);
    expect(inQuietHours({ from: '12:00', to: '13:00', timeZone: 'UTC' }, utc(2026, 11, 23, 13))).toBe(false);
  });

  it('escalation: unacknowledged for each step\'s time → its channels, once; acknowledged or resolved never', () => {
    const config = {
      channels: [...channels, { name: 'night', quietHours: { from: '00:00', to: '23:59', timeZone: 'UTC' } }],
      routes: routes([{ name: 'web', targets: ['web1'], channels: ['ops-mail'], escalate: [{ after: '15m', channels: ['oncall'] }, { after: '1h', channels: ['team-chat', 'night'] }] }]),
    };
    const opened = MONDAY_NOON;
    const alert = { id: 42, state: 'open' as const, openedAt: opened };
    const s = subject();
    expect(dueEscalations(alert, s, config, opened + 14 * 60_000, new Set())).toEqual([]);
    expect(nextEscalationAt(alert, s, config, new Set())).toBe(opened + 15 * 60_000);

    const first = dueEscalations(alert, s, config, opened + 15 * 60_000, new Set());
    expect(first).toEqual([{ key: 'escalation:42:web:1', step: 1, afterMs: 900_000, decisions: [{ channel: 'oncall', deliver: true, reason: 'route "web": unacknowledged for 15 min' }] }]);

    const done = new Set([first[0]!.key]);
    expect(dueEscalations(alert, s, config, opened + 30 * 60_000, done)).toEqual([]);
    expect(nextEscalationAt(alert, s, config, done)).toBe(opened + 3_600_000);
    const second = dueEscalations(alert, s, config, opened + 61 * 60_000, done);
    expect(second.map((e) => e.key)).toEqual(['escalation:42:web:2']);
    expect(second[0]!.decisions.map((d) => [d.channel, d.deliver])).toEqual([
      ['team-chat', true],
      ['night', false], // quiet hours apply to escalations too
    ]);

    // Missed while Kaavan was off: both steps at once.
    expect(dueEscalations(alert, s, config, opened + 2 * 3_600_000, new Set()).map((e) => e.step)).toEqual([1, 2]);
    for (const state of ['acknowledged', 'resolved'] as const) {
      expect(dueEscalations({ ...alert, state }, s, config, opened + 2 * 3_600_000, new Set())).toEqual([]);
      expect(nextEscalationAt({ ...alert, state }, s, config, new Set())).toBeNull();
    }
    expect(dueEscalations(alert, subject({ target: 'db1' }), config, opened + 2 * 3_600_000, new Set())).toEqual([]);
  });

  it('previewRoute says in words where an alert would go', () => {
    const config = {
      channels: [...channels, { name: 'quiet-mail', quietHours: { from: '11:00', to: '13:00', timeZone: 'UTC' } }],
      routes: routes([
        { channels: ['ops-mail', 'quiet-mail'], tags: ['prod'], escalate: [{ after: '15m', channels: ['oncall'] }, { after: '30m', channels: ['quiet-mail'] }] },
        { channels: ['team-chat'], minSeverity: 'critical' },
      ]),
    };
    expect(previewRoute({ target: 'web1', check: 'homepage', tags: ['prod'] }, config).text).toBe(
      'An error alert on web1/homepage would go to: ops-mail, quiet-mail; unacknowledged for 15 min also to: oncall; unacknowledged for 30 min also to: quiet-mail.',
    );
    expect(previewRoute({ target: 'web1', check: 'homepage', tags: ['prod'] }, config, MONDAY_NOON).text).toBe(
      'An error alert on web1/homepage would go to: ops-mail; not to quiet-mail (held back: quiet hours 11:00–13:00 (UTC)); unacknowledged for 15 min also to: oncall; unacknowledged for 30 min also to: quiet-mail.',
    );
    expect(previewRoute({ target: 'db1', check: 'port' }, config).text).toBe('An error alert on db1/port would go to no channel.');
    expect(previewRoute({ target: 'db1', check: 'port', severity: 'critical' }, config).text).toBe('A critical alert on db1/port would go to: team-chat.');
  });
});

describe('channels and routes config', () => {
  it('names unknown channels, duplicates, reserved names and out-of-order escalation steps', () => {
    const chans = [
      channelEntrySchema.parse({ name: 'ops-mail', kind: 'email', host: 'smtp.example.com', port: 587, security: 'starttls', user: 'kaavan@example.com', passwordRef: 'smtp-ops', from: 'kaavan@example.com', to: ['ops@example.com'] }),
      channelEntrySchema.parse({ name: 'team-chat', kind: 'webhook', urlRef: 'chat-hook', format: 'slack' }),
      channelEntrySchema.parse({ name: 'desktop', kind: 'desktop' }),
      channelEntrySchema.parse({ name: 'desktop', kind: 'desktop' }),
      channelEntrySchema.parse({ name: 'console', kind: 'desktop' }),
    ];
    const r = routes([{ channels: ['ops-mail', 'pager'], escalate: [{ after: '1h', channels: ['team-chat'] }, { after: '30m', channels: ['sms'] }] }]);
    expect(channelConfigIssues(chans, r).map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'channels.3.name: duplicate channel name "desktop"',
      'channels.4.name: "console" is the name of a built-in channel; choose another',
      'routes.0.channels.1: no channel named "pager" (channels: ops-mail, team-chat, desktop, console)',
      'routes.0.escalate.1.channels.0: no channel named "sms" (channels: ops-mail, team-chat, desktop, console)',
      'routes.0.escalate.1.after: each escalation step must come later than the one before',
    ]);
  });

  it('field errors read as advice', () => {
    const issues = (input: unknown) => {
      const r = channelEntrySchema.safeParse(input);
      return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(issues({ name: 'x', kind: 'pager' })).toEqual(['kind: unknown channel kind "pager"; expected one of: email, webhook, desktop']);
    expect(issues({ name: 'x', kind: 'desktop', quietHours: { from: '22:00', to: '7am', timeZone: 'Mars/Olympus' } })).toEqual([
      'quietHours.to: must be a time of day like "22:00" or "07:30" (24-hour clock)',
      'quietHours.timeZone: must be a time zone like "Europe/Berlin" or "UTC"',
    ]);
    expect(issues({ name: 'm', kind: 'email', host: 'smtp.example.com', passwordRef: 'p', from: 'me', to: [] })).toEqual([
      'from: must be an email address like ops@example.com (or "Name <ops@example.com>")',
      'to: needs at least one address',
      'user: a login needs the user name beside passwordRef',
    ]);
    expect(issues({ name: 'm', kind: 'email', host: 'smtp.example.com', passwordRef: 'p', from: 'a@b.c', to: ['ops@example.com'] })).toEqual([
      'user: a login needs the user name beside passwordRef',
    ]);
  });
});
