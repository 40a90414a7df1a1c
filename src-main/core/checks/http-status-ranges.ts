// Expected HTTP status patterns of the http check: "200-299" (inclusive range), "204" (one code),
// "2xx" (a class). Pure functions, no Node imports, so the UI could reuse them.

export interface StatusRange {
  from: number;
  to: number;
}

export const DEFAULT_EXPECTED_STATUS = ['200-299'] as const;

const MIN_STATUS = 100;
const MAX_STATUS = 599;

/** Parses one pattern; returns the range or a reason the text is not a pattern. */
export function parseStatusPattern(text: string): StatusRange | { error: string } {
  const value = text.trim().toLowerCase();
  const hint = 'use a code ("204"), a range ("200-299") or a class ("2xx")';
  let match = /^([1-5])xx$/.exec(value);
  if (match) {
    const from = Number(match[1]) * 100;
    return { from, to: from + 99 };
  }
  match = /^(\d{3})$/.exec(value);
  if (match) {
    const code = Number(match[1]);
    if (code < MIN_STATUS || code > MAX_STATUS) return { error: `"${text}" is not an HTTP status (100-599)` };
    return { from: code, to: code };
  }
  match = /^(\d{3})\s*-\s*(\d{3})$/.exec(value);
  if (match) {
    const from = Number(match[1]);
    const to = Number(match[2]);
    if (from < MIN_STATUS || to > MAX_STATUS) return { error: `"${text}" is outside the HTTP statuses (100-599)` };
    if (from > to) return { error: `"${text}" is an empty range (${from} is greater than ${to})` };
    return { from, to };
  }
  return { error: `"${text}" is not a status pattern; ${hint}` };
}

/** Parses patterns already validated by the schema; invalid entries are skipped. */
export function parseStatusPatterns(patterns: readonly string[]): StatusRange[] {
  const ranges: StatusRange[] = [];
  for (const pattern of patterns) {
    const parsed = parseStatusPattern(pattern);
    if (!('error' in parsed)) ranges.push(parsed);
  }
  return ranges;
}

export function statusMatches(code: number, ranges: readonly StatusRange[]): boolean {
  return ranges.some((r) => code >= r.from && code <= r.to);
}
