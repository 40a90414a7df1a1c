// Incident response around the alert lifecycle: a silence holds reminders back but never the
// recovery; a notice undelivered past the give-up age fails and raises an alert about Kaavan's own
// delivery; the route preview; audit rows that name the check, and their filters.
// Real HTTP servers on 127.0.0.1, real SQLite stores, the real runtime.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { Store } from '../../../src-main/core/store/store.js';
import { Notifier } from '../../../src-main/core/alerts/notifier.js';
import { AlertManager } from '../../../src-main/core/alerts/alert-manager.js';
import { watchDeliveries, deliveryAlertKey } from '../../../src-main/core/alerts/delivery-watch.js';
import type { AlertChannel, AlertNotice } from '../../../src-main/core/alerts/channel.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';
import { dispatch } from '../../../src-main/core/api/methods.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startHttp(port = 0): Promise<{ server: Server; port: number }> {
  const server = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', r));
  cleanups.push(() => stopHttp(server));
  return { server, port: (server.address() as AddressInfo).port };
}
const stopHttp = (s: Server) => {
  s.closeAllConnections?.();
  return new Promise<void>((r) => s.close(() => r()));
};

function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-incident-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function boot(yaml: string, channels: AlertChannel[] = []): Promise<KaavanRuntime> {
  const dir = tempDir();
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  const rt = await createKaavan({
    configStore: new FileConfigStore(configFile),
    dataDir: join(dir, 'data'),
    mode: 'headless',
    channels,
    secrets: createSecretStore({ backend: null, env: {} }),
    logger: silentLogger,
  });
  cleanups.push(() => rt.stop());
  await rt.start();
  return rt;
}

describe('silence', () => {
  it('holds reminders back while silenced, and still sends the recovery', async () => {
    const http = await startHttp();
    const channel = new RecordingChannel();
    const rt = await boot(
      `version: 1
settings: { reminderEvery: 1 }
targets:
  - name: web1
    checks:
      - { name: home, kind: http, url: "http://127.0.0.1:${http.port}/", interval: 1s, timeout: 500ms, retries: 0 }
`,
      [channel],
    );
    await waitFor(async () => (await rt.service.overview()).targets[0]?.checks[0]?.status === 'up');
    await stopHttp(http.server);
    // reminderEvery 1: a reminder after each further failure, until silenced.
    await waitFor(() => channel.notices.some((n) => n.kind === 'reminder'));
    const [alert] = await rt.service.listAlerts({ state: 'active' });
    const silenced = await rt.service.silenceAlert({ id: alert!.id, forMs: 3_600_000, note: 'deploy in progress' });
    expect(silenced.silencedUntil).toBeGreaterThan(Date.now() + 3_500_000);
    const noticesAtSilence = channel.notices.length;
    const countAtSilence = silenced.count;

    // Three more failed probes, no more reminders.
    await waitFor(async () => ((await rt.service.alertDetail({ id: alert!.id })).alert.count >= countAtSilence + 3), 20_000);
    expect(channel.notices.slice(noticesAtSilence)).toEqual([]);

    await startHttp(http.port);
    const recovered = await waitFor(() => channel.notices.find((n) => n.kind === 'recovered'), 20_000);
    expect(recovered.body).toMatch(/^Recovered after being down for/);

    const { events } = await rt.service.alertDetail({ id: alert!.id });
    const silence = events.find((e) => e.type === 'silenced')!;
    expect(silence.message).toMatch(/^Silenced for 1 h \(until \d{4}-\d\d-\d\d \d\d:\d\d UTC\): no reminders; the recovery is still sent\. deploy in progress$/);
    expect(events.filter((e) => e.type === 'reminder' && e.at > silence.at)).toEqual([]);

    const audit = await rt.service.searchAudit({ action: 'alert' });
    expect(audit[0]).toMatchObject({ actor: 'user', action: 'alert.silence', subject: 'web1 / home', detail: { alert: alert!.id, for: '1 h', note: 'deploy in progress' } });
  }, 60_000);

  it('refuses a resolved alert, with the check named', async () => {
    const http = await startHttp();
    const rt = await boot(`version: 1
targets:
  - name: web1
    checks:
      - { name: home, kind: http, url: "http://127.0.0.1:${http.port}/", interval: 1s, timeout: 500ms, retries: 0 }
`);
    await waitFor(async () => (await rt.service.overview()).targets[0]?.checks[0]?.status === 'up');
    await stopHttp(http.server);
    const alert = await waitFor(async () => (await rt.service.listAlerts({ state: 'active' }))[0]);
    await rt.service.resolveAlert({ id: alert.id });
    await expect(rt.service.silenceAlert({ id: alert.id, forMs: 60_000 })).rejects.toThrow(`alert ${alert.id} (web1 / home) is already resolved`);
  }, 30_000);
});

describe('delivery give-up age', () => {
  it('fails a notice older than the give-up age and raises an alert about delivery, resolved once the channel works again', async () => {
    const dir = tempDir();
    const store = Store.open(join(dir, 'kaavan.db'));
    cleanups.push(() => store.close());
    let clock = Date.UTC(2026, 10, 23, 9);
    const now = () => clock;
    let mailWorks = false;
    const mail: AlertChannel = {
      name: 'ops-mail',
      accepts: () => true,
      async deliver() {
        if (!mailWorks) throw new Error('cannot connect to SMTP server 127.0.0.1:2525: connection refused');
      },
    };
    const desktop = new RecordingChannel('desktop');
    // No jitter: the retry times below are exact.
    const notifier = new Notifier({ outbox: store.outbox, channels: [mail, desktop], now, backoffMs: [60_000, 60_000], random: () => 0.5 });
    cleanups.push(() => notifier.stop());
    const alerts = new AlertManager(store, notifier, () => undefined, now);
    store.transact((tx) =>
      alerts.apply({ checkId: 1, target: 'web1', check: 'homepage', describe: 'GET http://web1/' }, { kind: 'open', downSince: clock, late: false }, 'connection refused', clock, tx),
    );
    notifier.start();
    await notifier.flush();
    expect(desktop.notices.map((n) => n.title)).toEqual(['web1 / homepage is DOWN']);
    expect(store.outbox.queue({ channel: 'ops-mail' })).toMatchObject([{ state: 'pending', attempts: 1, lastError: 'cannot connect to SMTP server 127.0.0.1:2525: connection refused' }]);

    // Not yet past the give-up age: nothing happens.
    clock += 30 * 60_000;
    expect(watchDeliveries({ store, notifier, now, giveUpMs: () => 3_600_000 })).toBe(0);

    clock += 31 * 60_000;
    const raised: AlertNotice['alert'][] = [];
    expect(watchDeliveries({ store, notifier, now, giveUpMs: () => 3_600_000, onAlert: (_t, a) => raised.push(a) })).toBe(1);
    const [failed] = store.outbox.queue({ channel: 'ops-mail', state: 'failed' });
    expect(failed).toMatchObject({ state: 'failed', title: 'web1 / homepage is DOWN', lastError: 'cannot connect to SMTP server 127.0.0.1:2525: connection refused; gave up after 1 h' });
    const deliveryAlert = store.alerts.active(deliveryAlertKey('ops-mail'))!;
    expect(deliveryAlert).toMatchObject({ target: 'Kaavan', check: 'delivery via ops-mail', state: 'open', title: 'Kaavan could not deliver notices via ops-mail' });
    expect(deliveryAlert.message).toBe('Kaavan gave up delivering 1 notice via ops-mail after 1 h; last error: cannot connect to SMTP server 127.0.0.1:2525: connection refused');
    expect(raised.map((a) => a.id)).toEqual([deliveryAlert.id]);
    await notifier.flush();
    expect(desktop.notices.map((n) => n.title)).toEqual(['web1 / homepage is DOWN', 'Kaavan could not deliver notices via ops-mail']);

    // The mail server is back; "Retry now" on the failed notice delivers it, and the delivery alert resolves.
    mailWorks = true;
    clock += 2 * 60_000; // the delivery alert's own mail (failed once meanwhile) is due again too
    expect(store.outbox.retryNow(failed!.id, clock)).toBe('ops-mail');
    await notifier.flush();
    expect(store.outbox.queue({ channel: 'ops-mail' })).toEqual([]);
    clock += 1000;
    watchDeliveries({ store, notifier, now, giveUpMs: () => 3_600_000 });
    expect(store.alerts.active(deliveryAlertKey('ops-mail'))).toBeNull();
    expect(store.alerts.get(deliveryAlert.id)).toMatchObject({ state: 'resolved', resolvedBy: 'auto' });
  });
});

describe('route preview', () => {
  it('says where an alert would go, by routes, severity and escalation', async () => {
    const rt = await boot(`version: 1
targets:
  - { name: web1, tags: [prod] }
  - { name: web2 }
channels:
  - { name: ops-mail, kind: email, host: 127.0.0.1, port: 2525, security: none, from: kaavan@example.com, to: [ops@example.com] }
  - { name: team-chat, kind: webhook, urlRef: chat-hook, format: slack }
routes:
  - { name: serious, minSeverity: critical, channels: [ops-mail] }
  - name: prod
    tags: [prod]
    channels: [team-chat]
    escalate:
      - { after: 15m, channels: [ops-mail] }
`);
    const web1 = await rt.service.previewRoute({ target: 'web1', check: 'homepage' });
    expect(web1.text).toBe('An error alert on web1/homepage would go to: team-chat; unacknowledged for 15 min also to: ops-mail.');
    const critical = await rt.service.previewRoute({ target: 'web1', check: 'homepage', severity: 'critical' });
    expect(critical.channels.filter((c) => c.deliver).map((c) => c.channel)).toEqual(['ops-mail', 'team-chat']);
    const web2 = await rt.service.previewRoute({ target: 'web2', check: 'api', event: 'recovered' });
    expect(web2.text).toBe('A "recovered" notice of an error alert on web2/api would go to no channel.');
  });
});

describe('incident methods through the validated dispatch', () => {
  it('answer in words for bad input and missing rows; CSV of nothing is its header', async () => {
    const rt = await boot('version: 1\n');
    await expect(dispatch(rt.service, 'silenceAlert', { id: 1, forMs: 40 * 86_400_000 })).rejects.toMatchObject({ code: 'invalid_input', issues: [{ path: 'forMs', message: 'at most 30 days' }] });
    await expect(dispatch(rt.service, 'alertHistory', { text: 'x'.repeat(201) })).rejects.toMatchObject({ issues: [{ path: 'text', message: 'at most 200 characters' }] });
    await expect(dispatch(rt.service, 'retryDelivery', { id: 99 })).rejects.toThrow('no undelivered notice with id 99 (it may have been delivered meanwhile)');
    await expect(dispatch(rt.service, 'silenceAlert', { id: 99, forMs: 60_000 })).rejects.toThrow('no alert with id 99');
    expect(await dispatch(rt.service, 'exportAlertsCsv', { text: 'nginx' })).toEqual({
      csv: 'id,target,check,severity,state,title,message,opened_at,acked_at,ack_note,resolved_at,resolved_by,failed_probes\r\n',
      rows: 0,
      truncated: false,
    });
    expect(await dispatch(rt.service, 'deliveryQueue', undefined)).toMatchObject({ items: [], giveUpMs: 86_400_000 });
  });
});

describe('audit filters', () => {
  it('filters by action family, subject, actor and time', () => {
    const dir = tempDir();
    const store = Store.open(join(dir, 'kaavan.db'));
    cleanups.push(() => store.close());
    const t = Date.UTC(2026, 10, 23, 9);
    store.audit.record({ at: t, actor: 'user', action: 'alert.acknowledge', subject: 'web1 / homepage', detail: { alert: 1 } });
    store.audit.record({ at: t + 1000, actor: 'engine', action: 'heal', subject: 'web1 / homepage', detail: { result: 'healed' } });
    store.audit.record({ at: t + 2000, actor: 'user', action: 'alert.silence', subject: 'db1 / postgres', detail: { alert: 2 } });
    store.audit.record({ at: t + 3000, actor: 'user', action: 'alerts.other', subject: '50%_off', detail: {} });
    const subjects = (f: Parameters<typeof store.audit.search>[0]) => store.audit.search(f).map((e) => `${e.action} ${e.subject}`);
    expect(subjects({ action: 'alert' })).toEqual(['alert.silence db1 / postgres', 'alert.acknowledge web1 / homepage']);
    expect(subjects({ subject: 'WEB1' })).toEqual(['heal web1 / homepage', 'alert.acknowledge web1 / homepage']);
    expect(subjects({ actor: 'engine' })).toEqual(['heal web1 / homepage']);
    expect(subjects({ since: t + 1000, until: t + 3000 })).toEqual(['alert.silence db1 / postgres', 'heal web1 / homepage']);
    // LIKE wildcards in the text are taken literally.
    expect(subjects({ subject: '%_' })).toEqual(['alerts.other 50%_off']);
  });
});
