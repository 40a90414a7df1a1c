// The http check: one request (following redirects unless told not to) with node:http/node:https,
// no keep-alive and no shared agent, so every probe opens and closes its own connection.
//
// Outcome, in this order: no answer / TLS / protocol error → down; status outside expect.status
// (default "200-299") → down; expect.keyword missing or expect.keywordAbsent present in the body
// (at most maxBodySize of it is read, default 1 MB, then the connection is closed) → down; time to
// the final response's headers above expect.maxLatency → degraded; otherwise up.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { TLSSocket } from 'node:tls';
import { pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import { durationField } from '../../config/fields.js';
import { parseDuration } from '../../config/duration.js';
import { parseSize } from '../../config/size.js';
import type { ProbeOutcome } from '../../model.js';
import { DEFAULT_EXPECTED_STATUS, parseStatusPattern, parseStatusPatterns, statusMatches } from '../http-status-ranges.js';
import { describeNetError, formatBytes, formatMs, ProbeAbortedError, roundLatency, startDeadline, type ProbeDeadline } from '../probe-support.js';

export const HTTP_DEFAULTS = {
  method: 'GET',
  maxRedirects: 5,
  maxBodySize: 1024 * 1024,
  userAgent: 'Kaavan (uptime check)',
} as const;

/** Largest maxBodySize accepted; the body is scanned as it streams, never held whole in memory. */
const MAX_BODY_SIZE_LIMIT = 1024 ** 3;

const urlField = z
  .string({ error: 'must be a URL such as "https://example.com/health"' })
  .trim()
  .min(1, 'must not be empty')
  .superRefine((value, ctx) => {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a valid URL (e.g. "https://example.com/health")` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', message: `must be an http:// or https:// URL (got ${url.protocol.replace(/:$/, '')}://)` });
    else if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'must name a host' });
  });

const statusPatternField = z
  .string({ error: 'must be a quoted string: a code ("204"), a range ("200-299") or a class ("2xx")' })
  .superRefine((value, ctx) => {
    const parsed = parseStatusPattern(value);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const headersField = z
  .record(z.string(), z.string({ error: 'header values must be strings' }))
  .superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a valid header name` });
      if (/[\r\n\0]/.test(value)) ctx.addIssue({ code: 'custom', path: [name], message: 'header values must not contain line breaks' });
    }
  });

const sizeField = z.union([z.string(), z.number()]).superRefine((value, ctx) => {
  const bytes = parseSize(value);
  if (bytes === null) {
    ctx.addIssue({ code: 'custom', message: `"${String(value)}" is not a size (use e.g. 512KB, 1MB, 2GB or a number of bytes)` });
    return;
  }
  if (bytes < 1) ctx.addIssue({ code: 'custom', message: 'must be at least 1 byte' });
  if (bytes > MAX_BODY_SIZE_LIMIT) ctx.addIssue({ code: 'custom', message: `must be at most 1GB (got ${formatBytes(bytes)})` });
});

const keywordField = z.string().min(1, 'must not be empty');

export const httpParamsShape = {
  url: urlField,
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).optional(),
  headers: headersField.optional(),
  body: z.string().optional(),
  /** Follow 3xx responses with a Location (default true). maxRedirects: 0 also disables following. */
  followRedirects: z.boolean().optional(),
  maxRedirects: z.number().int().min(0).max(20).optional(),
  /** Accept any TLS certificate (self-signed, expired, wrong host). */
  ignoreTls: z.boolean().optional(),
  /** How much of the body is read at most ("1MB" by default); the rest is not downloaded. */
  maxBodySize: sizeField.optional(),
  expect: z
    .strictObject({
      status: z.array(statusPatternField).min(1, 'list at least one status, e.g. ["200-299"]').optional(),
      keyword: keywordField.optional(),
      keywordAbsent: keywordField.optional(),
      maxLatency: durationField().optional(),
    })
    .optional(),
};

export type HttpParams = z.infer<z.ZodObject<typeof httpParamsShape>>;

const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
/** Headers that must not travel to another origin when a redirect leaves the original one. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization'];

/** The URL with any password masked, for display. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return raw;
  }
}

function endpointOf(url: URL): { host: string; port: number } {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  return { host, port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80 };
}

function hostPort(url: URL): string {
  const { host, port } = endpointOf(url);
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/** Failure with an outcome ready to report (latency known when headers had arrived). */
class ProbeFailure extends Error {
  constructor(
    message: string,
    readonly latencyMs: number | null = null,
    readonly metrics?: Record<string, number>,
  ) {
    super(message);
  }
}

interface Exchange {
  req: http.ClientRequest;
  res: http.IncomingMessage;
}

interface Phase {
  text: string;
}

/** Sends one request and resolves when the response headers arrive. */
function send(
  url: URL,
  options: { method: string; headers: Record<string, string>; body: string | undefined; ignoreTls: boolean },
  deadline: ProbeDeadline,
  phase: Phase,
  current: { req?: http.ClientRequest },
): Promise<Exchange> {
  return new Promise<Exchange>((resolve, reject) => {
    const isHttps = url.protocol === 'https:';
    const { host } = endpointOf(url);
    phase.text = net.isIP(host) ? `connecting to ${hostPort(url)}` : `resolving ${host}`;
    const requestOptions: https.RequestOptions = {
      method: options.method,
      headers: options.headers,
      agent: false,
      rejectUnauthorized: !options.ignoreTls,
    };
    let req: http.ClientRequest;
    try {
      req = (isHttps ? https : http).request(url, requestOptions);
    } catch (error) {
      reject(error);
      return;
    }
    current.req = req;
    const onAbort = () => req.destroy(new ProbeAbortedError());
    if (deadline.signal.aborted) onAbort();
    else deadline.signal.addEventListener('abort', onAbort, { once: true });
    req.once('close', () => deadline.signal.removeEventListener('abort', onAbort));
    req.once('socket', (socket) => {
      socket.once('lookup', (error: Error | null) => {
        if (!error) phase.text = `connecting to ${hostPort(url)}`;
      });
      socket.once('connect', () => {
        phase.text = isHttps ? `TLS handshake with ${hostPort(url)}` : `waiting for the response from ${hostPort(url)}`;
      });
      if (isHttps)
        socket.once('secureConnect', () => {
          phase.text = `waiting for the response from ${hostPort(url)}`;
        });
    });
    req.once('response', (res) => resolve({ req, res }));
    // Errors after the response are the body reader's business; keep a listener so none is unhandled.
    req.on('error', reject);
    if (options.body !== undefined) req.end(options.body);
    else req.end();
  });
}

interface BodyScan {
  bytes: number;
  capped: boolean;
  found: Map<string, boolean>;
  /** The first bytes of the body, for messages. */
  head: Buffer;
}

function decoderFor(res: http.IncomingMessage): Readable {
  const encoding = String(res.headers['content-encoding'] ?? '').trim().toLowerCase();
  let decoder: zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | null = null;
  if (encoding === 'gzip' || encoding === 'x-gzip') decoder = zlib.createGunzip();
  else if (encoding === 'deflate') decoder = zlib.createInflate();
  else if (encoding === 'br') decoder = zlib.createBrotliDecompress();
  if (!decoder) return res;
  pipeline(res, decoder, () => {});
  return decoder;
}

/** Reads at most `cap` (decoded) bytes of the body, looking for the keywords as it streams. */
async function scanBody(res: http.IncomingMessage, cap: number, keywords: string[], phase: Phase, signal: AbortSignal): Promise<BodyScan> {
  const needles = keywords.map((k) => Buffer.from(k, 'utf8'));
  const overlap = Math.max(0, ...needles.map((n) => n.length - 1));
  const found = new Map(keywords.map((k) => [k, false]));
  const headParts: Buffer[] = [];
  let headBytes = 0;
  let carry = Buffer.alloc(0);
  let bytes = 0;
  let capped = false;
  const source = decoderFor(res);
  phase.text = 'reading the body';
  const onAbort = () => res.destroy(new ProbeAbortedError());
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of source) {
      let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      if (bytes + buf.length > cap) {
        buf = buf.subarray(0, cap - bytes);
        capped = true;
      }
      bytes += buf.length;
      phase.text = `reading the body, ${formatBytes(bytes)} received`;
      if (headBytes < 256 && buf.length > 0) {
        const part = buf.subarray(0, 256 - headBytes);
        headParts.push(part);
        headBytes += part.length;
      }
      if (needles.length > 0 && buf.length > 0) {
        const window = carry.length > 0 ? Buffer.concat([carry, buf]) : buf;
        needles.forEach((needle, i) => {
          if (!found.get(keywords[i]!) && window.includes(needle)) found.set(keywords[i]!, true);
        });
        carry = overlap > 0 ? Buffer.from(window.subarray(Math.max(0, window.length - overlap))) : Buffer.alloc(0);
      }
      if (capped) break; // leaving the loop destroys the stream; the caller closes the socket
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (source !== res) source.destroy();
  }
  return { bytes, capped, found, head: Buffer.concat(headParts) };
}

/** A short, printable excerpt of the body for "not found" messages. */
function excerpt(head: Buffer): string {
  const text = head.toString('utf8').replace(/\uFFFD/g, '').replace(/\s+/g, ' ').trim();
  if (!text) return '';
  const clipped = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return Array.from(clipped, (ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? '?' : ch)).join('');
}

function certDaysLeft(res: http.IncomingMessage): number | undefined {
  const socket = res.socket as TLSSocket | null;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.valid_to) return undefined;
  const until = Date.parse(cert.valid_to);
  return Number.isFinite(until) ? Math.floor((until - Date.now()) / 86_400_000) : undefined;
}

function buildHeaders(params: HttpParams): Record<string, string> {
  const headers: Record<string, string> = {};
  const given = new Set(Object.keys(params.headers ?? {}).map((k) => k.toLowerCase()));
  if (!given.has('user-agent')) headers['User-Agent'] = HTTP_DEFAULTS.userAgent;
  if (!given.has('accept')) headers['Accept'] = '*/*';
  Object.assign(headers, params.headers ?? {});
  // One request per connection: never keep it open for reuse.
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'connection') delete headers[key];
  headers['Connection'] = 'close';
  if (params.body !== undefined && !given.has('content-length')) headers['Content-Length'] = String(Buffer.byteLength(params.body));
  return headers;
}

export async function probeHttp(params: HttpParams, ctx: Pick<ProbeContext, 'signal' | 'timeoutMs'> & Partial<ProbeContext>): Promise<ProbeOutcome> {
  const deadline = startDeadline(ctx);
  const phase: Phase = { text: 'starting' };
  const current: { req?: http.ClientRequest; res?: http.IncomingMessage } = {};
  let url: URL;
  try {
    url = new URL(params.url);
  } catch {
    deadline.dispose();
    return { status: 'down', latencyMs: null, message: `invalid URL "${displayUrl(params.url)}"` };
  }
  let endpoint = endpointOf(url);
  try {
    return await run(params, url, deadline, phase, current, (u) => (endpoint = endpointOf(u)));
  } catch (error) {
    if (deadline.signal.aborted) {
      const failure = error instanceof ProbeFailure ? error : null;
      return { status: 'down', latencyMs: failure?.latencyMs ?? null, message: deadline.abortMessage(phase.text) };
    }
    if (error instanceof ProbeFailure)
      return { status: 'down', latencyMs: error.latencyMs, message: error.message, ...(error.metrics ? { metrics: error.metrics } : {}) };
    let message = describeNetError(error, endpoint);
    if (phase.text.startsWith('TLS handshake') && (error as { code?: string }).code === 'ECONNRESET')
      message = message.replace(/ \((ECONNRESET|socket hang up)\)$/, ' during the TLS handshake ($1)').replace(' before a response', '');
    return { status: 'down', latencyMs: null, message };
  } finally {
    deadline.dispose();
    current.res?.destroy();
    current.req?.destroy();
  }
}

async function run(
  params: HttpParams,
  startUrl: URL,
  deadline: ProbeDeadline,
  phase: Phase,
  current: { req?: http.ClientRequest; res?: http.IncomingMessage },
  onUrl: (url: URL) => void,
): Promise<ProbeOutcome> {
  const maxRedirects = params.maxRedirects ?? HTTP_DEFAULTS.maxRedirects;
  const follow = params.followRedirects !== false && maxRedirects > 0;
  const cap = params.maxBodySize !== undefined ? (parseSize(params.maxBodySize) ?? HTTP_DEFAULTS.maxBodySize) : HTTP_DEFAULTS.maxBodySize;
  const expected = params.expect?.status?.length ? params.expect.status : [...DEFAULT_EXPECTED_STATUS];
  const ranges = parseStatusPatterns(expected);
  const maxLatencyMs = params.expect?.maxLatency !== undefined ? parseDuration(params.expect.maxLatency) : null;
  const keyword = params.expect?.keyword;
  const keywordAbsent = params.expect?.keywordAbsent;

  let url = startUrl;
  let method: string = params.method ?? HTTP_DEFAULTS.method;
  let body = params.body;
  let headers = buildHeaders(params);
  let redirects = 0;
  let exchange: Exchange;

  for (;;) {
    exchange = await send(url, { method, headers, body, ignoreTls: params.ignoreTls === true }, deadline, phase, current);
    current.res = exchange.res;
    const code = exchange.res.statusCode ?? 0;
    const location = exchange.res.headers.location;
    if (!(follow && REDIRECT_CODES.has(code) && location)) break;
    const latencyMs = roundLatency(deadline.elapsed());
    exchange.res.destroy();
    exchange.req.destroy();
    if (redirects >= maxRedirects)
      throw new ProbeFailure(`too many redirects (more than ${maxRedirects}); last: HTTP ${code} to ${displayUrl(location)}`, latencyMs, {
        statusCode: code,
        redirects,
      });
    let next: URL;
    try {
      next = new URL(location, url);
    } catch {
      throw new ProbeFailure(`HTTP ${code} redirect with an invalid Location "${location}"`, latencyMs, { statusCode: code, redirects });
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new ProbeFailure(`HTTP ${code} redirect to an unsupported URL "${displayUrl(next.toString())}"`, latencyMs, { statusCode: code, redirects });
    if (next.origin !== url.origin) {
      headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k.toLowerCase())));
    }
    // As browsers do: 303 always, and 301/302 after a POST, continue with a GET without body.
    if ((code === 303 && method !== 'HEAD') || ((code === 301 || code === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      headers = Object.fromEntries(
        Object.entries(headers).filter(([k]) => !['content-length', 'content-type', 'content-encoding', 'transfer-encoding'].includes(k.toLowerCase())),
      );
    }
    redirects += 1;
    url = next;
    onUrl(url);
  }

  const { res } = exchange;
  const latencyMs = roundLatency(deadline.elapsed());
  const code = res.statusCode ?? 0;
  const metrics: Record<string, number> = { statusCode: code, bodyBytes: 0 };
  if (redirects > 0) metrics.redirects = redirects;
  const daysLeft = certDaysLeft(res);
  if (daysLeft !== undefined) metrics.tlsCertDaysLeft = daysLeft;
  const afterRedirects = redirects > 0 ? ` after ${redirects} redirect${redirects === 1 ? '' : 's'}` : '';

  if (!statusMatches(code, ranges)) {
    const where = redirects > 0 ? ` from ${displayUrl(url.toString())}` : '';
    throw new ProbeFailure(`HTTP ${code}${where} (expected ${expected.join(', ')})`, latencyMs, metrics);
  }

  const keywords = [keyword, keywordAbsent].filter((k): k is string => k !== undefined);
  let scan: BodyScan = { bytes: 0, capped: false, found: new Map(), head: Buffer.alloc(0) };
  if (method === 'HEAD') {
    if (keyword !== undefined) throw new ProbeFailure(`keyword "${keyword}" cannot be checked: HEAD responses have no body`, latencyMs, metrics);
  } else {
    try {
      scan = await scanBody(res, cap, keywords, phase, deadline.signal);
    } catch (error) {
      if (deadline.signal.aborted) throw new ProbeFailure('aborted', latencyMs, metrics);
      const base = describeNetError(error, endpointOf(url));
      const reason = /^aborted\b/.test(base) || /ECONNRESET/.test(base) ? 'connection closed' : base;
      const zlibError = (error as { code?: string }).code?.startsWith('Z_') ? ` (could not decode the ${String(res.headers['content-encoding'])} body)` : '';
      throw new ProbeFailure(`HTTP ${code}, but the body was cut off: ${reason}${zlibError}`, latencyMs, metrics);
    }
  }
  metrics.bodyBytes = scan.bytes;
  if (scan.capped) metrics.bodyCapped = 1;
  const scope = scan.capped ? `in the first ${formatBytes(cap)}` : `in the body (${formatBytes(scan.bytes)})`;

  if (keyword !== undefined && !scan.found.get(keyword)) {
    const seen = excerpt(scan.head);
    throw new ProbeFailure(`keyword "${keyword}" not found ${scope}${seen ? `; body starts: "${seen}"` : ''}`, latencyMs, metrics);
  }
  if (keywordAbsent !== undefined && scan.found.get(keywordAbsent))
    throw new ProbeFailure(`keyword "${keywordAbsent}" found ${scope} but must be absent (HTTP ${code})`, latencyMs, metrics);

  const cappedNote = scan.capped ? ` (body capped at ${formatBytes(cap)})` : '';
  if (maxLatencyMs !== null && latencyMs > maxLatencyMs)
    return {
      status: 'degraded',
      latencyMs,
      message: `HTTP ${code} in ${formatMs(latencyMs)}${afterRedirects}, slower than ${formatMs(maxLatencyMs)}${cappedNote}`,
      metrics,
    };
  return { status: 'up', latencyMs, message: `HTTP ${code} in ${formatMs(latencyMs)}${afterRedirects}${cappedNote}`, metrics };
}

export const httpCheck = defineCheckKind({
  kind: 'http',
  title: 'HTTP(S)',
  paramsShape: httpParamsShape,
  describe: (p) => `${p.method ?? HTTP_DEFAULTS.method} ${displayUrl(p.url)}`,
  probe: async (params, ctx) => {
    try {
      return await probeHttp(params, ctx);
    } catch (error) {
      return { status: 'down', latencyMs: null, message: `check failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  },
});
