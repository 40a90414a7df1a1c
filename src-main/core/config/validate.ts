// Validation of configuration documents and of single checks, with field-precise issues in words a
// person uses (messages.ts), and the reading of YAML/JSON text (yaml-text.ts, json-text.ts).
import { configSchema, checkSchema, CONFIG_VERSION, type CheckConfig, type KaavanConfig } from './schema.js';
import { formatPath, KaavanError, type FieldIssue } from '../api/errors.js';
import { humanIssueMessage } from './messages.js';
import { parseJsonText } from './json-text.js';
import { parseYamlText } from './yaml-text.js';
import type { z } from 'zod';

export type Validated<T> = { ok: true; value: T; issues: [] } | { ok: false; issues: FieldIssue[] };

function toIssues(error: z.ZodError, prefix: PropertyKey[] = []): FieldIssue[] {
  return error.issues.map((issue) => {
    // One unknown key: the issue belongs on that key, not on the object holding it.
    const path = issue.code === 'unrecognized_keys' && issue.keys.length === 1 ? [...issue.path, issue.keys[0]!] : issue.path;
    return { path: formatPath([...prefix, ...path]), message: issue.message };
  });
}

/** Per-parse options: a person's words for every issue a schema does not word itself. */
const PARSE_OPTIONS = { error: humanIssueMessage, reportInput: false } as const;

export function validateConfig(raw: unknown): Validated<KaavanConfig> {
  if (raw === null || raw === undefined)
    return { ok: false, issues: [{ path: '(root)', message: `the configuration is empty; it starts with "version: ${CONFIG_VERSION}"` }] };
  const parsed = configSchema.safeParse(raw, PARSE_OPTIONS);
  return parsed.success ? { ok: true, value: parsed.data, issues: [] } : { ok: false, issues: toIssues(parsed.error) };
}

export function validateCheck(raw: unknown): Validated<CheckConfig> {
  const parsed = checkSchema.safeParse(raw, PARSE_OPTIONS);
  return parsed.success ? { ok: true, value: parsed.data, issues: [] } : { ok: false, issues: toIssues(parsed.error) };
}

/** Throws invalid_input listing every issue ("where: field: message"). */
export function assertValidConfig(raw: unknown, where: string): KaavanConfig {
  const result = validateConfig(raw);
  if (result.ok) return result.value;
  throw invalidConfigError(where, result.issues);
}

export function invalidConfigError(where: string, issues: FieldIssue[]): KaavanError {
  const lines = issues.map((i) => `  ${i.path}: ${i.message}`).join('\n');
  return new KaavanError('invalid_input', `${where}: ${issues.length} problem${issues.length === 1 ? '' : 's'}\n${lines}`, issues);
}

/** Parses YAML or JSON text; syntax errors become issues naming line, column and the line's text. */
export function parseConfigText(text: string, fileName: string): { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] } {
  if (isJsonFile(fileName)) return parseJsonText(text);
  // YAML 1.2 is a superset of JSON, so .yaml/.yml/other files may hold either.
  const parsed = parseYamlText(text);
  return parsed.ok ? { ok: true, value: parsed.value } : parsed;
}

export function isJsonFile(fileName: string): boolean {
  return fileName.toLowerCase().endsWith('.json');
}

export function emptyConfig(): KaavanConfig {
  return { version: CONFIG_VERSION, targets: [] };
}
