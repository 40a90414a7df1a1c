// A strict reading of JSON config files: JSON.parse silently keeps the last of two equal keys and
// its error texts differ between Node versions. This scanner checks the structure first, so a
// duplicate key is an error (as in YAML) and every syntax error names its line and column.
import { formatPath, type FieldIssue } from '../api/errors.js';
import { echo } from './messages.js';

class JsonSyntax extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function lineColumn(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      start = i + 1;
    }
  }
  return { line, col: offset - start + 1 };
}

/** The text of a line for a message: control characters shown, at most 80 characters. */
export function lineText(text: string, line: number): string {
  const raw = text.split(/\r?\n/)[line - 1] ?? '';
  // eslint-disable-next-line no-control-regex
  const shown = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?').replace(/\t/g, '→');
  return shown.length > 80 ? `${shown.slice(0, 80)}…` : shown;
}

/** Parses JSON text; a syntax error or duplicate key becomes an issue naming where it is. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] } {
  const duplicates: FieldIssue[] = [];
  // A byte-order mark (some Windows editors write one) is not part of the JSON.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  let i = 0;
  const ws = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const fail = (what: string): never => {
    throw new JsonSyntax(i >= text.length ? `the file ends early: ${what}` : `${what}, found ${echo(text[i])}`, i);
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) fail('a line break or control character inside a string (a closing " may be missing)');
      i++;
    }
    if (i >= text.length) {
      i = start;
      throw new JsonSyntax('a string is not closed (a " is missing)', start);
    }
    i++;
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      throw new JsonSyntax('a string has an invalid escape (use \\\\ for a backslash)', start);
    }
  };
  const value = (path: PropertyKey[]): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Map<string, number>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail(text[i] === '}' ? 'a comma before "}" (JSON allows no trailing comma)' : 'expected a key in double quotes');
        const keyAt = i;
        const key = readString();
        const first = seen.get(key);
        if (first !== undefined) {
          const at = lineColumn(text, keyAt);
          duplicates.push({
            path: formatPath([...path, key]),
            message: `duplicate key ${echo(key)} at line ${at.line}, column ${at.col} (first at line ${lineColumn(text, first).line}); each key may appear once`,
          });
        } else seen.set(key, keyAt);
        ws();
        if (text[i] !== ':') fail('expected ":" after the key');
        i++;
        value([...path, key]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return;
        }
        fail('expected "," or "}"');
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let index = 0; ; index++) {
        ws();
        if (text[i] === ']') fail('a comma before "]" (JSON allows no trailing comma)');
        value([...path, index]);
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return;
        }
        fail('expected "," or "]"');
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    if (literal) {
      i += literal[0].length;
      return;
    }
    if (c === "'") fail('strings need double quotes in JSON');
    fail('expected a value (text in double quotes, a number, true, false, null, [ or {)');
  };

  try {
    ws();
    if (i >= text.length) return { ok: true, value: null };
    value([]);
    ws();
    if (i < text.length) fail('expected the end of the file after the top-level value');
  } catch (error) {
    if (!(error instanceof JsonSyntax)) throw error;
    const at = lineColumn(text, error.offset);
    return {
      ok: false,
      issues: [{ path: '(syntax)', message: `invalid JSON at line ${at.line}, column ${at.col}: ${error.message}\n    ${at.line} | ${lineText(text, at.line)}` }],
    };
  }
  if (duplicates.length) return { ok: false, issues: duplicates };
  return { ok: true, value: JSON.parse(text) as unknown };
}
