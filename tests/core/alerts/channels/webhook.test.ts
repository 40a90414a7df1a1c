// The webhook channel against real HTTP receivers on 127.0.0.1: payloads validated against the JSON
// Schemas in docs/webhook-payload.md, headers (Idempotency-Key, secret headers), retries through the
// real Notifier and SQLite outbox (500 then 200; receiver down across a restart of Kaavan), and
// errors that name status and host but never the URL's token.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { channelEntrySchema, createChannel, sendTest, type ChannelEntry } from '../../../../src-main/core/alerts/channel-config.js';
import { Notifier } from '../../../../src-main/core/alerts/notifier.js';
import { Store } from '../../../../src-main/core/store/store.js';
import { closedPort, startHttpServer, type Handler } from '../../../helpers/test-servers.js';
import { recordingLogger, sampleNotice, secretsWith, secretValue } from './peers.js';
import { waitFor } from '../../../helpers/core-harness.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/** The schemas exactly as documented: the ```json block after each <!-- schema:NAME --> marker. */
function documentedSchema(name: string): object {
  const doc = readFileSync('docs/webhook-payload.md', 'utf8');
  const match = new RegExp(`<!-- schema:${name} -->\\s*\`\`\`json\\n([\\s\\S]*?)\`\`\``).exec(doc);
  if (!match) throw new Error(`docs/webhook-payload.md has no schema:${name} block`);
  return JSON.parse(match[1]!) as object;
}
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }));
const validateJson = ajv.compile(documentedSchema('json'));
const validateSlack = ajv.compile(documentedSchema('slack'));
const valid = (validate: typeof validateJson, payload: unknown) => {
  const ok = validate(payload);
  return ok ? 'valid' : ajv.errorsText(validate.errors);
};

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: unknown;
}

/** A receiver that records parsed bodies and answers with `statuses` in turn (then the last one). */
async function receiver(statuses: number[] = [200], answer = 'ok') {
  const received: Received[] = [];
  const handler: Handler = async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
    const status = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 200 ? answer : `failed: ${req.url}`); // echoes the path (token) on errors
  };
  const server = await startHttpServer(handler);
  return { server, received };
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function webhookChannel(entry: Record<string, unknown>, secrets: Record<string, string>) {
  const { store, cleanup } = await secretsWith(secrets);
  cleanups.push(cleanup);
  const log = recordingLogger();
  const parsed = channelEntrySchema.parse({ name: 'team-chat', kind: 'webhook', urlRef: 'chat-hook', ...entry });
  return { channel: createChannel(parsed as ChannelEntry, { secrets: store, log, now: Date.now }), log };
}

const ctx = (key = 'event:9:team-chat') => ({ idempotencyKey: key, signal: AbortSignal.timeout(10_000), attempt: 1 });

function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-webhook-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return { dir, file: join(dir, 'kaavan.db') };
}

describe('webhook channel', () => {
  it('json: the documented LAYA-compatible payload, Idempotency-Key and secret headers', async () => {
    const { server, received } = await receiver();
    const token = secretValue('T0KEN');
    const apiKey = secretValue('key');
    const { channel } = await webhookChannel(
      { format: 'json', headers: { 'X-Api-Key': { secretRef: 'hook-key' }, 'X-Team': 'ops' } },
      { 'chat-hook': server.url(`/hooks/${token}`), 'hook-key': apiKey },
    );
    const notice = sampleNotice('opened', { statistics: { totalChecks: 150, totalFailures: 3, consecutiveFailures: 3, uptimePercentage: 98, avgResponseTimeMs: 45.4 } });
    const receipt = await channel.deliver(notice, ctx());
    expect(receipt).toEqual({ answer: `HTTP 200 from 127.0.0.1:${server.port}: ok` });

    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`/hooks/${token}`);
    expect(r.headers['idempotency-key']).toBe('event:9:team-chat');
    expect(r.headers['x-api-key']).toBe(apiKey);
    expect(r.headers['x-team']).toBe('ops');
    expect(valid(validateJson, r.body)).toBe('valid');
    expect(r.body).toMatchObject({
      service: 'web1 / homepage',
      status: 'failure',
      url: 'https://web1.example.com/health',
      message: 'HTTP 503 from https://web1.example.com/health',
      timestamp: '2026-11-23T14:00:00.000Z',
      statistics: { total_checks: 150, total_failures: 3, consecutive_failures: 3, uptime_percentage: 98, avg_response_time_ms: 45 },
      kaavan: { alert_id: 42, event: 'opened', severity: 'error' },
    });
    expect(JSON.stringify(r.body)).not.toContain(token);
    expect(JSON.stringify(r.body)).not.toContain(apiKey);
  });

  it('json: a recovery and an acknowledgement without statistics still match the schema', async () => {
    const { server, received } = await receiver();
    const { channel } = await webhookChannel({ method: 'PUT' }, { 'chat-hook': server.url('/x') });
    await channel.deliver(sampleNotice('recovered'), ctx('a'));
    await channel.deliver(sampleNotice('acknowledged', { title: 'web1 / homepage acknowledged', body: 'looking' }), ctx('b'));
    expect(received.map((r) => r.method)).toEqual(['PUT', 'PUT']);
    for (const r of received) expect(valid(validateJson, r.body)).toBe('valid');
    expect(received[0]!.body).toMatchObject({ status: 'recovery', statistics: { consecutive_failures: 0, total_checks: null }, kaavan: { event: 'recovered', downtime_ms: 252_000 } });
    expect(received[1]!.body).toMatchObject({ status: 'acknowledged' });
  });

  it('slack: a Block Kit message with a text fallback, valid against the documented schema', async () => {
    const { server, received } = await receiver();
    const { channel } = await webhookChannel({ format: 'slack' }, { 'chat-hook': server.url('/services/T/B/X') });
    const notice = sampleNotice('opened', { recentResults: [{ at: Date.UTC(2026, 10, 23, 14), status: 'down', latencyMs: null, message: 'connection refused' }] });
    await channel.deliver(notice, ctx());
    const body = received[0]!.body as { text: string; blocks: Array<{ type: string; text?: { text: string } }> };
    expect(valid(validateSlack, body)).toBe('valid');
    expect(body.text).toBe('web1 / homepage is DOWN: HTTP 503 from https://web1.example.com/health');
    expect(body.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'web1 / homepage is DOWN', emoji: true } });
    expect(JSON.stringify(body.blocks)).toContain('connection refused');
  });

  it('500 then 200: retried once more through the outbox, with the same Idempotency-Key', async () => {
    const { server, received } = await receiver([500, 200]);
    const { channel, log } = await webhookChannel({}, { 'chat-hook': server.url('/hook/secret-token-500') });
    const { file } = tempStore();
    const store = Store.open(file);
    const errors: string[] = [];
    const notifier = new Notifier({ outbox: store.outbox, channels: [channel], backoffMs: [50, 50, 50], onError: (_c, e) => errors.push((e as Error).message) });
    notifier.start();
    store.transact((tx) => notifier.enqueue(sampleNotice(), 'event:1', tx));
    await waitFor(() => store.outbox.pendingCount() === 0);
    await notifier.stop();
    store.close();
    expect(received).toHaveLength(2);
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['event:1:team-chat', 'event:1:team-chat']);
    expect(errors).toEqual([`HTTP 500 from 127.0.0.1:${server.port}: failed: [redacted]`]);
    expect([...errors, ...log.lines].join('\n')).not.toContain('secret-token-500');
    expect(readFileSync(file).toString('latin1')).not.toContain('secret-token-500');
  });

  it('receiver down across a restart of Kaavan: delivered after the restart, once', async () => {
    const { server, received } = await receiver();
    await server.stop();
    const { channel } = await webhookChannel({}, { 'chat-hook': server.url('/hook') });
    const { file } = tempStore();
    let store = Store.open(file);
    const errors: string[] = [];
    let notifier = new Notifier({ outbox: store.outbox, channels: [channel], backoffMs: [50, 50, 50, 50, 50, 50], onError: (_c, e) => errors.push((e as Error).message) });
    notifier.start();
    store.transact((tx) => notifier.enqueue(sampleNotice(), 'event:5', tx));
    await waitFor(() => errors.length >= 1);
    expect(errors[0]).toBe(`cannot reach 127.0.0.1:${server.port}: connection refused`);
    await notifier.stop();
    store.close();

    await server.start();
    store = Store.open(file);
    notifier = new Notifier({ outbox: store.outbox, channels: [channel], backoffMs: [50] });
    notifier.start();
    await notifier.flush();
    await waitFor(() => store.outbox.pendingCount() === 0);
    await notifier.stop();
    store.close();
    expect(received).toHaveLength(1);
    expect(received[0]!.headers['idempotency-key']).toBe('event:5:team-chat');
  });

  it('send test: the receiver\'s exact answer on failure, naming status and host only', async () => {
    const { server } = await receiver([404]);
    const token = secretValue('tok');
    const { channel } = await webhookChannel({}, { 'chat-hook': server.url(`/services/${token}`) });
    expect(await sendTest(channel)).toEqual({ ok: false, error: `HTTP 404 from 127.0.0.1:${server.port}: failed: [redacted]` });

    const port = await closedPort();
    const down = await webhookChannel({ name: 'down' }, { 'chat-hook': `http://127.0.0.1:${port}/x/${token}` });
    expect(await sendTest(down.channel)).toEqual({ ok: false, error: `cannot reach 127.0.0.1:${port}: connection refused` });

    const notUrl = await webhookChannel({ name: 'bad' }, { 'chat-hook': token });
    const result = await sendTest(notUrl.channel);
    expect(result).toEqual({ ok: false, error: 'channel "bad": the secret "chat-hook" is not a URL; store the full https://… address' });
  });

  it('config: credential headers must come from a secret; Kaavan\'s own headers cannot be set', () => {
    const bad = channelEntrySchema.safeParse({ name: 'h', kind: 'webhook', urlRef: 'x', headers: { Authorization: 'Bearer abc', 'Idempotency-Key': 'k' } });
    expect(bad.success).toBe(false);
    const messages = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual([
      'headers.Authorization: a credential must not be written in the configuration: use Authorization: { secretRef: NAME }',
      'headers.Idempotency-Key: "Idempotency-Key" is set by Kaavan itself; remove it',
    ]);
  });
});
