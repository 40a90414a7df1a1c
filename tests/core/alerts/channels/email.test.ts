// The email channel against a real SMTP server (smtp-server) on 127.0.0.1: AUTH PLAIN and LOGIN,
// plain SMTP, STARTTLS and implicit TLS with a self-signed certificate trusted through `ca`; mail
// parsed with mailparser. Outage: the real Notifier and SQLite outbox deliver exactly once after
// the server returns. Secrets come from the keychain under scripts/with-keyring.sh.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { channelEntrySchema, createChannel, sendTest, type ChannelEntry } from '../../../../src-main/core/alerts/channel-config.js';
import { messageIdFor } from '../../../../src-main/core/alerts/channel-kinds/email.js';
import { Notifier } from '../../../../src-main/core/alerts/notifier.js';
import { Store } from '../../../../src-main/core/store/store.js';
import type { AlertNotice } from '../../../../src-main/core/alerts/channel.js';
import { selfSignedCert } from '../../../helpers/test-servers.js';
import { recordingLogger, sampleNotice, secretsWith, secretValue, startSmtpServer } from './peers.js';
import { waitFor } from '../../../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function emailChannel(entry: Record<string, unknown>, secrets: Record<string, string>) {
  const { store, cleanup } = await secretsWith(secrets);
  cleanups.push(cleanup);
  const log = recordingLogger();
  const parsed = channelEntrySchema.parse({ name: 'ops-mail', kind: 'email', from: 'kaavan@example.com', to: ['ops@example.com'], ...entry });
  return { channel: createChannel(parsed as ChannelEntry, { secrets: store, log, now: Date.now }), log };
}

const ctx = (key = 'event:1:ops-mail') => ({ idempotencyKey: key, signal: AbortSignal.timeout(20_000), attempt: 1 });

describe('email channel', () => {
  it('sends over STARTTLS with AUTH PLAIN: both bodies carry the facts, Message-ID follows the key', async () => {
    const tls = await selfSignedCert();
    const password = secretValue('pw');
    const server = await startSmtpServer({ mode: 'starttls', tls, users: { 'kaavan@example.com': password } });
    const { channel, log } = await emailChannel(
      { host: '127.0.0.1', port: server.port, security: 'starttls', user: 'kaavan@example.com', passwordRef: 'smtp-ops', ca: tls.cert },
      { 'smtp-ops': password },
    );
    const notice = sampleNotice('opened', {
      recentResults: [
        { at: Date.UTC(2026, 10, 23, 14, 0, 0), status: 'down', latencyMs: 120, message: 'HTTP 503' },
        { at: Date.UTC(2026, 10, 23, 13, 59, 0), status: 'up', latencyMs: 42, message: 'HTTP 200' },
      ],
    });
    const receipt = await channel.deliver(notice, ctx());
    expect(receipt).toEqual({ answer: expect.stringContaining('Ok: queued as K1') });

    expect(server.received).toHaveLength(1);
    const mail = server.received[0]!;
    expect(mail.secure).toBe(true); // upgraded before AUTH and DATA
    expect(mail.user).toBe('kaavan@example.com');
    expect(server.authMethods).toEqual(['PLAIN']);
    const m = mail.parsed;
    expect(m.subject).toBe('[Kaavan] web1 / homepage is DOWN');
    expect(m.messageId).toBe(messageIdFor('event:1:ops-mail', 'kaavan@example.com'));
    for (const text of [m.text ?? '', m.html || '']) {
      expect(text).toContain('web1');
      expect(text).toContain('homepage');
      expect(text).toContain('error');
      expect(text).toContain('HTTP 503 from https://web1.example.com/health');
      expect(text).toContain('2026-11-23 14:00:00 UTC');
      expect(text).toContain('HTTP 200'); // last results
    }
    expect(m.html || '').not.toMatch(/<a\s|<img\s|href=/i);
    expect(mail.raw).not.toContain(password);
    expect(log.lines.join('\n')).not.toContain(password);
  });

  it('recovery mail states the downtime, over implicit TLS with a trusted self-signed certificate', async () => {
    const tls = await selfSignedCert();
    const password = secretValue('pw');
    const server = await startSmtpServer({ mode: 'tls', tls, users: { ops: password } });
    const { channel } = await emailChannel(
      { host: 'localhost', port: server.port, security: 'tls', user: 'ops', passwordRef: 'smtp-tls', ca: tls.cert },
      { 'smtp-tls': password },
    );
    await channel.deliver(sampleNotice('recovered'), ctx('event:2:ops-mail'));
    const mail = server.received[0]!;
    expect(mail.secure).toBe(true);
    expect(mail.user).toBe('ops');
    expect(mail.parsed.subject).toBe('[Kaavan] web1 / homepage is back UP');
    expect(mail.parsed.text).toMatch(/Downtime:\s+4 ?min 12 ?s/);
    expect(mail.parsed.inReplyTo).toMatch(/^<alert-42-/); // threads with the DOWN mail
  });

  it('logs in with AUTH LOGIN when the server offers only LOGIN (plain SMTP, no TLS)', async () => {
    const password = secretValue('pw');
    const server = await startSmtpServer({ mode: 'none', users: { ops: password }, authMethods: ['LOGIN'] });
    const { channel } = await emailChannel({ host: '127.0.0.1', port: server.port, security: 'none', user: 'ops', passwordRef: 'smtp-plain' }, { 'smtp-plain': password });
    await channel.deliver(sampleNotice(), ctx());
    expect(server.authMethods).toEqual(['LOGIN']);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.secure).toBe(false);
    expect(server.received[0]!.user).toBe('ops');
  });

  it('starttls never falls back to clear text when the server does not offer STARTTLS', async () => {
    const password = secretValue('pw');
    const server = await startSmtpServer({ mode: 'none', users: { ops: password } });
    const { channel } = await emailChannel({ host: '127.0.0.1', port: server.port, security: 'starttls', user: 'ops', passwordRef: 'smtp-st' }, { 'smtp-st': password });
    const result = await sendTest(channel);
    expect(result.ok).toBe(false);
    expect((result as { error: string }).error).toBe(
      `SMTP server 127.0.0.1:${server.port} refused STARTTLS: 500 Error: command not recognized (it offers no encryption on this port: use security: tls with its TLS port, or security: none only on a trusted network)`,
    );
    expect(server.authMethods).toEqual([]); // the password never crossed the wire
    expect(server.received).toHaveLength(0);
  });

  it('a re-send with the same idempotency key is the same message; another key is another message', async () => {
    const server = await startSmtpServer({ mode: 'none' });
    const { channel } = await emailChannel({ host: '127.0.0.1', port: server.port, security: 'none' }, {});
    await channel.deliver(sampleNotice(), { ...ctx('event:3:ops-mail'), attempt: 1 });
    await channel.deliver(sampleNotice(), { ...ctx('event:3:ops-mail'), attempt: 2 });
    await channel.deliver(sampleNotice(), ctx('event:4:ops-mail'));
    const ids = server.received.map((m) => m.parsed.messageId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });

  it('a wrong password fails with the server\'s exact answer and without the password', async () => {
    const right = secretValue('right');
    const wrong = secretValue('wrong');
    const server = await startSmtpServer({ mode: 'none', users: { ops: right } });
    const { channel, log } = await emailChannel({ host: '127.0.0.1', port: server.port, security: 'none', user: 'ops', passwordRef: 'smtp-bad' }, { 'smtp-bad': wrong });
    const result = await sendTest(channel);
    expect(result.ok).toBe(false);
    const error = (result as { error: string }).error;
    expect(error).toContain('535 5.7.8 authentication failed');
    expect(error).toContain(`127.0.0.1:${server.port}`);
    expect(error).not.toContain(wrong);
    expect(log.lines.join('\n')).not.toContain(wrong);
    expect(server.received).toHaveLength(0);
  });

  it('send test returns the server\'s answer; an untrusted certificate is named with the fix', async () => {
    const tls = await selfSignedCert();
    const server = await startSmtpServer({ mode: 'tls', tls });
    const trusted = await emailChannel({ host: 'localhost', port: server.port, security: 'tls', ca: tls.cert }, {});
    expect(await sendTest(trusted.channel)).toEqual({ ok: true, answer: expect.stringContaining('Ok: queued') });
    expect(server.received[0]!.parsed.subject).toContain('Test from Kaavan');

    const untrusted = await emailChannel({ host: 'localhost', port: server.port, security: 'tls', name: 'no-ca' }, {});
    const result = await sendTest(untrusted.channel);
    expect(result.ok).toBe(false);
    expect((result as { error: string }).error).toMatch(/TLS with SMTP server localhost:\d+ failed: .*certificate.*ca:/);
  });

  it('a missing secret names the secret and how to set it', async () => {
    const { channel } = await emailChannel({ host: '127.0.0.1', port: 1, user: 'ops', passwordRef: 'not-there' }, {});
    const result = await sendTest(channel);
    expect(result).toEqual({ ok: false, error: 'channel "ops-mail": the secret "not-there" (passwordRef) is not set; store it with `kaavan secret set not-there`' });
  });

  it('server down for a while: the outbox delivers after it returns, exactly once, and stores no secret', async () => {
    const password = secretValue('pw');
    const server = await startSmtpServer({ mode: 'none', users: { ops: password } });
    await server.stop();
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-email-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = Store.open(join(dir, 'kaavan.db'));
    const { channel, log } = await emailChannel({ host: '127.0.0.1', port: server.port, security: 'none', user: 'ops', passwordRef: 'smtp-outage' }, { 'smtp-outage': password });
    const errors: string[] = [];
    const notifier = new Notifier({ outbox: store.outbox, channels: [channel], backoffMs: [100, 100, 100, 100, 100, 100, 100, 100], onError: (_c, e) => errors.push((e as Error).message) });
    notifier.start();
    const notice: AlertNotice = sampleNotice();
    store.transact((tx) => notifier.enqueue(notice, 'event:1', tx));
    await waitFor(() => errors.length >= 2);
    expect(errors[0]).toContain('connection refused');
    expect(server.received).toHaveLength(0);

    await server.start();
    await waitFor(() => store.outbox.pendingCount() === 0);
    await notifier.stop();
    await new Promise((r) => setTimeout(r, 300)); // any stray re-send would arrive by now
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.parsed.messageId).toBe(messageIdFor('event:1:ops-mail', 'kaavan@example.com'));
    store.close();
    const bytes = readFileSync(join(dir, 'kaavan.db')).toString('latin1');
    expect(bytes).not.toContain(password);
    expect([...errors, ...log.lines].join('\n')).not.toContain(password);
  });
});
