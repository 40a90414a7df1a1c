// Reading YAML config text as a Document (kept by FileConfigStore so a save can edit it in place).
// Syntax errors name line, column, the line's text and the likely cause; alias bombs and aliases
// without an anchor are errors on the field that holds them; warnings are never printed.
import { isAlias, isMap, isScalar, isSeq, parseDocument, type Document, type YAMLError } from 'yaml';
import { formatPath, type FieldIssue } from '../api/errors.js';
import { lineText } from './json-text.js';

/** More alias expansions than this is an attack (a "billion laughs" document), not a config. */
export const MAX_ALIAS_COUNT = 100;

const LIKELY_CAUSE: Record<string, string> = {
  TAB_AS_INDENT: 'indent with spaces; YAML does not allow tabs there',
  BAD_INDENT: 'line this up with the lines above it (same number of spaces for items of one list or mapping)',
  MISSING_CHAR: 'a closing quote or bracket is missing',
  DUPLICATE_KEY: 'this key appears twice in the same mapping; keep one',
  BLOCK_AS_IMPLICIT_KEY: 'a value that contains ": " needs quotes around it',
  MULTILINE_IMPLICIT_KEY: 'a key runs over several lines; a quote or ":" may be missing on the line above',
  UNEXPECTED_TOKEN: 'a value starting with a special character (such as @, `, %, |, >, ! or &) needs quotes',
  BAD_DQ_ESCAPE: 'in double quotes a backslash starts an escape; use single quotes, or write \\\\',
  BAD_SCALAR_START: 'a value starting with a special character needs quotes',
  BAD_ALIAS: 'an alias (*name) must refer to an anchor (&name) and stand alone',
  ALIAS_PROPS: 'an alias (*name) cannot carry an anchor or a tag',
  KEY_OVER_1024_CHARS: 'a key is too long (at most 1024 characters)',
  MULTIPLE_DOCS: 'a config file holds one document; remove the "---" line',
  MULTIPLE_ANCHORS: 'a value has two anchors (&a &b); keep one',
  MULTIPLE_TAGS: 'a value has two tags; keep one',
  TAG_RESOLVE_FAILED: 'an unknown tag (!something); remove it',
  IMPOSSIBLE: 'the file may be truncated or not text',
};

function syntaxIssue(error: YAMLError, text: string): FieldIssue {
  const pos = error.linePos?.[0];
  // yaml's message repeats the position and a code excerpt after the first line: keep the words.
  const what = error.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
  const cause = LIKELY_CAUSE[error.code];
  const hint =
    error.code === 'BAD_INDENT' && /Flow (sequence|mapping)/.test(what) ? 'a "[" or "{" is not closed' : cause;
  if (!pos) return { path: '(syntax)', message: `invalid YAML: ${what}${hint ? `; likely cause: ${hint}` : ''}` };
  return {
    path: '(syntax)',
    message: `invalid YAML at line ${pos.line}, column ${pos.col}: ${what}${hint ? `; likely cause: ${hint}` : ''}\n    ${pos.line} | ${lineText(text, pos.line)}`,
  };
}

type Walk = (node: unknown, path: PropertyKey[]) => void;

/** Visits nodes in document order with their config paths (keys and list indexes). */
function walk(node: unknown, path: PropertyKey[], visit: Walk): void {
  visit(node, path);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      walk(pair.value, [...path, key], visit);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => walk(item, [...path, index], visit));
  }
}

function aliasIssues(doc: Document, error: Error): FieldIssue[] {
  const anchors = new Set<string>();
  const unresolved: FieldIssue[] = [];
  let firstAlias: PropertyKey[] | null = null;
  walk(doc.contents, [], (node, path) => {
    const anchor = (node as { anchor?: string } | null)?.anchor;
    if (anchor) anchors.add(anchor);
    if (isAlias(node)) {
      firstAlias ??= path;
      if (!anchors.has(node.source))
        unresolved.push({ path: formatPath(path), message: `the alias *${node.source} refers to no anchor &${node.source} above it` });
    }
  });
  if (unresolved.length) return unresolved;
  if (/alias count/i.test(error.message))
    return [{
      path: firstAlias ? formatPath(firstAlias) : '(root)',
      message: `the aliases expand to more than ${MAX_ALIAS_COUNT} copies (an alias bomb?); write the values out instead`,
    }];
  return [{ path: firstAlias ? formatPath(firstAlias) : '(root)', message: `cannot resolve the YAML aliases: ${error.message}` }];
}

export type ParsedYaml = { ok: true; value: unknown; doc: Document } | { ok: false; issues: FieldIssue[] };

export function parseYamlText(text: string): ParsedYaml {
  // logLevel silent: yaml would print warnings (unknown tags…) to stderr; they are not ours to print.
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'silent' });
  if (doc.errors.length) return { ok: false, issues: doc.errors.slice(0, 5).map((e) => syntaxIssue(e, text)) };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown, doc };
  } catch (error) {
    if (error instanceof ReferenceError) return { ok: false, issues: aliasIssues(doc, error) };
    throw error;
  }
}
