// Shared plumbing of the network check kinds: one deadline per probe (the context's signal plus the
// probe's own timer, so a kind is correct even when run outside the scheduler), readable one-line
// texts for Node's network/TLS/HTTP-parser errors, observer faults (this machine, not the target,
// failed), and small formatters.
import { closeSync, openSync } from 'node:fs';
import { devNull } from 'node:os';
import { performance } from 'node:perf_hooks';
import type { ProbeContext } from './types.js';
import type { ProbeOutcome } from '../model.js';
import { humanDuration } from '../config/duration.js';

/** Thrown into in-flight I/O when the probe's deadline fires or its context is aborted. */
export class ProbeAbortedError extends Error {
  constructor() {
    super('probe aborted');
    this.name = 'ProbeAbortedError';
  }
}

export interface ProbeDeadline {
  /** Aborted at ctx.timeoutMs or when ctx.signal aborts, whichever comes first. */
  readonly signal: AbortSignal;
  /** Milliseconds since the probe started (monotonic clock). */
  elapsed(): number;
  /** Whether the abort was the timeout (as opposed to a cancellation by the engine). */
  timedOut(): boolean;
  /** "timed out after 5 s (connecting to db:5432)" or "cancelled (...)" once aborted. */
  abortMessage(phase?: string): string;
  dispose(): void;
}

export function startDeadline(ctx: Pick<ProbeContext, 'signal' | 'timeoutMs'>): ProbeDeadline {
  const started = performance.now();
  const controller = new AbortController();
  const timeoutMs = Math.max(1, ctx.timeoutMs);
  let timedOut = false;
  const elapsed = () => performance.now() - started;
  const onOuterAbort = () => {
    // The scheduler aborts at the same deadline; an abort near it counts as a timeout too.
    if (elapsed() >= timeoutMs - 20) timedOut = true;
    controller.abort(new ProbeAbortedError());
  };
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new ProbeAbortedError());
  }, timeoutMs);
  if (ctx.signal.aborted) onOuterAbort();
  else ctx.signal.addEventListener('abort', onOuterAbort, { once: true });
  return {
    signal: controller.signal,
    elapsed,
    timedOut: () => timedOut,
    abortMessage: (phase) => {
      const head = timedOut ? `timed out after ${formatMs(timeoutMs)}` : 'cancelled before it finished';
      return phase ? `${head} (${phase})` : head;
    },
    dispose: () => {
      clearTimeout(timer);
      ctx.signal.removeEventListener('abort', onOuterAbort);
    },
  };
}

/** Settles like `work`, or rejects with ProbeAbortedError as soon as `signal` aborts (a hung keychain, say). */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new ProbeAbortedError());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new ProbeAbortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Latency kept to 0.1 ms: loopback and LAN answers are sub-millisecond, and "0 ms" hides them. */
export function roundLatency(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** "0.4 ms", "850 ms", "1.5 s", "5 s", "2 min 5 s". */
export function formatMs(ms: number): string {
  if (ms < 10) return `${roundLatency(ms)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000 && ms % 1000 !== 0) return `${(ms / 1000).toFixed(1)} s`;
  return humanDuration(ms);
}

/** "512 B", "12.0 KB", "1.0 MB" (binary units, as the config's sizes). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CERT_NOT_YET_VALID',
  'CERT_HAS_EXPIRED',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
  'INVALID_PURPOSE',
  'PATH_LENGTH_EXCEEDED',
  'HOSTNAME_MISMATCH',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

const DNS_CODES = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NODATA', 'EAI_NONAME', 'ENODATA', 'ESERVFAIL']);

interface NodeError extends Error {
  code?: string;
  reason?: string;
  errors?: unknown[];
}

/** Where an error happened, for messages: the host as configured and the port. */
export interface Endpoint {
  host: string;
  port: number;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.trim();
}

/** The most specific error: Node reports multi-address connect failures as an AggregateError. */
function unwrap(error: unknown): NodeError {
  let current = error as NodeError;
  while (current && !current.code && Array.isArray(current.errors) && current.errors.length > 0) current = current.errors[0] as NodeError;
  return current ?? new Error(String(error));
}

/** Turns a Node socket/TLS/HTTP error into one line a person can act on. */
export function describeNetError(raw: unknown, at: Endpoint): string {
  if (!(raw instanceof Error)) return `failed: ${String(raw)}`;
  const error = unwrap(raw);
  const code = error.code ?? (raw as NodeError).code;
  const where = `${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
  const message = firstLine(error.message || raw.message || 'unknown error');
  if (code && DNS_CODES.has(code)) return `DNS lookup failed for ${at.host} (${code})`;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${where} (ECONNREFUSED)`;
    case 'ECONNRESET':
      return message === 'socket hang up'
        ? `connection closed by ${where} before a response (socket hang up)`
        : `connection reset by ${where} (ECONNRESET)`;
    case 'EPIPE':
      return `connection closed by ${where} while sending the request (EPIPE)`;
    case 'ETIMEDOUT':
      return `connection to ${where} timed out (ETIMEDOUT)`;
    case 'EHOSTUNREACH':
      return `host ${at.host} is unreachable (EHOSTUNREACH)`;
    case 'ENETUNREACH':
      return `network unreachable for ${where} (ENETUNREACH)`;
    case 'EADDRNOTAVAIL':
      return `cannot connect to ${where}: address not available (EADDRNOTAVAIL)`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `TLS certificate does not match ${at.host} (ERR_TLS_CERT_ALTNAME_INVALID); set ignoreTls: true to accept it`;
    case 'HPE_HEADER_OVERFLOW':
      return `malformed HTTP response: headers too large (HPE_HEADER_OVERFLOW)`;
    case 'ERR_INVALID_HTTP_TOKEN':
    case 'ERR_INVALID_CHAR':
    case 'ERR_HTTP_INVALID_HEADER_VALUE':
      return `invalid request: ${message} (${code})`;
    default:
      break;
  }
  if (code && CERT_CODES.has(code)) return `TLS certificate rejected: ${message} (${code}); set ignoreTls: true to accept it`;
  if (code?.startsWith('HPE_')) return `malformed HTTP response: ${message.replace(/^Parse Error:\s*/i, '')} (${code})`;
  if (code?.startsWith('ERR_SSL_') || code === 'EPROTO' || /SSL routines/.test(message)) {
    const reason = error.reason ?? /SSL routines:[^:]*:([^:]+)/.exec(message)?.[1] ?? message;
    return `TLS handshake with ${where} failed: ${reason}${code ? ` (${code})` : ''}`;
  }
  return code ? `${message} (${code})` : message;
}

/**
 * Error codes meaning this computer ran out of something (descriptors, buffers, memory, local
 * ports): the target was never really asked, so such a failure must not count against it.
 */
export const OBSERVER_FAULT_CODES: ReadonlySet<string> = new Set(['EMFILE', 'ENFILE', 'ENOBUFS', 'ENOMEM', 'EADDRNOTAVAIL']);

/**
 * Whether this process can still open a descriptor: EMFILE/ENFILE when it cannot. getaddrinfo
 * reports running out of descriptors as "not found" (ENOTFOUND), so a DNS failure is checked here.
 */
function descriptorShortage(): string | undefined {
  try {
    closeSync(openSync(devNull, 'r'));
    return undefined;
  } catch (error) {
    const code = (error as NodeError).code;
    return code === 'EMFILE' || code === 'ENFILE' ? code : undefined;
  }
}

/**
 * The observer-fault code behind an error (also inside an AggregateError or a `cause`), if any.
 * A DNS failure counts when this process is out of descriptors at that moment (see above).
 */
export function observerFaultCode(raw: unknown): string | undefined {
  const direct = observerFaultCodeIn(raw);
  if (direct) return direct;
  const code = raw instanceof Error ? unwrap(raw).code : undefined;
  return code && DNS_CODES.has(code) ? descriptorShortage() : undefined;
}

function observerFaultCodeIn(raw: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [raw];
  while (queue.length > 0) {
    const current = queue.shift() as NodeError | undefined;
    if (!current || typeof current !== 'object' || seen.has(current)) continue;
    seen.add(current);
    if (current.code && OBSERVER_FAULT_CODES.has(current.code)) return current.code;
    if (Array.isArray(current.errors)) queue.push(...current.errors);
    if ('cause' in current) queue.push((current as { cause?: unknown }).cause);
  }
  return undefined;
}

const OBSERVER_FAULT_TEXT: Record<string, string> = {
  EMFILE: 'Kaavan has too many open files',
  ENFILE: "this computer's table of open files is full",
  ENOBUFS: 'this computer is out of network buffers',
  ENOMEM: 'this computer is out of memory',
  EADDRNOTAVAIL: 'this computer has no free local address or port for a new connection',
};

/** "could not probe db:5432: Kaavan has too many open files (EMFILE); the target was not judged" */
export function describeObserverFault(code: string, at: Endpoint): string {
  const where = `${at.host.includes(':') ? `[${at.host}]` : at.host}:${at.port}`;
  const what = OBSERVER_FAULT_TEXT[code] ?? 'this computer ran out of a resource';
  return `could not probe ${where}: ${what} (${code}); the target was not judged`;
}

/**
 * The DOWN outcome of a network probe that threw: its deadline (timeout or cancel), this machine's
 * own failure (an observer fault, never the target's), or the network error in words.
 */
export function failedNetworkOutcome(error: unknown, deadline: ProbeDeadline, at: Endpoint, phase: string): ProbeOutcome {
  if (deadline.signal.aborted) return { status: 'down', latencyMs: null, message: deadline.abortMessage(phase) };
  const fault = observerFaultCode(error);
  if (fault) return { status: 'down', latencyMs: null, message: describeObserverFault(fault, at), observerFault: fault };
  return { status: 'down', latencyMs: null, message: describeNetError(error, at) };
}
