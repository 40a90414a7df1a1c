import { describe, expect, it } from 'vitest';
import { validateConfig, validateCheck, parseConfigText } from '../../../src-main/core/config/validate.js';

const ok = {
  version: 1,
  targets: [
    {
      name: 'web1',
      tags: ['prod'],
      checks: [
        { name: 'homepage', kind: 'http', url: 'https://web1.example.com/health', interval: '30s', timeout: '5s', retries: 2, expect: { status: ['200-299'], keyword: 'ok', maxLatency: '800ms' } },
        { name: 'postgres-port', kind: 'tcp', host: 'web1.example.com', port: 5432 },
      ],
    },
  ],
};

function pathsOf(raw: unknown) {
  const r = validateConfig(raw);
  return r.ok ? [] : r.issues.map((i) => i.path);
}

describe('config schema', () => {
  it('accepts the documented example', () => {
    const r = validateConfig(ok);
    expect(r.issues).toEqual([]);
    expect(r.ok).toBe(true);
  });

  it('names the field of each error', () => {
    const bad = structuredClone(ok) as any;
    bad.targets[0].checks[0].interval = 'soon';
    bad.targets[0].checks[1].port = 70000;
    const r = validateConfig(bad);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues).toContainEqual({ path: 'targets.0.checks.0.interval', message: expect.stringContaining('"soon" is not a duration') });
    expect(r.issues.map((i) => i.path)).toContain('targets.0.checks.1.port');
  });

  it('rejects a wrong version, unknown keys and an unknown kind', () => {
    expect(pathsOf({ ...ok, version: 2 })).toContain('version');
    expect(pathsOf({ ...ok, tragets: [] })).toEqual(['tragets']);
    const r = validateConfig({ version: 1, targets: [{ name: 'a', checks: [{ name: 'x', kind: 'ftp' }] }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe('targets.0.checks.0.kind');
      expect(r.issues[0]!.message).toBe('unknown check kind "ftp"; expected one of: http, tcp, disk, files, logs, command, system, cron, tls, dns, postgres, backup');
    }
  });

  it('reports typos inside a check with their path', () => {
    const r = validateConfig({ version: 1, targets: [{ name: 'a', checks: [{ name: 'x', kind: 'tcp', host: 'h', port: 1, intervall: '5s' }] }] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues[0]!.path).toBe('targets.0.checks.0.intervall');
      expect(r.issues[0]!.message).toBe('unknown field "intervall"; did you mean "interval"?');
    }
  });

  it('rejects duplicate target and check names at the duplicate', () => {
    expect(pathsOf({ version: 1, targets: [{ name: 'a' }, { name: 'a' }] })).toEqual(['targets.1.name']);
    const dupChecks = { version: 1, targets: [{ name: 'a', checks: [{ name: 'c', kind: 'tcp', host: 'h', port: 1 }, { name: 'c', kind: 'tcp', host: 'h', port: 2 }] }] };
    expect(pathsOf(dupChecks)).toEqual(['targets.0.checks.1.name']);
  });

  it('bounds intervals and timeouts', () => {
    const r = validateCheck({ name: 'x', kind: 'tcp', host: 'h', port: 1, interval: '10ms', timeout: '2h' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path).sort()).toEqual(['interval', 'timeout']);
  });

  it('validates a single check with paths relative to it', () => {
    const r = validateCheck({ name: '', kind: 'http', url: 'not a url' });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues.map((i) => i.path).sort()).toEqual(['name', 'url']);
  });

  it('reports YAML syntax errors with line and column', () => {
    const r = parseConfigText('version: 1\ntargets:\n  - name: a\n   bad: [\n', 'k.yaml');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/invalid YAML at line \d+, column \d+/);
    const j = parseConfigText('{"version": 1,', 'k.json');
    expect(j.ok).toBe(false);
    if (!j.ok) expect(j.issues[0]!.message).toContain('invalid JSON');
  });
});
