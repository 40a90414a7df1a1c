// Wire contract of the two transports. Pure constants/types: the renderer and preload import this.
//
// Electron IPC: the preload exposes `window.kaavan` (KaavanBridge). `invoke` resolves with an
// envelope rather than rejecting, because Electron flattens errors thrown across IPC.
//
// Headless HTTP (127.0.0.1 only, token required on every /api request):
//   POST /api/rpc/<method>   body: the method's input as JSON (empty body = no input)
//                            200 { "result": ... } | 4xx/5xx { "error": KaavanErrorBody }
//                            401 without a valid token ("Authorization: Bearer <token>")
//   GET  /api/events?token=<token>   WebSocket; each text frame is one KaavanEvent as JSON
//   GET  /                   the dashboard (built renderer); the printed URL carries the token
//                            in the fragment: http://127.0.0.1:PORT/#token=<token>
import type { KaavanErrorBody } from './errors.js';
import type { KaavanEvent } from './service.js';

export const IPC_INVOKE_CHANNEL = 'kaavan:invoke';
export const IPC_EVENT_CHANNEL = 'kaavan:event';

export type InvokeEnvelope = { ok: true; result: unknown } | { ok: false; error: KaavanErrorBody };

/** What the preload puts on `window.kaavan`. */
export interface KaavanBridge {
  invoke(method: string, input?: unknown): Promise<InvokeEnvelope>;
  onEvent(listener: (event: KaavanEvent) => void): () => void;
}

export const HTTP_RPC_PREFIX = '/api/rpc/';
export const HTTP_EVENTS_PATH = '/api/events';

export const HTTP_STATUS_BY_CODE: Record<KaavanErrorBody['code'], number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  unavailable: 503,
  internal: 500,
};
