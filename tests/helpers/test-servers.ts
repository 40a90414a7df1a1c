// Real servers on 127.0.0.1 (port 0) for integration tests: HTTP with a swappable handler, HTTPS
// with a self-signed certificate (or an expired / wrong-host one), a TCP server that accepts and
// never answers, one that answers with garbage, one that resets every connection at once (in a
// child process), a generic raw TCP server, and a port known to be closed.
//
// Every server started through this module is closed by an afterAll hook registered when the module
// is imported (each test file gets its own copy of the module), so tests cannot leak listeners;
// closing yourself earlier (close()) is fine and idempotent.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import { once } from 'node:events';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { generate } from 'selfsigned';

export const LOOPBACK = '127.0.0.1';

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void | Promise<void>;

interface Closable {
  close(): Promise<void>;
}

const live = new Set<Closable>();

/** Closes every server this module started and that is still open. */
export async function closeAllTestServers(): Promise<void> {
  await Promise.allSettled([...live].map((s) => s.close()));
}

afterAll(closeAllTestServers);

/** Tracks a server's sockets so close() can cut them instead of waiting for them to end. */
function trackSockets(server: net.Server, event: 'connection' | 'secureConnection' = 'connection'): Set<net.Socket> {
  const sockets = new Set<net.Socket>();
  server.on(event, (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

async function listen(server: net.Server, port = 0): Promise<number> {
  // A restart on the same port may race the kernel releasing it: retry EADDRINUSE briefly.
  for (let attempt = 0; ; attempt++) {
    try {
      server.listen(port, LOOPBACK);
      await once(server, 'listening');
      return (server.address() as net.AddressInfo).port;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 40) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function closeServer(server: net.Server, sockets: Set<net.Socket>): Promise<void> {
  if (!server.listening) {
    for (const s of sockets) s.destroy();
    return;
  }
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const s of sockets) s.destroy();
  await closed;
}

// ---------------------------------------------------------------------------------------------
// HTTP / HTTPS

export interface RecordedRequest {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}

export interface HttpTestServer {
  readonly host: string;
  /** Stays the same across stop()/start(). */
  readonly port: number;
  /** "http://127.0.0.1:PORT" (or https://). */
  readonly origin: string;
  /** origin + path ("/" by default). */
  url(path?: string): string;
  readonly listening: boolean;
  /** Connections currently open (0 once clients have closed theirs: nothing leaked). */
  readonly openConnections: number;
  /** Requests seen so far (method, url, headers), oldest first. */
  readonly requests: RecordedRequest[];
  /** Replaces the handler for the next requests. */
  setHandler(handler: Handler): void;
  /** Stops listening and cuts open connections; the port is kept for start(). */
  stop(): Promise<void>;
  /** Listens again on the same port (after stop()). */
  start(): Promise<void>;
  restart(): Promise<void>;
  /** Stops for good. */
  close(): Promise<void>;
}

export interface HttpServerOptions {
  /** Serve HTTPS with this key/cert (see selfSignedCert()). */
  tls?: { key: string; cert: string };
}

/** A handler answering every request with `status` and `body`. */
export function respond(status = 200, body = 'ok', headers: http.OutgoingHttpHeaders = { 'content-type': 'text/plain' }): Handler {
  return (_req, res) => {
    res.writeHead(status, headers);
    res.end(body);
  };
}

export async function startHttpServer(handler: Handler = respond(), options: HttpServerOptions = {}): Promise<HttpTestServer> {
  let current = handler;
  const requests: RecordedRequest[] = [];
  let closedForGood = false;
  const make = () => {
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
      Promise.resolve()
        .then(() => current(req, res))
        .catch((error: unknown) => {
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`test handler failed: ${String(error)}`);
        });
    };
    const server = options.tls ? https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : http.createServer(onRequest);
    // Handshake failures (the probe rejecting our self-signed cert) are expected in tests.
    server.on('tlsClientError', () => {});
    // As Node does by default: answer unparsable requests with a 400 and close.
    server.on('clientError', (_error, socket) => {
      if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
      else socket.destroy();
    });
    return { server, sockets: trackSockets(server) };
  };
  let instance = make();
  const port = await listen(instance.server);
  const origin = `${options.tls ? 'https' : 'http'}://${LOOPBACK}:${port}`;
  const api: HttpTestServer = {
    host: LOOPBACK,
    port,
    origin,
    url: (path = '/') => `${origin}${path.startsWith('/') ? path : `/${path}`}`,
    get listening() {
      return instance.server.listening;
    },
    get openConnections() {
      return instance.sockets.size;
    },
    requests,
    setHandler(next) {
      current = next;
    },
    async stop() {
      await closeServer(instance.server, instance.sockets);
    },
    async start() {
      if (closedForGood) throw new Error('server was closed for good');
      if (instance.server.listening) return;
      instance = make();
      await listen(instance.server, port);
    },
    async restart() {
      await api.stop();
      await api.start();
    },
    async close() {
      closedForGood = true;
      live.delete(api);
      await closeServer(instance.server, instance.sockets);
    },
  };
  live.add(api);
  return api;
}

let certPromise: Promise<{ key: string; cert: string }> | undefined;

/** A self-signed certificate for "localhost" / 127.0.0.1, generated once per test file. */
export function selfSignedCert(): Promise<{ key: string; cert: string }> {
  certPromise ??= generate([{ name: 'commonName', value: 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + 7 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 2, value: 'localhost' }, { type: 7, ip: LOOPBACK }] },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return certPromise;
}

export interface CertificateOptions {
  /** DNS names and IP addresses the certificate is for (default: localhost and 127.0.0.1). */
  hosts?: string[];
  /** Validity window, in days relative to now (default: from -1 to +7). */
  validFromDays?: number;
  validUntilDays?: number;
}

/**
 * A self-signed certificate with the given hosts and validity: `{ validUntilDays: -3 }` expired
 * three days ago, `{ hosts: ['other.example'] }` does not match 127.0.0.1.
 */
export async function makeCertificate(options: CertificateOptions = {}): Promise<{ key: string; cert: string }> {
  const hosts = options.hosts ?? ['localhost', LOOPBACK];
  const day = 86_400_000;
  const pems = await generate([{ name: 'commonName', value: hosts[0] ?? 'localhost' }], {
    keySize: 2048,
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() + (options.validFromDays ?? -1) * day),
    notAfterDate: new Date(Date.now() + (options.validUntilDays ?? 7) * day),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((h) => (net.isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })) },
    ],
  });
  return { key: pems.private, cert: pems.cert };
}

/** An HTTPS server with a self-signed certificate (clients reject it unless told not to). */
export async function startHttpsServer(handler: Handler = respond()): Promise<HttpTestServer & { cert: string }> {
  const tls = await selfSignedCert();
  const server = await startHttpServer(handler, { tls });
  return Object.assign(server, { cert: tls.cert });
}

export interface StreamResult {
  /** Bytes handed to the socket before it closed or the body ended. */
  bytesSent: number;
  /** True when the whole body was written; false when the client went away first. */
  completed: boolean;
}

/**
 * Streams `totalBytes` of filler as the body, chunk by chunk with backpressure (memory stays at one
 * chunk whatever the size). Resolves when the body is complete or the client has gone away.
 */
export function streamBody(res: http.ServerResponse, totalBytes: number, options: { chunkSize?: number; fill?: string } = {}): Promise<StreamResult> {
  const chunk = Buffer.alloc(options.chunkSize ?? 64 * 1024, options.fill ?? 'x');
  let sent = 0;
  return new Promise<StreamResult>((resolve) => {
    let settled = false;
    const finish = (completed: boolean) => {
      if (settled) return;
      settled = true;
      resolve({ bytesSent: sent, completed });
    };
    res.once('close', () => finish(sent >= totalBytes && res.writableFinished));
    res.once('error', () => finish(false));
    const pump = () => {
      while (sent < totalBytes && !res.destroyed) {
        const n = Math.min(chunk.length, totalBytes - sent);
        sent += n;
        if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
          res.once('drain', pump);
          return;
        }
      }
      if (sent >= totalBytes && !res.destroyed) res.end(() => finish(true));
    };
    if (!res.headersSent) res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(totalBytes) });
    pump();
  });
}

// ---------------------------------------------------------------------------------------------
// Raw TCP

export interface TcpTestServer {
  readonly host: string;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections currently open. */
  readonly openConnections: number;
  close(): Promise<void>;
}

/** A raw TCP server calling `onConnection` for each accepted socket. */
export async function startTcpServer(onConnection: (socket: net.Socket) => void = () => {}): Promise<TcpTestServer> {
  const server = net.createServer();
  const sockets = trackSockets(server);
  let connections = 0;
  server.on('connection', (socket) => {
    connections += 1;
    socket.on('error', () => {});
    onConnection(socket);
  });
  const port = await listen(server);
  const api: TcpTestServer = {
    host: LOOPBACK,
    port,
    get connections() {
      return connections;
    },
    get openConnections() {
      return sockets.size;
    },
    async close() {
      live.delete(api);
      await closeServer(server, sockets);
    },
  };
  live.add(api);
  return api;
}

/** Accepts connections and never sends a byte (reads and discards what it gets). */
export function startSilentServer(): Promise<TcpTestServer> {
  return startTcpServer((socket) => socket.resume());
}

/**
 * Answers every connection with `payload` once something arrives (default: bytes that are not
 * HTTP), then closes unless `keepOpen`.
 */
export function startGarbageServer(payload: string | Buffer = 'SSH-2.0-not-http \u0000\u00ff garbage\r\n\r\n', options: { keepOpen?: boolean } = {}): Promise<TcpTestServer> {
  return startTcpServer((socket) => {
    socket.once('data', () => {
      if (options.keepOpen) socket.write(payload);
      else socket.end(payload);
    });
  });
}

/** A port on 127.0.0.1 that was just bound and released: connecting to it is refused. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listen(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface BlackholeServer {
  readonly host: string;
  readonly port: number;
  close(): Promise<void>;
}

/**
 * A port where TCP connects hang (no SYN-ACK), as with a firewall dropping packets: a child process
 * listens with a backlog of 1 and never accepts; the backlog is then filled, so the kernel drops
 * further SYNs. (An in-process Node server cannot do this: it always accepts.) The child exits on
 * its own after `lifetimeMs` even if close() is never called.
 */
export async function startBlackholeServer(lifetimeMs = 120_000): Promise<BlackholeServer> {
  const script = `
    const net = require('net');
    const s = net.createServer();
    s.listen({ port: 0, host: '${LOOPBACK}', backlog: 1 }, () => {
      process.stdout.write(s.address().port + '\\n', () => {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ${Math.floor(lifetimeMs)});
        process.exit(0);
      });
    });`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`blackhole server exited early (${code})`)));
  });
  const fillers: net.Socket[] = [];
  let hanging = false;
  // Fill the accept queue until one more connect stays pending.
  for (let i = 0; i < 16 && !hanging; i++) {
    const socket = net.connect(port, LOOPBACK);
    socket.on('error', () => {});
    fillers.push(socket);
    const connected = await Promise.race([
      once(socket, 'connect').then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), 300)),
    ]);
    if (!connected) hanging = true;
  }
  if (!hanging) {
    for (const s of fillers) s.destroy();
    child.kill('SIGKILL');
    throw new Error('startBlackholeServer: this kernel completes connects even with a full accept queue; cannot make a port that hangs');
  }
  const api: BlackholeServer = {
    host: LOOPBACK,
    port,
    async close() {
      live.delete(api);
      for (const s of fillers) s.destroy();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
  live.add(api);
  return api;
}

export interface ResettingServer {
  readonly host: string;
  readonly port: number;
  /** Connections the server has reset so far (read from the child's marker file). */
  resets(): number;
  /**
   * Blocks this thread (synchronously, so the event loop cannot run) until the server has reset
   * `count` connections in all, or `maxMs` passed. Lets a test make the reset arrive before Node
   * processes the connect, deterministically.
   */
  waitForResetsSync(count: number, maxMs?: number): number;
  close(): Promise<void>;
}

/**
 * A port that accepts every connection and resets it at once (RST, via SO_LINGER 0), as a service
 * at its connection limit or behind tcpwrappers does. Runs in a child process so that this process
 * can block its own event loop while the reset happens. Each reset appends a byte to a marker file.
 */
export async function startResettingServer(lifetimeMs = 120_000): Promise<ResettingServer> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-reset-'));
  const marker = join(dir, 'resets');
  const script = `
    const net = require('net');
    const fs = require('fs');
    const s = net.createServer((c) => {
      c.on('error', () => {});
      c.resetAndDestroy();
      fs.appendFileSync(${JSON.stringify(marker)}, 'r');
    });
    s.listen(0, '${LOOPBACK}', () => process.stdout.write(s.address().port + '\\n'));
    setTimeout(() => process.exit(0), ${Math.floor(lifetimeMs)});`;
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) resolve(Number(text.trim()));
    });
    child.once('exit', (code) => reject(new Error(`resetting server exited early (${code})`)));
  });
  const resets = () => (existsSync(marker) ? readFileSync(marker).length : 0);
  const api: ResettingServer = {
    host: LOOPBACK,
    port,
    resets,
    waitForResetsSync(count, maxMs = 5000) {
      const until = Date.now() + maxMs;
      const cell = new Int32Array(new SharedArrayBuffer(4));
      while (resets() < count && Date.now() < until) Atomics.wait(cell, 0, 0, 5);
      return resets();
    },
    async close() {
      live.delete(api);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(api);
  return api;
}
