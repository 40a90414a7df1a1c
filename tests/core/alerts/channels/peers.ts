// Real peers for channel tests: an SMTP server (smtp-server) on 127.0.0.1 that keeps and parses what
// it receives, secrets in a real store (the OS keychain under scripts/with-keyring.sh, else the
// KAAVAN_SECRET_* environment fallback), a recording logger, and sample notices.
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type net from 'node:net';
import { afterAll } from 'vitest';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createSecretStore, envVarName, type SecretStore } from '../../../../src-main/core/secrets/secrets.js';
import type { Logger } from '../../../../src-main/core/log/logger.js';
import type { AlertNotice, NoticeKind } from '../../../../src-main/core/alerts/channel.js';

export const KEYRING = process.env.KAAVAN_KEYRING_TEST === '1';

export interface ReceivedMail {
  raw: string;
  parsed: ParsedMail;
  user: string | undefined;
  secure: boolean;
}

export interface SmtpTestServer {
  port: number;
  received: ReceivedMail[];
  /** AUTH methods clients used, in order. */
  authMethods: string[];
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

const live = new Set<SmtpTestServer>();
afterAll(async () => {
  await Promise.allSettled([...live].map((s) => s.close()));
});

export interface SmtpOptions {
  mode: 'tls' | 'starttls' | 'none';
  tls?: { key: string; cert: string };
  /** user → password; absent: no AUTH. */
  users?: Record<string, string>;
  /** AUTH methods offered; default PLAIN and LOGIN. */
  authMethods?: string[];
}

export async function startSmtpServer(options: SmtpOptions): Promise<SmtpTestServer> {
  const received: ReceivedMail[] = [];
  const authMethods: string[] = [];
  let port = 0;
  const make = () => {
    const config: SMTPServerOptions = {
      secure: options.mode === 'tls',
      key: options.tls?.key,
      cert: options.tls?.cert,
      disabledCommands: [...(options.mode === 'none' ? ['STARTTLS'] : []), ...(options.users ? [] : ['AUTH'])],
      authMethods: options.authMethods ?? ['PLAIN', 'LOGIN'],
      allowInsecureAuth: options.mode === 'none',
      authOptional: !options.users,
      logger: false,
      onAuth(auth, _session, callback) {
        authMethods.push(auth.method);
        if (options.users && options.users[auth.username ?? ''] === auth.password) return callback(null, { user: auth.username });
        const err = new Error('5.7.8 authentication failed') as Error & { responseCode: number };
        err.responseCode = 535;
        return callback(err);
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          const raw = Buffer.concat(chunks).toString('utf8');
          simpleParser(raw).then(
            (parsed) => {
              received.push({ raw, parsed, user: session.user as string | undefined, secure: session.secure });
              callback(null, `Ok: queued as K${received.length}`);
            },
            (err: Error) => callback(err),
          );
        });
      },
    };
    const server = new SMTPServer(config);
    server.on('error', () => undefined);
    return server;
  };
  let server = make();
  const listen = async () => {
    for (let attempt = 0; ; attempt++) {
      try {
        server.listen(port, '127.0.0.1');
        await once(server.server, 'listening');
        port = (server.server.address() as net.AddressInfo).port;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 40) throw error;
        server = make();
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  };
  await listen();
  let running = true;
  const api: SmtpTestServer = {
    get port() {
      return port;
    },
    received,
    authMethods,
    async stop() {
      if (!running) return;
      running = false;
      await new Promise<void>((r) => server.close(() => r()));
    },
    async start() {
      if (running) return;
      server = make();
      await listen();
      running = true;
    },
    async close() {
      live.delete(api);
      await api.stop();
    },
  };
  live.add(api);
  return api;
}

/** A real secret store holding `values`; removes them afterwards. */
export async function secretsWith(values: Record<string, string>): Promise<{ store: SecretStore; cleanup: () => Promise<void> }> {
  if (KEYRING) {
    const store = createSecretStore({ service: `kaavan-test-${randomBytes(5).toString('hex')}`, env: {} });
    for (const [name, value] of Object.entries(values)) await store.set(name, value);
    return {
      store,
      cleanup: async () => {
        for (const name of Object.keys(values)) await store.delete(name);
      },
    };
  }
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(values)) env[envVarName(name)] = value;
  return { store: createSecretStore({ backend: null, env }), cleanup: async () => undefined };
}

export function secretValue(label: string): string {
  return `${label}-${randomBytes(9).toString('base64url')}`;
}

/** A logger keeping every line and its fields as text. */
export function recordingLogger(lines: string[] = []): Logger & { lines: string[] } {
  const write = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push(`${level} ${message} ${fields ? JSON.stringify(fields, (_k, v: unknown) => (v instanceof Error ? v.message : v)) : ''}`);
  };
  const logger = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'), child: () => logger, lines };
  return logger;
}

export function sampleNotice(kind: NoticeKind = 'opened', overrides: Partial<AlertNotice> = {}): AlertNotice {
  const openedAt = Date.UTC(2026, 10, 23, 14, 0, 0);
  const recovered = kind === 'recovered';
  return {
    kind,
    title: recovered ? 'web1 / homepage is back UP' : 'web1 / homepage is DOWN',
    body: recovered ? 'Recovered after being down for 4 min 12 s' : 'HTTP 503 from https://web1.example.com/health',
    at: openedAt + (recovered ? 252_000 : 0),
    url: 'https://web1.example.com/health',
    alert: {
      id: 42,
      checkId: 7,
      key: 'check:7',
      target: 'web1',
      check: 'homepage',
      severity: 'error',
      state: recovered ? 'resolved' : 'open',
      title: 'web1 / homepage is down',
      message: 'HTTP 503',
      openedAt,
      lastSeenAt: openedAt,
      ackedAt: null,
      ackNote: null,
      resolvedAt: recovered ? openedAt + 252_000 : null,
      resolvedBy: recovered ? 'auto' : null,
      count: 3,
      metadata: {},
    },
    ...(recovered ? { downtimeMs: 252_000 } : {}),
    ...overrides,
  };
}
