// Every validation and syntax message in words a person uses: what is wrong, where, and what to
// write instead; never zod's or the parser's raw text, never a whole pasted value.
import { describe, expect, it } from 'vitest';
import { parseConfigText, validateCheck, validateConfig } from '../../../src-main/core/config/validate.js';
import type { FieldIssue } from '../../../src-main/core/api/errors.js';

function issues(raw: unknown): FieldIssue[] {
  const r = validateConfig(raw);
  return r.ok ? [] : r.issues;
}
const target = (checks: unknown[], extra: object = {}) => ({ version: 1, targets: [{ name: 'web1', checks, ...extra }] });
const RAW_ZOD = /Invalid input|expected \w+, received|Unrecognized key|Invalid option|Too (big|small)/;

describe('validation messages', () => {
  it('say what type a field must be, and what it got', () => {
    const found = issues({ version: 1, settings: { concurrency: 'many', notifications: 'yes', reminderEvery: 1.5 }, targets: 'x' });
    expect(found).toEqual([
      { path: 'settings.reminderEvery', message: 'must be a whole number (got 1.5)' },
      { path: 'settings.concurrency', message: 'must be a number (got the text "many")' },
      { path: 'settings.notifications', message: 'must be true or false (got the text "yes")' },
      { path: 'targets', message: 'must be a list (got the text "x")' },
    ]);
  });

  it('give limits in words, durations as durations', () => {
    expect(issues({ version: 1, settings: { jitter: 0.9 } })).toEqual([{ path: 'settings.jitter', message: 'must be at most 0.5 (got 0.9)' }]);
    expect(issues(target([{ name: 'a', kind: 'tcp', host: 'h', port: 1, timeout: '50ms', interval: 5 }]))).toEqual([
      { path: 'targets.0.checks.0.interval', message: 'must be at least 1s (got 5ms)' },
      { path: 'targets.0.checks.0.timeout', message: 'must be at least 100ms (got 50ms)' },
    ]);
    expect(issues(target([{ name: 'a', kind: 'tcp', host: 'h', port: 1, interval: true }]))).toEqual([
      { path: 'targets.0.checks.0.interval', message: 'use a duration like 30s, 500ms, 5m or 1h' },
    ]);
    expect(issues({ version: 1, targets: [{ name: 'a', tags: [''] }] })).toEqual([{ path: 'targets.0.tags.0', message: 'must not be empty' }]);
    expect(issues({ version: 1, targets: [{ name: 'a'.repeat(65) }] })).toEqual([{ path: 'targets.0.name', message: 'must be at most 64 characters' }]);
  });

  it('suggest the nearest field or kind for a typo, and list allowed values', () => {
    expect(issues(target([{ name: 'a', kind: 'tcp', host: 'h', port: 1, intervall: '30s' }]))).toEqual([
      { path: 'targets.0.checks.0.intervall', message: 'unknown field "intervall"; did you mean "interval"?' },
    ]);
    expect(issues({ version: 1, setings: {} })).toEqual([{ path: 'setings', message: 'unknown field "setings"; did you mean "settings"?' }]);
    expect(issues({ version: 1, zzz: 1 })).toEqual([{ path: 'zzz', message: 'unknown field "zzz"; allowed here: version, settings, targets, channels, routes, backups, maintenance' }]);
    expect(issues(target([{ name: 'a', kind: 'htp' }]))).toEqual([{ path: 'targets.0.checks.0.kind', message: 'unknown check kind "htp"; did you mean "http"?' }]);
    expect(issues(target([{ name: 'a' }]))).toEqual([{ path: 'targets.0.checks.0.kind', message: 'needs a "kind": one of http, tcp, disk, files, logs, command, system, cron, tls, dns, postgres, backup' }]);
    expect(issues({ version: 2 })).toEqual([{ path: 'version', message: 'must be 1' }]);
    expect(issues({ targets: [] })).toEqual([{ path: 'version', message: 'must be 1' }]);
    const method = issues(target([{ name: 'a', kind: 'http', url: 'http://127.0.0.1/', method: 'FETCH' }]));
    expect(method[0]!.message).toMatch(/^must be one of: GET, HEAD, POST/);
  });

  it('never pass on zod text, for any field of a thoroughly wrong document', () => {
    const found = issues({
      version: '1',
      settings: { concurrency: -1, jitter: 'x', historyRetention: {}, paused: 1, extra: 1, launchAtLogin: null },
      targets: [{ name: 5, tags: 'x', checks: [{ name: 'a', kind: 'http', url: 7, retries: 'x', weight: 1000, category: '', expect: { status: 1, keyword: 3 } }, 'x', null] }, 3],
    });
    expect(found.length).toBeGreaterThan(10);
    for (const issue of found) expect(issue.message).not.toMatch(RAW_ZOD);
  });

  it('truncate echoed input to 60 characters', () => {
    const long = 'y'.repeat(500);
    const [issue] = issues(target([{ name: 'a', kind: 'tcp', host: 'h', port: 1, interval: long }]));
    expect(issue!.message).toBe(`"${'y'.repeat(60)}…" is not a duration; use a duration like 30s, 500ms, 5m or 1h`);
    const [kind] = issues(target([{ name: 'a', kind: 'k'.repeat(300) }]));
    expect(kind!.message).toContain(`"${'k'.repeat(60)}…"`);
    expect(kind!.message).not.toContain('k'.repeat(61));
  });

  it('refuse control and invisible characters in names, naming the character', () => {
    expect(issues({ version: 1, targets: [{ name: 'web\u00071' }] })).toEqual([
      { path: 'targets.0.name', message: 'must not contain control or invisible characters (found U+0007 at position 4)' },
    ]);
    expect(validateCheck({ name: 'a\u202eb', kind: 'tcp', host: 'h', port: 1 }).issues).toEqual([
      { path: 'name', message: 'must not contain control or invisible characters (found U+202E at position 2)' },
    ]);
    expect(issues({ version: 1, targets: [{ name: 'a/b' }] })[0]!.message).toContain('must not contain "/"');
  });

  it('compare target and check names ignoring case', () => {
    expect(issues({ version: 1, targets: [{ name: 'Web1' }, { name: 'web1' }] })).toEqual([
      { path: 'targets.1.name', message: 'duplicate target name "web1" (same as "Web1"; names are compared ignoring case)' },
    ]);
    const checks = [{ name: 'Home', kind: 'tcp', host: 'h', port: 1 }, { name: 'HOME', kind: 'tcp', host: 'h', port: 2 }];
    expect(issues(target(checks))).toEqual([
      { path: 'targets.0.checks.1.name', message: 'duplicate check name "HOME" in target "web1" (same as "Home"; names are compared ignoring case)' },
    ]);
  });

  it('call an empty document empty', () => {
    expect(issues(null)).toEqual([{ path: '(root)', message: 'the configuration is empty; it starts with "version: 1"' }]);
  });
});

describe('YAML and JSON text', () => {
  const parse = (text: string, file = 'k.yaml') => {
    const r = parseConfigText(text, file);
    return r.ok ? { value: r.value } : { issues: r.issues };
  };

  it('names line, column, the line itself and the likely cause of a YAML error', () => {
    expect(parse('version: 1\ntargets:\n\t- name: a\n')).toEqual({
      issues: [{ path: '(syntax)', message: 'invalid YAML at line 3, column 1: Tabs are not allowed as indentation; likely cause: indent with spaces; YAML does not allow tabs there\n    3 | →- name: a' }],
    });
    const colon = parse('version: 1\ntargets:\n  - name: web: 1\n');
    expect(colon.issues?.[0]?.message).toMatch(/^invalid YAML at line 3, column \d+: .*; likely cause: a value that contains ": " needs quotes around it\n {4}3 \| {3}- name: web: 1$/);
    const dup = parse('version: 1\nversion: 1\n');
    expect(dup.issues?.[0]?.message).toMatch(/^invalid YAML at line 2, column 1: .*likely cause: this key appears twice in the same mapping; keep one/);
  });

  it('makes an alias bomb and an alias without anchor errors on their field', () => {
    const bomb = ['version: 1', 'a: &a [1,1,1,1,1,1,1,1,1,1]', 'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]', 'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]', ''].join('\n');
    expect(parse(bomb)).toEqual({ issues: [{ path: 'b.0', message: 'the aliases expand to more than 100 copies (an alias bomb?); write the values out instead' }] });
    expect(parse('version: 1\ntargets:\n  - name: *web\n')).toEqual({ issues: [{ path: 'targets.0.name', message: 'the alias *web refers to no anchor &web above it' }] });
  });

  it('rejects duplicate keys in JSON as YAML does, with line and column for every JSON error', () => {
    expect(parse('{\n  "version": 1,\n  "targets": [{ "name": "a", "name": "b" }]\n}', 'k.json')).toEqual({
      issues: [{ path: 'targets.0.name', message: 'duplicate key "name" at line 3, column 30 (first at line 3); each key may appear once' }],
    });
    expect(parse('{"version": 1,\n "targets": [1,]}', 'k.json').issues?.[0]?.message).toBe(
      'invalid JSON at line 2, column 16: a comma before "]" (JSON allows no trailing comma), found "]"\n    2 |  "targets": [1,]}',
    );
    expect(parse('{"version": 1,', 'k.json').issues?.[0]?.message).toMatch(/^invalid JSON at line 1, column 15: the file ends early/);
    expect(parse('{"version": 1, "targets": []}', 'k.json')).toEqual({ value: { version: 1, targets: [] } });
    expect(parse('\ufeff{"version": 1}', 'k.json')).toEqual({ value: { version: 1 } });
  });

  it('keeps YAML warnings off stderr', () => {
    const written: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    const warn = console.warn;
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    console.warn = (...args: unknown[]) => void written.push(args.join(' '));
    try {
      expect(parse('version: 1\nx: !unknown-tag 3\n')).toEqual({ value: { version: 1, x: '3' } });
    } finally {
      process.stderr.write = original;
      console.warn = warn;
    }
    expect(written).toEqual([]);
  });
});
