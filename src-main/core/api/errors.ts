// Errors that cross a transport. Anything else thrown inside the service is reported as "internal".
export type KaavanErrorCode = 'invalid_input' | 'not_found' | 'conflict' | 'unavailable' | 'internal';

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "targets.0.checks.1.url". */
  path: string;
  message: string;
}

export interface KaavanErrorBody {
  code: KaavanErrorCode;
  message: string;
  issues?: FieldIssue[];
}

export class KaavanError extends Error {
  constructor(
    readonly code: KaavanErrorCode,
    message: string,
    readonly issues?: FieldIssue[],
  ) {
    super(message);
    this.name = 'KaavanError';
  }

  toJSON(): KaavanErrorBody {
    return { code: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }

  static from(body: KaavanErrorBody): KaavanError {
    return new KaavanError(body.code, body.message, body.issues);
  }
}

/** Formats zod-style issue paths as "targets.0.checks.1.url" (or "(root)"). */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.length === 0 ? '(root)' : path.map(String).join('.');
}
