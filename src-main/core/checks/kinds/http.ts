// The http check: one request (following redirects unless told not to) with node:http/node:https,
// no keep-alive and no shared agent, so every probe opens and closes its own connection.
//
// Outcome, in this order: a secret reference that is not set → down; no answer / TLS / protocol
// error → down; status outside expect.status (default "200-299") → down; a broken body (invalid
// chunked encoding, cut off) → down; expect.keyword missing or expect.keywordAbsent present in the
// body (at most maxBodySize of it is read, default 1 MB, then the connection is closed) → down; time
// to the final response's headers above expect.maxLatency → degraded; otherwise up. Failures of this
// computer itself (EMFILE, ENOBUFS…) carry `observerFault` so the engine does not blame the target.
// Credentials come from secret references resolved at probe time (auth.passwordRef, auth.tokenRef,
// headers: { Name: { secretRef } }); their values never reach a message, a metric or a log.
// Reference: docs/checks.md.
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import { finished, pipeline, type Readable } from 'node:stream';
import zlib from 'node:zlib';
import { z } from 'zod';
import { defineCheckKind, type CheckIssue, type ProbeContext, type SecretReader } from '../types.js';
import type { KindForm } from '../form.js';
import { durationField } from '../../config/fields.js';
import { parseDuration } from '../../config/duration.js';
import { parseSize } from '../../config/size.js';
import type { ProbeOutcome } from '../../model.js';
import { DEFAULT_EXPECTED_STATUS, parseStatusPattern, parseStatusPatterns, statusMatches } from '../http-status-ranges.js';
import {
  describeNetError,
  describeObserverFault,
  formatBytes,
  formatMs,
  observerFaultCode,
  ProbeAbortedError,
  roundLatency,
  startDeadline,
  untilAborted,
  type ProbeDeadline,
} from '../probe-support.js';
import { envVarName, isValidSecretName } from '../../secrets/secrets.js';
import { noSecrets } from '../probe-context.js';

export const HTTP_DEFAULTS = {
  method: 'GET',
  maxRedirects: 5,
  maxBodySize: 1024 * 1024,
  userAgent: 'Kaavan (uptime check)',
  /**
   * Largest response head accepted. Node's own default (16 KB) rejects real sites with many or big
   * cookies/CSP headers that browsers and curl load fine; browsers allow far more (Chrome ~256 KB).
   */
  maxHeaderSize: 256 * 1024,
} as const;

/** Days before a certificate expires when an HTTPS check turns degraded, then down. */
export const CERT_DEFAULTS = { warnDays: 14, criticalDays: 7 } as const;

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
      ctx.addIssue({ code: 'custom', message: `"${displayUrl(value)}" is not a valid URL (e.g. "https://example.com/health")` });
      return;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      ctx.addIssue({ code: 'custom', message: `must be an http:// or https:// URL (got ${url.protocol.replace(/:$/, '')}://)` });
    else if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'must name a host' });
    else if (url.password)
      ctx.addIssue({
        code: 'custom',
        message:
          'must not contain a password (it would be stored and shown in clear): store it with `kaavan secret set NAME` and use auth: { user: ..., passwordRef: NAME }',
      });
  });

const statusPatternField = z
  .string({ error: 'must be a quoted string: a code ("204"), a range ("200-299") or a class ("2xx")' })
  .superRefine((value, ctx) => {
    const parsed = parseStatusPattern(value);
    if ('error' in parsed) ctx.addIssue({ code: 'custom', message: parsed.error });
  });

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers whose whole value is a credential: only { secretRef } (or `auth`) may supply them. */
const CREDENTIAL_HEADER_NAMES = new Set(['authorization', 'proxy-authorization']);

/** The name of a secret (`kaavan secret set NAME`), as used by passwordRef, tokenRef and secretRef. */
const secretRefField = z
  .string({ error: 'must be the name of a secret (set it with `kaavan secret set NAME`)' })
  .refine(isValidSecretName, 'must be a secret name: 1 to 128 letters, digits, ".", "_" or "-"');

/** A header whose value is a secret, resolved when the probe runs. */
const secretHeaderValue = z.strictObject({ secretRef: secretRefField });
export type SecretHeaderValue = z.infer<typeof secretHeaderValue>;

const headersField = z
  .record(z.string(), z.union([z.string(), secretHeaderValue], { error: 'header values must be text or { secretRef: NAME }' }))
  .superRefine((headers, ctx) => {
    for (const [name, value] of Object.entries(headers)) {
      if (!HEADER_NAME.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: `"${name}" is not a valid header name` });
      if (typeof value === 'string' && /[\r\n\0]/.test(value))
        ctx.addIssue({ code: 'custom', path: [name], message: 'header values must not contain line breaks' });
      // A credential written into the document would be stored, synced and shown in clear.
      if (typeof value === 'string' && CREDENTIAL_HEADER_NAMES.has(name.toLowerCase()))
        ctx.addIssue({
          code: 'custom',
          path: [name],
          message: `a credential must not be written in the configuration: use auth: { tokenRef: NAME } (or user + passwordRef), or ${name}: { secretRef: NAME }`,
        });
    }
  });

/** Basic (`user` + `passwordRef`) or bearer (`tokenRef`) authentication; the secrets are looked up per probe. */
const authField = z
  .strictObject({
    user: z.string().min(1, 'must not be empty').max(256, 'must be at most 256 characters').optional(),
    passwordRef: secretRefField.optional(),
    tokenRef: secretRefField.optional(),
  })
  .superRefine((auth, ctx) => {
    const basic = auth.user !== undefined || auth.passwordRef !== undefined;
    if (basic && auth.tokenRef !== undefined) {
      ctx.addIssue({ code: 'custom', message: 'use either user + passwordRef (basic) or tokenRef (bearer), not both' });
      return;
    }
    if (!basic && auth.tokenRef === undefined) {
      ctx.addIssue({ code: 'custom', message: 'give user + passwordRef (basic auth) or tokenRef (bearer token)' });
      return;
    }
    if (basic && auth.user === undefined) ctx.addIssue({ code: 'custom', path: ['user'], message: 'basic auth needs a user name beside passwordRef' });
    if (basic && auth.passwordRef === undefined)
      ctx.addIssue({ code: 'custom', path: ['passwordRef'], message: 'basic auth needs passwordRef: the name of the secret holding the password' });
    if (auth.user !== undefined && /[:\r\n\0]/.test(auth.user))
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'must not contain ":" or line breaks' });
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
  /** Plain values, or { secretRef: NAME } for a value kept in the keychain. */
  headers: headersField.optional(),
  auth: authField.optional(),
  body: z.string().optional(),
  /** Follow 3xx responses with a Location (default true). maxRedirects: 0 also disables following. */
  followRedirects: z.boolean().optional(),
  maxRedirects: z.number().int().min(0).max(20).optional(),
  /** Accept any TLS certificate (self-signed, expired, wrong host). */
  ignoreTls: z.boolean().optional(),
  /** HTTPS: fewer days than this before the certificate expires → degraded (default 14). */
  warnDays: z.number({ error: 'must be a number of days' }).min(0, 'must be 0 or more').max(3650, 'must be at most 3650').optional(),
  /** HTTPS: fewer days than this before the certificate expires → down (default 7). */
  criticalDays: z.number({ error: 'must be a number of days' }).min(0, 'must be 0 or more').max(3650, 'must be at most 3650').optional(),
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

/** The URL without user name or password, for display (a credential is never shown). */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    // Not a URL: still never echo what looks like "user:pw@" in front of a host.
    return raw.replace(/\/\/[^/@\s]*@/, '//');
  }
}

/** Rules across fields, reported by the config schema at their path. */
function httpCrossFieldIssues(params: HttpParams): CheckIssue[] {
  const issues: CheckIssue[] = [];
  if (params.method === 'HEAD') {
    for (const key of ['keyword', 'keywordAbsent'] as const)
      if (params.expect?.[key] !== undefined)
        issues.push({ path: ['expect', key], message: 'HEAD responses have no body; use GET to check for a keyword' });
  }
  const warnDays = params.warnDays ?? CERT_DEFAULTS.warnDays;
  if ((params.criticalDays ?? CERT_DEFAULTS.criticalDays) > warnDays)
    issues.push({ path: ['criticalDays'], message: `must not be above warnDays (${warnDays})` });
  const authorization = Object.keys(params.headers ?? {}).find((name) => name.toLowerCase() === 'authorization');
  if (params.auth && authorization)
    issues.push({ path: ['headers', authorization], message: 'auth already sets the Authorization header; remove one of them' });
  return issues;
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
    readonly observerFault?: string,
  ) {
    super(message);
  }
}

/** The in-flight request and response, and the request's first error (the HTTP parser reports there). */
interface Current {
  req?: http.ClientRequest;
  res?: http.IncomingMessage;
  error?: Error;
}

/** The request headers, the lower-cased names of those carrying a secret, and the secret values (to redact). */
interface RequestHeaders {
  headers: Record<string, string>;
  secretNames: Set<string>;
  secretValues: string[];
}

/** Reads one secret reference; `usedBy` ("auth.passwordRef", "headers.X-Api-Key") makes messages findable. */
async function readSecret(secrets: SecretReader, ref: string, usedBy: string): Promise<string> {
  let value: string | null;
  try {
    value = await secrets.get(ref);
  } catch (error) {
    // The keychain could not be asked (locked, no session bus): this computer's problem, not the
    // target's. The store's messages never contain a value.
    const why = error instanceof Error ? error.message : String(error);
    throw new ProbeFailure(`secret "${ref}" (${usedBy}) could not be read: ${why}`, null, undefined, 'SECRETS_UNAVAILABLE');
  }
  if (value === null || value === '')
    throw new ProbeFailure(`secret "${ref}" is not set (${usedBy}): kaavan secret set ${ref}, or set ${envVarName(ref)} for \`kaavan serve\``);
  if (/[\r\n\0]/.test(value)) throw new ProbeFailure(`secret "${ref}" (${usedBy}) contains a line break, which an HTTP header cannot carry`);
  return value;
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
  current: Current,
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
      maxHeaderSize: HTTP_DEFAULTS.maxHeaderSize,
    };
    let req: http.ClientRequest;
    try {
      req = (isHttps ? https : http).request(url, requestOptions);
    } catch (error) {
      reject(error);
      return;
    }
    current.req = req;
    current.error = undefined;
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
    // Errors after the response are the body reader's business (it finds the first one in
    // `current.error`: a body parse error such as broken chunked encoding is only reported here).
    req.on('error', (error) => {
      current.error ??= error;
      reject(error);
    });
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
  const take = (chunk: Buffer | string) => {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
    if (bytes + buf.length > cap) {
      buf = buf.subarray(0, cap - bytes);
      capped = true;
    }
    bytes += buf.length;
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
  };
  try {
    // Chunks as they flow ('data'), and the end or failure as `for await` would report it
    // (finished(): the stream's error, or a premature close), without an async iterator and a
    // promise per chunk: this runs for every probe.
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: unknown) => {
        if (settled) return;
        settled = true;
        source.off('data', onData);
        stopWatching();
        if (error) reject(error);
        else resolve();
      };
      const onData = (chunk: Buffer | string) => {
        try {
          take(chunk);
        } catch (error) {
          settle(error);
          return;
        }
        phase.text = `reading the body, ${formatBytes(bytes)} received`;
        if (capped) {
          settle();
          res.destroy(); // the rest is not downloaded; the caller closes the socket
        }
      };
      const stopWatching = finished(source, { writable: false }, (error) => settle(error ?? undefined));
      source.on('data', onData);
    });
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (source !== res) source.destroy();
  }
  return { bytes, capped, found, head: Buffer.concat(headParts) };
}

/** A short, printable excerpt of the body for "not found" messages. */
const REDACTED = '[redacted]';

/** `text` with every secret value replaced (a server may echo the request's headers back). */
function redactSecrets(text: string, secretValues: readonly string[]): string {
  let out = text;
  for (const value of secretValues) if (value.length > 0) out = out.split(value).join(REDACTED);
  return out;
}

/**
 * A short, printable excerpt of the body for "not found" messages, secrets redacted, also one cut
 * in two where the excerpt ends (only the first 256 bytes are kept, then 60 characters shown).
 */
function excerpt(head: Buffer, secretValues: readonly string[]): string {
  const text = redactSecrets(head.toString('utf8').replace(/\uFFFD/g, '').replace(/\s+/g, ' ').trim(), secretValues);
  if (!text) return '';
  let clipped = text.length > 60 ? text.slice(0, 60) : text;
  for (const value of secretValues) {
    for (let k = Math.min(value.length - 1, clipped.length); k >= 3; k--) {
      if (clipped.endsWith(value.slice(0, k))) {
        clipped = `${clipped.slice(0, -k)}${REDACTED}`;
        break;
      }
    }
  }
  if (text.length > 60) clipped += '…';
  return Array.from(clipped, (ch) => (ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f ? '?' : ch)).join('');
}

const DAY_MS = 86_400_000;

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

interface CertFacts {
  /** Whole days until the certificate expires; negative once expired. */
  daysLeft?: number;
  /** When the certificate expires (epoch ms). */
  expiresAt?: number;
  /** With ignoreTls: what is wrong with the certificate, for the message ("expired 3 days ago"). */
  notice?: string;
}

/**
 * What the server's certificate says: days left (for any HTTPS response) and, when the check
 * ignores TLS errors, the problems it ignored. Node skips the host name check when the chain does
 * not verify, so expiry and host are checked here on their own.
 */
function certFacts(res: http.IncomingMessage, url: URL, ignoreTls: boolean, now: number): CertFacts {
  const socket = res.socket as TLSSocket | null;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return {};
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.valid_to) return {};
  const until = Date.parse(cert.valid_to);
  if (!Number.isFinite(until)) return {};
  const daysLeft = Math.trunc((until - now) / DAY_MS) || 0;
  if (!ignoreTls) return { daysLeft, expiresAt: until };
  const problems: string[] = [];
  if (until < now) problems.push(daysLeft === 0 ? 'expired less than a day ago' : `expired ${plural(-daysLeft, 'day')} ago`);
  const from = Date.parse(cert.valid_from);
  if (Number.isFinite(from) && from > now) problems.push(`is not valid before ${new Date(from).toISOString().slice(0, 10)}`);
  const host = endpointOf(url).host;
  if (tls.checkServerIdentity(host, cert) !== undefined) problems.push(`does not match ${host}`);
  if (problems.length === 0) return { daysLeft, expiresAt: until };
  const left = until >= now ? `, ${plural(daysLeft, 'day')} left` : '';
  return { daysLeft, expiresAt: until, notice: `certificate ${problems.join(' and ')} (ignored${left})` };
}

/**
 * The verdict on a certificate's remaining life: fewer days left than criticalDays → down, than
 * warnDays → degraded. With ignoreTls only thresholds written in the check apply (the check chose
 * to accept any certificate; an expired one stays accepted and is only noted).
 */
export function certExpiryVerdict(
  expiresAt: number,
  now: number,
  params: Pick<HttpParams, 'warnDays' | 'criticalDays' | 'ignoreTls'>,
): { status: 'degraded' | 'down'; note: string } | null {
  if (params.ignoreTls && params.warnDays === undefined && params.criticalDays === undefined) return null;
  if (params.ignoreTls && expiresAt < now) return null;
  const daysLeft = (expiresAt - now) / DAY_MS;
  const criticalDays = params.criticalDays ?? CERT_DEFAULTS.criticalDays;
  const warnDays = params.warnDays ?? CERT_DEFAULTS.warnDays;
  const status = daysLeft < criticalDays ? 'down' : daysLeft < warnDays ? 'degraded' : null;
  if (!status) return null;
  const date = new Date(expiresAt).toISOString().slice(0, 10);
  const note = expiresAt < now ? `certificate expired on ${date}` : `certificate expires on ${date} (${plural(Math.floor(daysLeft), 'day')})`;
  return { status, note };
}

/** Default headers, the configured ones (secret references resolved now) and auth's Authorization. */
async function buildHeaders(params: HttpParams, secrets: SecretReader): Promise<RequestHeaders> {
  const headers: Record<string, string> = {};
  const secretNames = new Set<string>();
  const secretValues: string[] = [];
  const given = new Set(Object.keys(params.headers ?? {}).map((k) => k.toLowerCase()));
  if (!given.has('user-agent')) headers['User-Agent'] = HTTP_DEFAULTS.userAgent;
  if (!given.has('accept')) headers['Accept'] = '*/*';
  for (const [name, value] of Object.entries(params.headers ?? {})) {
    if (typeof value === 'string') headers[name] = value;
    else {
      headers[name] = await readSecret(secrets, value.secretRef, `headers.${name}`);
      secretNames.add(name.toLowerCase());
      secretValues.push(headers[name]);
    }
  }
  const auth = params.auth;
  if (auth?.tokenRef !== undefined) {
    const token = await readSecret(secrets, auth.tokenRef, 'auth.tokenRef');
    headers['Authorization'] = `Bearer ${token}`;
    secretValues.push(token);
  } else if (auth?.user !== undefined && auth.passwordRef !== undefined) {
    const password = await readSecret(secrets, auth.passwordRef, 'auth.passwordRef');
    const encoded = Buffer.from(`${auth.user}:${password}`, 'utf8').toString('base64');
    headers['Authorization'] = `Basic ${encoded}`;
    secretValues.push(password, encoded);
  }
  if (auth) secretNames.add('authorization');
  // One request per connection: never keep it open for reuse.
  for (const key of Object.keys(headers)) if (key.toLowerCase() === 'connection') delete headers[key];
  headers['Connection'] = 'close';
  if (params.body !== undefined && !given.has('content-length')) headers['Content-Length'] = String(Buffer.byteLength(params.body));
  // Longest first, so a secret containing another is redacted whole.
  secretValues.sort((a, b) => b.length - a.length);
  return { headers, secretNames, secretValues };
}

export async function probeHttp(params: HttpParams, ctx: Pick<ProbeContext, 'signal' | 'timeoutMs'> & Partial<ProbeContext>): Promise<ProbeOutcome> {
  const deadline = startDeadline(ctx);
  const phase: Phase = { text: 'starting' };
  const current: Current = {};
  const now = ctx.now ?? Date.now;
  let url: URL;
  try {
    url = new URL(params.url);
  } catch {
    deadline.dispose();
    return { status: 'down', latencyMs: null, message: `invalid URL "${displayUrl(params.url)}"` };
  }
  let endpoint = endpointOf(url);
  let secretValues: readonly string[] = [];
  try {
    phase.text = 'reading secrets';
    const request = await untilAborted(buildHeaders(params, ctx.secrets ?? noSecrets), deadline.signal);
    secretValues = request.secretValues;
    const outcome = await run(params, url, request, deadline, phase, current, now, (u) => (endpoint = endpointOf(u)));
    return secretValues.length > 0 ? { ...outcome, message: redactSecrets(outcome.message, secretValues) } : outcome;
  } catch (error) {
    const outcome = failureOutcome(error, deadline, phase, endpoint);
    return secretValues.length > 0 ? { ...outcome, message: redactSecrets(outcome.message, secretValues) } : outcome;
  } finally {
    deadline.dispose();
    current.res?.destroy();
    current.req?.destroy();
  }
}

/** The DOWN outcome for whatever ended a probe early. */
function failureOutcome(error: unknown, deadline: ProbeDeadline, phase: Phase, endpoint: { host: string; port: number }): ProbeOutcome {
  if (deadline.signal.aborted) {
    const failure = error instanceof ProbeFailure ? error : null;
    return { status: 'down', latencyMs: failure?.latencyMs ?? null, message: deadline.abortMessage(phase.text) };
  }
  if (error instanceof ProbeFailure)
    return {
      status: 'down',
      latencyMs: error.latencyMs,
      message: error.message,
      ...(error.metrics ? { metrics: error.metrics } : {}),
      ...(error.observerFault ? { observerFault: error.observerFault } : {}),
    };
  const fault = observerFaultCode(error);
  if (fault) return { status: 'down', latencyMs: null, message: describeObserverFault(fault, endpoint), observerFault: fault };
  let message = describeNetError(error, endpoint);
  if (phase.text.startsWith('TLS handshake') && (error as { code?: string }).code === 'ECONNRESET')
    message = message.replace(/ \((ECONNRESET|socket hang up)\)$/, ' during the TLS handshake ($1)').replace(' before a response', '');
  return { status: 'down', latencyMs: null, message };
}

async function run(
  params: HttpParams,
  startUrl: URL,
  request: RequestHeaders,
  deadline: ProbeDeadline,
  phase: Phase,
  current: Current,
  now: () => number,
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
  let headers = request.headers;
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
      // Credentials, and every header whose value is a secret, stay with the origin they were meant for.
      headers = Object.fromEntries(
        Object.entries(headers).filter(([k]) => !CREDENTIAL_HEADERS.includes(k.toLowerCase()) && !request.secretNames.has(k.toLowerCase())),
      );
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
  const cert = certFacts(res, url, params.ignoreTls === true, now());
  if (cert.daysLeft !== undefined) metrics.certDaysLeft = cert.daysLeft;
  const afterRedirects = redirects > 0 ? ` after ${plural(redirects, 'redirect')}` : '';
  /** Where the body came from, when redirects made it another URL than the configured one (only messages need it). */
  const finalUrl = () => displayUrl(url.toString());

  if (!statusMatches(code, ranges)) {
    const where = redirects > 0 ? ` from ${displayUrl(url.toString())}` : '';
    throw new ProbeFailure(`HTTP ${code}${where} (expected ${expected.join(', ')})`, latencyMs, metrics);
  }

  const keywords = [keyword, keywordAbsent].filter((k): k is string => k !== undefined);
  let scan: BodyScan = { bytes: 0, capped: false, found: new Map(), head: Buffer.alloc(0) };
  if (method === 'HEAD') {
    // The config schema refuses this; a document that skipped validation still gets a clear answer.
    if (keywords.length > 0) throw new ProbeFailure('HEAD responses have no body; use GET to check for a keyword', latencyMs, metrics);
  } else {
    try {
      scan = await scanBody(res, cap, keywords, phase, deadline.signal);
    } catch (error) {
      if (deadline.signal.aborted) throw new ProbeFailure('aborted', latencyMs, metrics);
      // The HTTP parser reports a malformed body on the request; the body stream only sees "aborted".
      const parserError = current.error && (current.error as { code?: string }).code?.startsWith('HPE_') ? current.error : undefined;
      const parserCode = (parserError as { code?: string } | undefined)?.code;
      if (parserCode === 'HPE_INVALID_CHUNK_SIZE' || parserCode === 'HPE_INVALID_EOF_STATE' || /chunk/i.test(parserError?.message ?? ''))
        throw new ProbeFailure(`HTTP ${code}, but the body is broken: invalid chunked encoding from ${hostPort(url)} (${parserCode})`, latencyMs, metrics);
      if (parserError) throw new ProbeFailure(`HTTP ${code}, but the body is broken: ${describeNetError(parserError, endpointOf(url))}`, latencyMs, metrics);
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
    const seen = excerpt(scan.head, request.secretValues);
    const of = redirects > 0 ? ` of ${finalUrl()} (reached${afterRedirects})` : '';
    throw new ProbeFailure(`keyword "${keyword}" not found ${scope}${of}${seen ? `; body starts: "${seen}"` : ''}`, latencyMs, metrics);
  }
  if (keywordAbsent !== undefined && scan.found.get(keywordAbsent))
    throw new ProbeFailure(
      `keyword "${keywordAbsent}" found ${scope} but must be absent (HTTP ${code}${redirects > 0 ? ` from ${finalUrl()}${afterRedirects}` : ''})`,
      latencyMs,
      metrics,
    );

  const expiry = cert.expiresAt !== undefined ? certExpiryVerdict(cert.expiresAt, now(), params) : null;
  const notes = `${scan.capped ? ` (body capped at ${formatBytes(cap)})` : ''}${cert.notice ? `; ${cert.notice}` : ''}${expiry ? `; ${expiry.note}` : ''}`;
  const slow = maxLatencyMs !== null && latencyMs > maxLatencyMs;
  const answered = `HTTP ${code} in ${formatMs(latencyMs)}${afterRedirects}${slow ? `, slower than ${formatMs(maxLatencyMs)}` : ''}${notes}`;
  if (expiry?.status === 'down') return { status: 'down', latencyMs, message: answered, metrics };
  if (slow || expiry) return { status: 'degraded', latencyMs, message: answered, metrics };
  return { status: 'up', latencyMs, message: answered, metrics };
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const httpForm: KindForm = {
    fields: [
      { path: 'url', label: 'URL', type: 'text', required: true, mono: true, placeholder: 'https://example.com/health', help: 'http:// or https://; no password in it (use Authentication).' },
      { path: 'method', label: 'Method', type: 'select', options: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], default: 'GET' },
      { path: 'headers', label: 'Headers', type: 'map', section: 'Request', keyLabel: 'Header', secretValues: true, help: 'Sent with every request. Mark a value as a secret to send the secret of that name (kept in the keychain, never in the file).' },
      { path: 'body', label: 'Body', type: 'text', section: 'Request', multiline: true, mono: true, placeholder: '{"ping": true}', help: 'Sent as written (POST, PUT, PATCH).' },
      { path: 'auth.user', label: 'User', type: 'text', section: 'Authentication', help: 'Basic authentication: the user, with the password secret below.' },
      { path: 'auth.passwordRef', label: 'Password secret', type: 'secret', section: 'Authentication', help: 'The name of the secret holding the password.' },
      { path: 'auth.tokenRef', label: 'Bearer token secret', type: 'secret', section: 'Authentication', help: 'Or: the name of the secret holding a bearer token (not together with user).' },
      { path: 'expect.status', label: 'Expected status', type: 'list', separator: 'comma', section: 'Expectations', mono: true, placeholder: '200-299', default: '200-299', help: 'Codes, ranges or classes, comma separated: 200, 301-302, 2xx.' },
      { path: 'expect.maxLatency', label: 'Slow above', type: 'duration', section: 'Expectations', placeholder: 'e.g. 800ms', help: 'Slower answers count as degraded.' },
      { path: 'expect.keyword', label: 'Body must contain', type: 'text', section: 'Expectations', placeholder: 'ok' },
      { path: 'expect.keywordAbsent', label: 'Body must not contain', type: 'text', section: 'Expectations', placeholder: 'error' },
      { path: 'followRedirects', label: 'Follow redirects', type: 'boolean', section: 'Connection', default: true },
      { path: 'maxRedirects', label: 'At most redirects', type: 'number', section: 'Connection', placeholder: '5', default: 5, help: '0 to 20; 0 follows none.' },
      { path: 'ignoreTls', label: 'Ignore TLS certificate errors', type: 'boolean', section: 'Connection', default: false, help: 'Self-signed, expired or wrong-host certificates pass.' },
      { path: 'maxBodySize', label: 'Read at most', type: 'number', section: 'Connection', placeholder: '1MB', default: '1MB', help: 'Body bytes scanned for keywords: 512KB, 1MB or a number of bytes.' },
      { path: 'warnDays', label: 'Warn days before expiry', type: 'number', section: 'TLS / expiry', placeholder: '14', default: CERT_DEFAULTS.warnDays, help: 'HTTPS only: fewer days left on the certificate → degraded.' },
      { path: 'criticalDays', label: 'Critical days before expiry', type: 'number', section: 'TLS / expiry', placeholder: '7', default: CERT_DEFAULTS.criticalDays, help: 'Fewer days left → down.' },
    ],
  };

export const httpCheck = defineCheckKind({
  kind: 'http',
  title: 'HTTP(S)',
  paramsShape: httpParamsShape,
  form: httpForm,
  crossFieldIssues: httpCrossFieldIssues,
  describe: (p) => `${p.method ?? HTTP_DEFAULTS.method} ${displayUrl(p.url)}`,
  probe: async (params, ctx) => {
    try {
      return await probeHttp(params, ctx);
    } catch (error) {
      return { status: 'down', latencyMs: null, message: `check failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  },
});
