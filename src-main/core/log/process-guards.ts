// Last-resort handlers for errors nobody caught, installed once by `kaavan serve` and the app.
//
// Policy (see docs/decisions.md, "Process hygiene"):
// - An unhandled promise rejection is logged and the process keeps running. Every rejection in
//   Kaavan belongs to one operation (a probe, a delivery, a request); the operation is lost, the
//   engine's state is not, because state advances only after a committed write.
// - An uncaught exception is logged and the process keeps running only when it comes from a
//   known-safe source: a network or stream error of ONE connection (ECONNRESET, EPIPE, a socket
//   destroyed, ...) that some library emitted without an 'error' listener. Such an error ends that
//   connection and touches no shared state.
// - Any other uncaught exception (a TypeError, an assertion, a store error thrown from a timer) means
//   the process may be in a state nobody planned for: it is logged and `onFatal` ends the process
//   (the app shows a dialog and exits; `serve` exits non-zero so its supervisor restarts it).
import type { Logger } from './logger.js';

/** Error codes of a single connection's I/O failing: safe to survive as an uncaught exception. */
export const RECOVERABLE_ERROR_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ERR_STREAM_DESTROYED',
  'ERR_STREAM_WRITE_AFTER_END',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CLOSED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_HAS_EXPIRED',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'EPROTO',
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_HEADER_OVERFLOW',
]);

/** True when an uncaught exception may be survived (see the policy above). */
export function isRecoverableException(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && RECOVERABLE_ERROR_CODES.has(code);
}

export interface ProcessGuardOptions {
  /** Called once after a fatal uncaught exception was logged; must end the process. Default: exit(1). */
  onFatal?: (error: unknown) => void;
}

function describe(error: unknown): Record<string, unknown> {
  return { error: error instanceof Error ? error : String(error) };
}

/**
 * Installs the unhandledRejection and uncaughtException handlers. Returns a function that removes
 * them (tests; a process installs them once).
 */
export function installProcessGuards(logger: Logger, options: ProcessGuardOptions = {}): () => void {
  const onFatal = options.onFatal ?? (() => process.exit(1));
  let ending = false;

  const onRejection = (reason: unknown) => {
    logger.error('unhandled promise rejection (Kaavan keeps running)', describe(reason));
  };

  const onException = (error: unknown) => {
    if (ending) return;
    if (isRecoverableException(error)) {
      logger.warn('uncaught connection error (Kaavan keeps running)', describe(error));
      return;
    }
    ending = true;
    logger.error('uncaught exception: Kaavan stops', describe(error));
    try {
      onFatal(error);
    } catch {
      process.exit(1);
    }
  };

  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
