// Headless transport: POST /api/rpc/<method> with the bearer token, and the event stream over a
// WebSocket (/api/events?token=) that reconnects with exponential backoff and jitter.
import { HTTP_EVENTS_PATH, HTTP_RPC_PREFIX } from '../../../src-main/core/api/transport';
import type { KaavanErrorBody } from '../../../src-main/core/api/errors';
import type { KaavanEvent } from '../../../src-main/core/api/service';
import { ClientError, Listeners, createClient, type ConnectionState, type KaavanClient, type MethodName } from './client';

export interface HttpClientOptions {
  token: string;
  /** http(s)://host:port of the server; the page's own origin by default. */
  origin?: string;
  /** Backoff bounds in ms (tests may shorten them). */
  minDelayMs?: number;
  maxDelayMs?: number;
}

const KNOWN_CODES = new Set(['invalid_input', 'not_found', 'conflict', 'unavailable', 'internal']);

function isErrorBody(value: unknown): value is KaavanErrorBody {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string' &&
    KNOWN_CODES.has(String((value as { code?: unknown }).code))
  );
}

export function createHttpClient(options: HttpClientOptions): KaavanClient {
  const origin = options.origin ?? window.location.origin;
  const minDelay = options.minDelayMs ?? 500;
  const maxDelay = options.maxDelayMs ?? 10_000;
  const events = new Listeners<KaavanEvent>();
  const connectionListeners = new Listeners<ConnectionState>();
  let state: ConnectionState = { status: 'connecting' };
  let socket: WebSocket | null = null;
  let attempt = 0;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  // Once the server has taken this token, a later refusal means it now has another one: it was
  // restarted with --new-token (or a different KAAVAN_TOKEN), not that the link was mistyped.
  let accepted = false;
  const server = new URL(origin).host;

  function setState(next: ConnectionState): void {
    state = next;
    connectionListeners.emit(next);
  }

  function markUnauthorized(): void {
    if (state.status === 'unauthorized') return;
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = null;
    socket?.close();
    setState(
      accepted
        ? {
            status: 'unauthorized',
            reason: 'token-changed',
            message: `The link this tab was opened with no longer works. Open the new link that \u201ckaavan serve\u201d printed for ${server}.`,
          }
        : {
            status: 'unauthorized',
            reason: 'refused',
            message: 'The server refused this dashboard\u2019s token. Open the link printed by \u201ckaavan serve\u201d again.',
          },
    );
  }

  async function call(method: MethodName, input?: unknown): Promise<unknown> {
    let response: Response;
    try {
      response = await fetch(`${origin}${HTTP_RPC_PREFIX}${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${options.token}`, 'Content-Type': 'application/json' },
        body: input === undefined ? '' : JSON.stringify(input),
        cache: 'no-store',
      });
    } catch {
      throw new ClientError('network', `Cannot reach the Kaavan server at ${server}. Is \u201ckaavan serve\u201d still running?`);
    }
    if (response.status === 401) {
      markUnauthorized();
      throw new ClientError('unauthorized', 'missing or wrong token');
    }
    accepted = true;
    let payload: unknown;
    try {
      payload = await response.json();
    } catch {
      throw new ClientError('internal', `The server sent an unreadable answer (HTTP ${response.status}).`);
    }
    if (response.ok && payload && typeof payload === 'object' && 'result' in payload) {
      return (payload as { result: unknown }).result;
    }
    const error = payload && typeof payload === 'object' ? (payload as { error?: unknown }).error : undefined;
    if (isErrorBody(error)) throw new ClientError(error.code, error.message, error.issues ?? []);
    throw new ClientError('internal', `The server answered HTTP ${response.status} without an explanation.`);
  }

  function connect(): void {
    if (state.status === 'unauthorized') return;
    retryTimer = null;
    const wsOrigin = origin.replace(/^http/, 'ws');
    let opened = false;
    const ws = new WebSocket(`${wsOrigin}${HTTP_EVENTS_PATH}?token=${encodeURIComponent(options.token)}`);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      accepted = true;
      attempt = 0;
      setState({ status: 'open' });
    };
    ws.onmessage = (message) => {
      if (typeof message.data !== 'string') return;
      let event: KaavanEvent;
      try {
        event = JSON.parse(message.data) as KaavanEvent;
      } catch {
        return;
      }
      if (event && typeof event === 'object' && typeof event.type === 'string') events.emit(event);
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      if (state.status === 'unauthorized') return;
      scheduleReconnect();
      // A socket refused at the handshake looks like any other drop: ask the API whether the token is still good.
      if (!opened) call('info').catch(() => undefined);
    };
    ws.onerror = () => {
      // onclose follows and handles it.
    };
  }

  function scheduleReconnect(): void {
    const base = Math.min(maxDelay, minDelay * 2 ** attempt);
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    attempt += 1;
    setState({ status: 'reconnecting', attempt, retryAt: Date.now() + delay, server });
    retryTimer = setTimeout(connect, delay);
  }

  connect();

  return createClient({
    kind: 'http',
    call,
    subscribe: (listener) => events.add(listener),
    onConnection: (listener) => connectionListeners.add(listener),
    connection: () => state,
    reconnect() {
      if (state.status !== 'reconnecting') return;
      if (retryTimer) clearTimeout(retryTimer);
      connect();
    },
  });
}
