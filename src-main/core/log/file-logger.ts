// The log file in the data folder: <data>/logs/kaavan.log, one JSON object per line, rotated by size
// (kaavan.log → kaavan.log.1 → … → kaavan.log.<files-1>, the oldest dropped), owner-only (0600 in a
// 0700 folder). Writes are synchronous: a line is on disk before a fatal error ends the process, and
// Kaavan logs a few lines a minute, not thousands. Logging never throws: a full disk loses lines,
// never an alert.
//
// Secrets never reach the file: values registered with redactValues() are replaced wherever they
// appear (message, field values, error messages and stacks, nested objects), fields whose name says
// they hold a credential (password, token, secret, authorization, api key, cookie, private key) are
// replaced whole, and the password of a URL (https://user:pw@host) is masked. Fields named …Ref
// (passwordRef, tokenRef, secretRef) hold the NAME of a keychain entry, not its value, and are kept.
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync, chmodSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from './logger.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const LEVEL_RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export const LOG_FILE_NAME = 'kaavan.log';
export const REDACTED = '[redacted]';

export interface FileLoggerOptions {
  /** Folder of the log files (usually <data>/logs); created 0700 when missing. */
  dir: string;
  /** Lowest level written; default 'info'. */
  level?: LogLevel;
  /** Size at which the file is rotated; default 5 MB. */
  maxBytes?: number;
  /** Files kept including the current one; default 5 (kaavan.log and kaavan.log.1 … .4). */
  files?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
  /**
   * Lines at this level or above are also written to stderr (redacted the same way), so a person
   * running the app from a terminal sees warnings and errors. Default: none.
   */
  echoLevel?: LogLevel;
}

export interface FileLogger extends Logger {
  /** Never write these values (a password read from the keychain, a token): they become "[redacted]". */
  redactValues(...values: Array<string | null | undefined>): void;
  /** Full path of the current log file. */
  readonly path: string;
  /** Closes the file; later lines reopen it. */
  close(): void;
  child(fields: Record<string, unknown>): FileLogger;
}

/** Field names whose value is a credential. `…Ref` names (a keychain entry's name) are not. */
const SECRET_FIELD = /password|passphrase|passwd|^pass$|^pwd$|token|secret|authori[sz]ation|cookie|api[-_]?key|credential|private[-_]?key|session[-_]?key/i;

export function isSecretFieldName(name: string): boolean {
  if (/Ref$/.test(name) || /_ref$/i.test(name)) return false;
  return SECRET_FIELD.test(name);
}

/** The password part of URLs written inline ("https://user:pw@host/") masked. */
function maskUrlPasswords(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s/@]*@/gi, `$1:${REDACTED}@`);
}

/** Replaces registered secret values and URL passwords in a string. Longest values first. */
export function redactText(text: string, secrets: readonly string[]): string {
  let result = text;
  for (const secret of secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
  return maskUrlPasswords(result);
}

/** A JSON-safe, redacted copy of a field value (errors become { message, code, stack }). */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0, seen = new WeakSet<object>()): unknown {
  if (typeof value === 'string') return redactText(value, secrets);
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (depth > 6) return '[too deep]';
  if (seen.has(value)) return '[circular]';
  seen.add(value);
  if (value instanceof Error) {
    const out: Record<string, unknown> = { message: redactText(value.message, secrets) };
    const code = (value as { code?: unknown }).code;
    if (typeof code === 'string' || typeof code === 'number') out.code = code;
    if (value.stack) out.stack = redactText(value.stack, secrets);
    return out;
  }
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.slice(0, 100).map((v) => redactValue(v, secrets, depth + 1, seen));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    out[key] = isSecretFieldName(key) && v !== undefined && v !== null && v !== '' ? REDACTED : redactValue(v, secrets, depth + 1, seen);
  }
  return out;
}

/** One log line (without the newline): {"time","level","msg",...fields}, redacted. */
export function formatLine(
  at: number,
  level: LogLevel,
  message: string,
  fields: Record<string, unknown> | undefined,
  secrets: readonly string[],
): string {
  const redacted = (fields ? redactValue(fields, secrets) : {}) as Record<string, unknown>;
  return JSON.stringify({ time: new Date(at).toISOString(), level, msg: redactText(message, secrets), ...redacted });
}

/** Appends lines to one file, rotating it by size. Shared by a logger and its children. */
class RotatingFile {
  private fd: number | null = null;
  private size = 0;
  readonly path: string;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly files: number,
  ) {
    this.path = join(dir, LOG_FILE_NAME);
  }

  write(line: string): void {
    const data = Buffer.from(`${line}\n`, 'utf8');
    try {
      this.open();
      if (this.size > 0 && this.size + data.length > this.maxBytes) this.rotate();
      this.open();
      writeSync(this.fd!, data);
      this.size += data.length;
    } catch {
      // Full disk, folder removed, ...: drop the line. The next write tries to reopen.
      this.close();
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      closeSync(this.fd);
    } catch {
      // already closed
    }
    this.fd = null;
  }

  private open(): void {
    if (this.fd !== null) return;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    this.fd = openSync(this.path, 'a', 0o600);
    // A file created earlier (or by a different umask) is made owner-only too.
    if ((fstatSync(this.fd).mode & 0o777) !== 0o600) chmodSync(this.path, 0o600);
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    const numbered = (n: number) => `${this.path}.${n}`;
    if (this.files <= 1) {
      rmSync(this.path, { force: true });
      return;
    }
    rmSync(numbered(this.files - 1), { force: true });
    for (let n = this.files - 2; n >= 1; n--) if (existsSync(numbered(n))) renameSync(numbered(n), numbered(n + 1));
    renameSync(this.path, numbered(1));
  }
}

/** The terminal's copy of a (redacted) JSON line: "kaavan warning: message (key=value, …)". */
export function humanLine(level: LogLevel, jsonLine: string): string {
  const label = level === 'warn' ? 'warning' : level;
  try {
    const { time: _time, level: _level, msg, ...fields } = JSON.parse(jsonLine) as Record<string, unknown>;
    const rest = Object.entries(fields).map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
    return `kaavan ${label}: ${String(msg)}${rest.length ? ` (${rest.join(', ')})` : ''}`;
  } catch {
    return `kaavan ${label}: ${jsonLine}`;
  }
}

export function createFileLogger(options: FileLoggerOptions): FileLogger {
  const file = new RotatingFile(options.dir, Math.max(1024, options.maxBytes ?? 5 * 1024 * 1024), Math.max(1, options.files ?? 5));
  const minimum = LEVEL_RANK[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const echo = options.echoLevel ? LEVEL_RANK[options.echoLevel] : Infinity;
  // Longest first, so a secret containing a shorter one is replaced whole.
  const secrets: string[] = [];

  const make = (base: Record<string, unknown>): FileLogger => {
    const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
      const rank = LEVEL_RANK[level];
      if (rank < minimum && rank < echo) return;
      let line: string;
      try {
        line = formatLine(now(), level, message, { ...base, ...fields }, secrets);
      } catch {
        line = JSON.stringify({ time: new Date(now()).toISOString(), level, msg: redactText(String(message), secrets) });
      }
      if (rank >= minimum) file.write(line);
      if (rank >= echo) {
        try {
          process.stderr.write(`${humanLine(level, line)}\n`);
        } catch {
          // stderr closed (started from a desktop launcher): the file has the line.
        }
      }
    };
    return {
      path: file.path,
      debug: (m, f) => write('debug', m, f),
      info: (m, f) => write('info', m, f),
      warn: (m, f) => write('warn', m, f),
      error: (m, f) => write('error', m, f),
      child: (fields) => make({ ...base, ...fields }),
      redactValues: (...values) => {
        for (const value of values) {
          if (typeof value !== 'string' || value === '' || secrets.includes(value)) continue;
          secrets.push(value);
        }
        secrets.sort((a, b) => b.length - a.length);
      },
      close: () => file.close(),
    };
  };
  return make({});
}
