// Validation of configuration documents and of single checks, with field-precise issues.
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { configSchema, checkSchema, CONFIG_VERSION, type CheckConfig, type KaavanConfig } from './schema.js';
import { formatPath, KaavanError, type FieldIssue } from '../api/errors.js';
import type { z } from 'zod';

export type Validated<T> = { ok: true; value: T; issues: [] } | { ok: false; issues: FieldIssue[] };

function toIssues(error: z.ZodError, prefix: PropertyKey[] = []): FieldIssue[] {
  return error.issues.map((issue) => ({ path: formatPath([...prefix, ...issue.path]), message: issue.message }));
}

export function validateConfig(raw: unknown): Validated<KaavanConfig> {
  const parsed = configSchema.safeParse(raw);
  return parsed.success ? { ok: true, value: parsed.data, issues: [] } : { ok: false, issues: toIssues(parsed.error) };
}

export function validateCheck(raw: unknown): Validated<CheckConfig> {
  const parsed = checkSchema.safeParse(raw);
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

/** Parses YAML or JSON text; syntax errors become issues naming line and column. */
export function parseConfigText(text: string, fileName: string): { ok: true; value: unknown } | { ok: false; issues: FieldIssue[] } {
  if (fileName.toLowerCase().endsWith('.json')) {
    try {
      return { ok: true, value: JSON.parse(text) as unknown };
    } catch (error) {
      return { ok: false, issues: [{ path: '(syntax)', message: `invalid JSON: ${(error as Error).message}` }] };
    }
  }
  try {
    // YAML 1.2 is a superset of JSON, so .yaml/.yml/other files may hold either.
    return { ok: true, value: parseYaml(text, { prettyErrors: true, uniqueKeys: true }) as unknown };
  } catch (error) {
    if (error instanceof YAMLParseError) {
      const pos = error.linePos?.[0];
      const at = pos ? `line ${pos.line}, column ${pos.col}` : 'unknown position';
      return { ok: false, issues: [{ path: '(syntax)', message: `invalid YAML at ${at}: ${error.message.split('\n')[0]}` }] };
    }
    throw error;
  }
}

export function emptyConfig(): KaavanConfig {
  return { version: CONFIG_VERSION, targets: [] };
}
