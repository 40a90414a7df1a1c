// Validation messages in words a person uses. zod's own texts ("Invalid input: expected number,
// received string") never reach the user: every issue code is mapped here, and messages a schema
// gives itself (fields.ts, the check kinds) are kept.
import type { z } from 'zod';

/** Longest echo of user input inside a message. */
export const ECHO_MAX = 60;

/** Quotes user input for a message: control characters escaped, at most 60 characters + "…". */
export function echo(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  const chars = Array.from(text);
  const cut = chars.length > ECHO_MAX ? `${chars.slice(0, ECHO_MAX).join('')}…` : text;
  return JSON.stringify(cut);
}

/** What a value is, for "got …" in a message. */
export function describeInput(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return `the text ${echo(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return echo(String(value)).slice(1, -1);
  if (typeof value === 'object') return 'a group of fields';
  return typeof value;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'must be text',
  number: 'must be a number',
  int: 'must be a whole number',
  boolean: 'must be true or false',
  array: 'must be a list',
  object: 'must be a group of fields (key: value)',
  literal: 'has the wrong value',
  bigint: 'must be a whole number',
  date: 'must be a date',
};

/** Levenshtein distance, for "did you mean …?". */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = above;
    }
  }
  return prev[b.length]!;
}

/** The closest candidate when it is close enough to be a typo (case and separators ignored). */
export function nearest(word: string, candidates: readonly string[]): string | null {
  const norm = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(norm(word), norm(candidate));
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const allowed = Math.max(1, Math.min(3, Math.floor(word.length / 3)));
  return best !== null && bestDistance <= allowed ? best : null;
}

function listWords(values: readonly unknown[]): string {
  const shown = values.slice(0, 12).map((v) => (typeof v === 'string' ? v : String(v)));
  return `${shown.join(', ')}${values.length > shown.length ? ', …' : ''}`;
}

function unknownKeysMessage(keys: readonly string[], allowed: readonly string[]): string {
  if (keys.length === 1) {
    const key = keys[0]!;
    const guess = nearest(key, allowed);
    if (guess) return `unknown field ${echo(key)}; did you mean "${guess}"?`;
    return `unknown field ${echo(key)}; allowed here: ${listWords(allowed)}`;
  }
  return `unknown fields ${keys.map(echo).join(', ')}; allowed here: ${listWords(allowed)}`;
}

type RawIssue = z.core.$ZodRawIssue;

function shapeKeys(inst: unknown): string[] {
  const def = (inst as { _zod?: { def?: { shape?: Record<string, unknown> } } } | undefined)?._zod?.def;
  return def?.shape ? Object.keys(def.shape) : [];
}

/**
 * zod error map (passed per parse, so messages a schema sets itself win): a person's words for
 * every issue code.
 */
export function humanIssueMessage(issue: RawIssue): string {
  const input = issue.input;
  switch (issue.code) {
    case 'invalid_type': {
      if (input === undefined) return 'is required';
      const words = TYPE_WORDS[issue.expected] ?? `must be ${issue.expected}`;
      return `${words} (got ${describeInput(input)})`;
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      const inclusive = issue.inclusive !== false;
      switch (issue.origin) {
        case 'string':
          return `must be at most ${max} character${max === 1 ? '' : 's'}${typeof input === 'string' ? ` (got ${Array.from(input).length})` : ''}`;
        case 'array':
        case 'set':
          return `must have at most ${max} entr${max === 1 ? 'y' : 'ies'}${Array.isArray(input) ? ` (got ${input.length})` : ''}`;
        default:
          return `must be ${inclusive ? 'at most' : 'less than'} ${max}${typeof input === 'number' ? ` (got ${input})` : ''}`;
      }
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      const inclusive = issue.inclusive !== false;
      switch (issue.origin) {
        case 'string':
          return min <= 1 ? 'must not be empty' : `must be at least ${min} characters`;
        case 'array':
        case 'set':
          return min <= 1 ? 'must have at least one entry' : `must have at least ${min} entries`;
        default:
          return `must be ${inclusive ? 'at least' : 'more than'} ${min}${typeof input === 'number' ? ` (got ${input})` : ''}`;
      }
    }
    case 'unrecognized_keys':
      return unknownKeysMessage(issue.keys, shapeKeys(issue.inst));
    case 'invalid_value': {
      const values = issue.values;
      if (values.length === 1) return `must be ${typeof values[0] === 'string' ? echo(values[0]) : String(values[0])}${input !== undefined ? ` (got ${describeInput(input)})` : ''}`;
      const guess = typeof input === 'string' ? nearest(input, values.filter((v): v is string => typeof v === 'string')) : null;
      return `must be one of: ${listWords(values)}${guess ? `; did you mean "${guess}"?` : input !== undefined ? ` (got ${describeInput(input)})` : ''}`;
    }
    case 'invalid_format':
      switch (issue.format) {
        case 'url':
          return `must be a full address like https://example.com/health (got ${describeInput(input)})`;
        case 'regex':
          return `has the wrong form (got ${describeInput(input)})`;
        default:
          return `must be a valid ${issue.format} (got ${describeInput(input)})`;
      }
    case 'not_multiple_of':
      return `must be a multiple of ${String(issue.divisor)}`;
    case 'invalid_union':
      return `does not match any allowed form (got ${describeInput(input)})`;
    case 'invalid_key':
      return 'has a key that is not allowed';
    case 'invalid_element':
      return 'has an entry that is not allowed';
    case 'custom':
      return issue.message ?? 'is not valid';
    default:
      return 'is not valid';
  }
}
