// The core's logger interface. The composition root hands one implementation down (a rotating log
// file in the data folder for `serve` and the app; a silent or console one in tests). Never pass a
// secret value in a message or a field.
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** A logger that adds `fields` to every line. */
  child(fields: Record<string, unknown>): Logger;
  /** Loggers that write somewhere lasting never write these values (secrets read from the keychain). */
  redactValues?(...values: Array<string | null | undefined>): void;
}

function errorText(fields?: Record<string, unknown>): string {
  if (!fields) return '';
  const parts = Object.entries(fields).map(([k, v]) => `${k}=${v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/** Writes warnings and errors to stderr: the fallback when no log file is set up. */
export function consoleLogger(base: Record<string, unknown> = {}): Logger {
  const write = (level: string, message: string, fields?: Record<string, unknown>) =>
    process.stderr.write(`kaavan ${level}: ${message}${errorText({ ...base, ...fields })}\n`);
  return {
    debug: () => undefined,
    info: () => undefined,
    warn: (m, f) => write('warning', m, f),
    error: (m, f) => write('error', m, f),
    child: (fields) => consoleLogger({ ...base, ...fields }),
  };
}

/** Discards everything (tests that do not look at logs). */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
