// The headless transport: the service API over HTTP + WebSocket, and the built dashboard.
// Binds to 127.0.0.1 only; every /api request needs the token printed at start.
//
// It must not be starvable: every connection costs a file descriptor, and the probes share the
// process' descriptor limit. So connections are capped well below that limit, connections without
// a request in progress are closed after a few seconds (a new connection at the cap evicts the
// oldest such one, so the dashboard still gets in), and a WebSocket client that does not read is
// never buffered for without bound: it stops getting deltas, gets one fresh snapshot once it drains,
// and is dropped if it stays behind.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { KaavanEvent, KaavanService } from '../core/api/service.js';
import { dispatch, toErrorBody } from '../core/api/methods.js';
import { HTTP_EVENTS_PATH, HTTP_RPC_PREFIX, HTTP_STATUS_BY_CODE } from '../core/api/transport.js';
import { KAAVAN_VERSION } from '../core/api/kaavan-service.js';
import { createMetrics, METRICS_PATH } from './metrics.js';
import { buildStatusPage, renderStatusPage, STATUS_PAGE_CSP, statusPathTag } from './status-page.js';

const MAX_BODY_BYTES = 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws://127.0.0.1:* ws://localhost:*; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/** Descriptor limit assumed where it cannot be read (the common default soft limit). */
const DEFAULT_FD_LIMIT = 1024;

export interface ServerLimits {
  /** Open connections (HTTP and WebSocket) at most. */
  maxConnections: number;
  /** WebSocket event clients at most (they count as connections too). */
  maxEventClients: number;
  /** A connection with no request in progress (never sent one, or idle between requests) is closed after this. */
  idleMs: number;
  /** Time allowed to send the request headers, and the whole request. */
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** A client whose unsent events exceed this stops getting deltas until it has drained. */
  eventSoftBytes: number;
  /** A client whose unsent events exceed this is dropped at once. */
  eventHardBytes: number;
  /** A client still over the soft limit after this long is dropped. */
  eventStaleLimitMs: number;
}

export interface HeadlessServerOptions {
  service: KaavanService;
  /** 0 picks a free port. */
  port?: number;
  /** Folder of the built renderer (out/renderer); null serves the API only. */
  staticDir: string | null;
  /** Fixed token (tests); a random one by default. */
  token?: string;
  /** Overrides of the defaults in defaultServerLimits(). */
  limits?: Partial<ServerLimits>;
  /** Where operational lines go (a dropped slow client, an accept error); stderr by default. */
  log?: (line: string) => void;
}

/** What a client of the event stream looks like from the server (for diagnostics and tests). */
export interface EventClientStats {
  bufferedAmount: number;
  /** Behind: deltas are being skipped until it drains and gets a fresh snapshot. */
  stale: boolean;
  sent: number;
  skipped: number;
  /** Highest bufferedAmount seen right after a send. */
  peakBufferedAmount: number;
}

export interface ServerStats {
  connections: number;
  limits: ServerLimits;
  eventClients: EventClientStats[];
  /** Event clients dropped for not reading, since start. */
  droppedEventClients: number;
  /** Connections closed to make room or for idling, since start. */
  closedIdleConnections: number;
}

export interface HeadlessServer {
  url: string;
  /** The dashboard URL with the token in its fragment. */
  dashboardUrl: string;
  port: number;
  token: string;
  stats(): ServerStats;
  close(): Promise<void>;
}

/** The soft "Max open files" limit of this process from /proc/self/limits; null where there is none. */
export function readFdLimit(limitsText?: string): number | null {
  let text = limitsText;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return null;
    }
  }
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(text);
  if (!match) return null;
  return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
}

/** A quarter of the descriptor limit, at most 256: the probes and the database keep the rest. */
export function connectionCap(fdLimit: number | null): number {
  const limit = fdLimit ?? DEFAULT_FD_LIMIT;
  return Math.max(8, Math.min(256, Math.floor(limit / 4)));
}

export function defaultServerLimits(fdLimit: number | null = readFdLimit()): ServerLimits {
  const maxConnections = connectionCap(fdLimit);
  return {
    maxConnections,
    maxEventClients: Math.max(2, Math.floor(maxConnections / 4)),
    idleMs: 5_000,
    headersTimeoutMs: 10_000,
    requestTimeoutMs: 30_000,
    eventSoftBytes: 1024 * 1024,
    eventHardBytes: 8 * 1024 * 1024,
    eventStaleLimitMs: 30_000,
  };
}

/** Events that a later snapshot (overview + health) makes obsolete: a behind client may skip them. */
const SUPERSEDED_BY_SNAPSHOT = new Set<KaavanEvent['type']>(['overview', 'checks.changed', 'check.result', 'check.transition', 'health']);
/** Events held while a client's snapshot is being taken, at most. */
const MAX_QUEUED_EVENTS = 1000;
const STALE_POLL_MS = 200;

/** The path and query of a request target; null when it is not origin-form ("/..."). No normalisation. */
export function splitRequestTarget(raw: string): { path: string; query: URLSearchParams } | null {
  if (!raw.startsWith('/')) return null;
  const end = raw.search(/[?#]/);
  const path = end === -1 ? raw : raw.slice(0, end);
  const query = end === -1 || raw[end] === '#' ? '' : raw.slice(end + 1).split('#')[0]!;
  return { path, query: new URLSearchParams(query) };
}

/** Percent-decodes a path; null for bad encoding, NUL, or a backslash (a separator on Windows). */
export function decodePath(path: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null;
  }
  return decoded.includes('\0') || decoded.includes('\\') ? null : decoded;
}

interface Connection {
  socket: Duplex;
  /** Requests (or a WebSocket) in progress; while above 0 the connection is not idle and never evicted. */
  active: number;
  idleTimer: NodeJS.Timeout | null;
}

interface EventClient {
  ws: WebSocket;
  mode: 'live' | 'resyncing' | 'stale';
  staleSince: number;
  queue: KaavanEvent[];
  sent: number;
  skipped: number;
  peakBufferedAmount: number;
  unsubscribe: () => void;
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const tokenBuffer = Buffer.from(token);
  const staticRoot = options.staticDir ? resolve(options.staticDir) : null;
  const limits: ServerLimits = { ...defaultServerLimits(), ...options.limits };
  const log = options.log ?? ((line: string) => process.stderr.write(`kaavan: ${line}\n`));
  let port = 0;
  let droppedEventClients = 0;
  let closedIdleConnections = 0;

  const tokenMatches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === tokenBuffer.length && timingSafeEqual(given, tokenBuffer);
  };

  // Reject other Host names so a web page cannot reach the API through DNS rebinding.
  const hostAllowed = (req: IncomingMessage): boolean => {
    const host = req.headers.host ?? '';
    return host === `127.0.0.1:${port}` || host === `localhost:${port}`;
  };

  const server: Server = createServer(
    {
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: limits.idleMs,
      // How often the two timeouts above are checked (Node's default is every 30 s).
      connectionsCheckingInterval: Math.min(1_000, limits.headersTimeoutMs),
    },
    (req, res) => {
      const connection = connections.get(req.socket);
      if (connection) {
        setActive(connection, +1);
        res.once('close', () => setActive(connection, -1));
      }
      handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) sendJson(res, 500, { error: toErrorBody(error) });
        else res.destroy();
      });
    },
  );
  // Node's own cap is the backstop; below it, the eviction on 'connection' keeps room for new clients.
  server.maxConnections = limits.maxConnections + 16;

  // ---- connections: cap, idle timeout, eviction ----
  // Ordered by when each connection last became idle: the first idle entry has idled longest.
  const connections = new Map<Duplex, Connection>();

  function closeConnection(connection: Connection): void {
    if (connection.idleTimer) clearTimeout(connection.idleTimer);
    connection.idleTimer = null;
    connections.delete(connection.socket);
    connection.socket.destroy();
  }

  function setActive(connection: Connection, change: number): void {
    connection.active += change;
    if (connection.idleTimer) clearTimeout(connection.idleTimer);
    connection.idleTimer = null;
    if (connection.active > 0 || !connections.has(connection.socket)) return;
    connections.delete(connection.socket);
    connections.set(connection.socket, connection);
    // Node's headersTimeout does not cover a connection that never sends a byte: this does.
    connection.idleTimer = setTimeout(() => {
      closedIdleConnections++;
      closeConnection(connection);
    }, limits.idleMs);
    connection.idleTimer.unref();
  }

  server.on('connection', (socket: Duplex) => {
    if (connections.size >= limits.maxConnections) {
      let oldestIdle: Connection | undefined;
      for (const candidate of connections.values()) {
        if (candidate.active === 0) {
          oldestIdle = candidate;
          break;
        }
      }
      if (!oldestIdle) {
        // Every slot is serving a request or an event stream: refuse rather than exceed the cap.
        socket.destroy();
        return;
      }
      closedIdleConnections++;
      closeConnection(oldestIdle);
    }
    const connection: Connection = { socket, active: 0, idleTimer: null };
    connections.set(socket, connection);
    setActive(connection, 0);
    socket.once('close', () => {
      if (connections.get(socket) === connection) closeConnection(connection);
    });
  });

  // An accept() failure (EMFILE when something else used the descriptors) must not end the process.
  let lastAcceptErrorLog = 0;
  const onServerError = (error: Error) => {
    const now = Date.now();
    if (now - lastAcceptErrorLog < 10_000) return;
    lastAcceptErrorLog = now;
    log(`the dashboard server could not accept a connection: ${error.message}`);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    // The status page is public and read-only: any Host (a reverse proxy's name) may ask for it.
    const statusTarget = splitRequestTarget(req.url ?? '');
    const statusTag = statusTarget ? statusPathTag(statusTarget.path) : undefined;
    if (statusTag !== undefined && (req.method === 'GET' || req.method === 'HEAD')) return serveStatusPage(statusTag, req, res);
    if (!hostAllowed(req)) return sendJson(res, 421, { error: { code: 'invalid_input', message: 'unexpected Host header' } });
    // The raw target, not a URL parser's normalised one: "%2e%2e" must reach the traversal guard as "..".
    const target = splitRequestTarget(req.url ?? '');
    if (!target) return sendJson(res, 400, { error: { code: 'invalid_input', message: 'the request path must start with /' } });
    const { path } = target;

    if (path.startsWith('/api/')) {
      res.setHeader('Cache-Control', 'no-store');
      const auth = req.headers.authorization;
      const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
      if (!tokenMatches(bearer)) {
        res.setHeader('WWW-Authenticate', 'Bearer');
        return sendJson(res, 401, { error: { code: 'invalid_input', message: 'missing or wrong token' } });
      }
      if (!path.startsWith(HTTP_RPC_PREFIX)) {
        return sendJson(res, 404, { error: { code: 'not_found', message: `no such endpoint ${path.slice(0, 100)}` } });
      }
      if (req.method !== 'POST') {
        res.setHeader('Allow', 'POST');
        return sendJson(res, 405, { error: { code: 'invalid_input', message: 'use POST' } });
      }
      const method = decodePath(path.slice(HTTP_RPC_PREFIX.length));
      if (method === null) return sendJson(res, 400, { error: { code: 'invalid_input', message: 'the method name in the path is not valid percent-encoding' } });
      let input: unknown;
      try {
        input = await readJsonBody(req);
      } catch (error) {
        return sendJson(res, 400, { error: { code: 'invalid_input', message: (error as Error).message } });
      }
      try {
        const result = await dispatch(options.service, method, input);
        return sendJson(res, 200, { result: result ?? null });
      } catch (error) {
        const body = toErrorBody(error);
        return sendJson(res, HTTP_STATUS_BY_CODE[body.code], { error: body });
      }
    }

    if (path === METRICS_PATH) return serveMetrics(req, res);

    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendJson(res, 405, { error: { code: 'invalid_input', message: 'method not allowed' } });
    }
    return serveStatic(path, res);
  }

  // ---- /metrics: Prometheus text format, behind the same bearer token as the API ----
  const metrics = createMetrics(options.service, KAAVAN_VERSION);

  async function serveMetrics(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Cache-Control', 'no-store');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET');
      return sendText(res, 405, 'use GET');
    }
    const auth = req.headers.authorization;
    const bearer = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : null;
    if (!tokenMatches(bearer)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      return sendText(res, 401, 'missing or wrong token: send "Authorization: Bearer <token>" (Prometheus: authorization.credentials_file: <data>/serve-token)');
    }
    const text = await metrics.render();
    res.writeHead(200, { 'Content-Type': metrics.contentType, 'Content-Length': Buffer.byteLength(text) });
    res.end(req.method === 'HEAD' ? undefined : text);
  }

  // ---- /status and /status/<tag>: the public status page, only when settings.statusPage.enabled ----
  async function serveStatusPage(tag: string | null, req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader('Cache-Control', 'no-cache');
    const config = await options.service.getConfig();
    const settings = config.settings?.statusPage;
    const model = settings?.enabled ? buildStatusPage(await options.service.overview(), settings, tag) : null;
    if (!model) {
      // The same answer whether the page is off or the tag unknown: nothing about the setup leaks.
      return sendText(res, 404, 'not found');
    }
    const html = renderStatusPage(model);
    res.writeHead(200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Length': Buffer.byteLength(html),
      'Content-Security-Policy': STATUS_PAGE_CSP,
      'X-Frame-Options': 'DENY',
    });
    res.end(req.method === 'HEAD' ? undefined : html);
  }

  async function serveStatic(rawPath: string, res: ServerResponse): Promise<void> {
    let relative = decodePath(rawPath);
    if (relative === null) return sendText(res, 400, 'bad path: not valid percent-encoding, or a NUL or backslash in it');
    if (!staticRoot) return sendText(res, 404, 'The dashboard is not built (run npm run build).');
    if (relative === '/' || relative === '') relative = '/index.html';
    const file = normalize(join(staticRoot, relative));
    if (file !== staticRoot && !file.startsWith(staticRoot + sep)) return sendText(res, 403, 'forbidden');
    try {
      const info = await stat(file);
      if (!info.isFile()) throw new Error('not a file');
    } catch {
      return sendText(res, 404, 'not found');
    }
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CSP,
      'X-Frame-Options': 'DENY',
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
    });
    res.end(body);
  }

  // ---- event stream: snapshot first, then events; a client that does not read is coalesced, then dropped ----
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<EventClient>();
  let stalePoll: NodeJS.Timeout | null = null;

  function dropClient(client: EventClient, why: string): void {
    if (!clients.has(client)) return;
    droppedEventClients++;
    clients.delete(client);
    client.unsubscribe();
    log(`dropped an event-stream client: ${why}`);
    client.ws.terminate();
  }

  function send(client: EventClient, event: KaavanEvent): void {
    client.ws.send(JSON.stringify(event));
    client.sent++;
    const buffered = client.ws.bufferedAmount;
    if (buffered > client.peakBufferedAmount) client.peakBufferedAmount = buffered;
    if (buffered > limits.eventHardBytes) dropClient(client, `${buffered} bytes of events unread (limit ${limits.eventHardBytes})`);
  }

  function deliver(client: EventClient, event: KaavanEvent): void {
    if (client.ws.readyState !== client.ws.OPEN) return;
    if (client.mode === 'resyncing') {
      // Newer than the snapshot being taken: sent right after it.
      if (client.queue.length >= MAX_QUEUED_EVENTS) return dropClient(client, 'too many events while its snapshot was taken');
      client.queue.push(event);
      return;
    }
    if (client.mode === 'live' && client.ws.bufferedAmount > limits.eventSoftBytes) {
      client.mode = 'stale';
      client.staleSince = Date.now();
      startStalePoll();
    }
    if (client.mode === 'stale' && SUPERSEDED_BY_SNAPSHOT.has(event.type)) {
      client.skipped++;
      return;
    }
    send(client, event);
  }

  /** Sends the current overview and health, then what arrived meanwhile; the client is live after. */
  async function resync(client: EventClient): Promise<void> {
    client.mode = 'resyncing';
    client.queue = [];
    try {
      const [overview, health] = await Promise.all([options.service.overview(), options.service.health()]);
      if (!clients.has(client) || client.ws.readyState !== client.ws.OPEN) return;
      send(client, { type: 'overview', overview });
      send(client, { type: 'health', health });
    } catch (error) {
      return dropClient(client, `its snapshot failed: ${error instanceof Error ? error.message : String(error)}`);
    }
    const queued = client.queue;
    client.queue = [];
    client.mode = 'live';
    for (const event of queued) deliver(client, event);
  }

  function startStalePoll(): void {
    if (stalePoll) return;
    stalePoll = setInterval(() => {
      const now = Date.now();
      let anyStale = false;
      for (const client of clients) {
        if (client.mode !== 'stale') continue;
        if (client.ws.bufferedAmount <= limits.eventSoftBytes / 4) {
          void resync(client);
        } else if (now - client.staleSince > limits.eventStaleLimitMs) {
          dropClient(client, `it read nothing for ${Math.round((now - client.staleSince) / 1000)} s`);
        } else {
          anyStale = true;
        }
      }
      if (!anyStale && stalePoll) {
        clearInterval(stalePoll);
        stalePoll = null;
      }
    }, STALE_POLL_MS);
    stalePoll.unref();
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const connection = connections.get(socket);
    // An event stream is never idle: it stays active until its socket closes.
    if (connection) setActive(connection, +1);
    const refuse = (status: string) => {
      socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
    };
    const target = splitRequestTarget(req.url ?? '');
    if (!target) return refuse('400 Bad Request');
    const origin = req.headers.origin;
    const originOk = !origin || origin === `http://127.0.0.1:${port}` || origin === `http://localhost:${port}`;
    if (target.path !== HTTP_EVENTS_PATH || !hostAllowed(req) || !originOk || !tokenMatches(target.query.get('token'))) {
      return refuse('401 Unauthorized');
    }
    if (clients.size >= limits.maxEventClients) return refuse('503 Service Unavailable');
    wss.handleUpgrade(req, socket, head, (ws) => {
      const client: EventClient = {
        ws,
        mode: 'resyncing',
        staleSince: 0,
        queue: [],
        sent: 0,
        skipped: 0,
        peakBufferedAmount: 0,
        unsubscribe: () => undefined,
      };
      clients.add(client);
      client.unsubscribe = options.service.subscribe((event) => deliver(client, event));
      ws.on('close', () => {
        client.unsubscribe();
        clients.delete(client);
      });
      ws.on('error', () => ws.terminate());
      // Clients only listen; anything they send is ignored.
      void resync(client);
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    const onListenError = (error: Error) => {
      metrics.close();
      reject(error);
    };
    server.once('error', onListenError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onListenError);
      server.on('error', onServerError);
      resolvePromise();
    });
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    dashboardUrl: `${url}/#token=${token}`,
    port,
    token,
    stats: () => ({
      connections: connections.size,
      limits: { ...limits },
      eventClients: [...clients].map((c) => ({
        bufferedAmount: c.ws.bufferedAmount,
        stale: c.mode === 'stale',
        sent: c.sent,
        skipped: c.skipped,
        peakBufferedAmount: c.peakBufferedAmount,
      })),
      droppedEventClients,
      closedIdleConnections,
    }),
    async close() {
      metrics.close();
      if (stalePoll) clearInterval(stalePoll);
      stalePoll = null;
      for (const client of clients) client.ws.terminate();
      wss.close();
      for (const connection of [...connections.values()]) closeConnection(connection);
      server.closeAllConnections?.();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error(`request body over ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`request body is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}
