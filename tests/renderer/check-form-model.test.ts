// The check form is built from each kind's own form description. Every registered kind must
// describe every field its config has, and a complete, valid check must survive the trip through
// the form unchanged (what the user sees is what gets saved), judged by the real config schema.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkKinds } from '../../src-main/core/checks/registry';
import { kindInfo, type CheckKindInfo } from '../../src-main/core/checks/form';
import { checkSchema, commonCheckShape, type CheckConfig } from '../../src-main/core/config/schema';
import { validateCheck } from '../../src-main/core/config/validate';
import { KEPT_OPTION, checkFromForm, fieldsFor, formFromCheck, issuesByField, withKind, type MapRow, type RecordRow } from '../../src-renderer/src/screens/check-form-model';

const kinds: CheckKindInfo[] = checkKinds.map((k) => kindInfo(k));

/** A check of each kind with every field it has set to a non-default value. */
const FULL: Record<string, Record<string, unknown>> = {
  http: {
    name: 'api',
    kind: 'http',
    url: 'https://api.example.com/health',
    method: 'POST',
    headers: { 'X-Trace': 'kaavan', 'X-Api-Key': { secretRef: 'api-key' } },
    auth: { user: 'ops', passwordRef: 'api-password' },
    body: '{"ping": true}\n',
    followRedirects: false,
    maxRedirects: 2,
    ignoreTls: true,
    maxBodySize: '2MB',
    expect: { status: ['200-299', '301'], keyword: 'ok', keywordAbsent: 'error', maxLatency: '800ms' },
    warnDays: 30,
    criticalDays: 10,
  },
  tcp: { name: 'db-port', kind: 'tcp', host: 'db.example.com', port: 5432, expect: { maxLatency: '200ms' } },
  disk: { name: 'root', kind: 'disk', path: '/var', warn: '75%', critical: 85, inodes: false, forecastWarn: '7d' },
  files: { name: 'etc', kind: 'files', paths: ['/etc/nginx', '/etc/ssh/sshd_config'], exclude: ['*.bak', '/etc/nginx/cache'], maxFiles: 5000 },
  logs: {
    name: 'errors',
    kind: 'logs',
    path: '/var/log/app.log',
    patterns: ['ERROR', { regex: 'FATAL|panic', severity: 'critical' }],
    ignore: ['healthcheck'],
    window: '10m',
    threshold: 3,
    maxReadBytes: 65536,
  },
  command: { name: 'nginx-active', kind: 'command', command: 'systemctl is-active nginx', expectExit: 0, expectOutput: '^active$' },
  system: { name: 'system', kind: 'system', cpu: { warn: 80, critical: 95 }, memory: { warn: '85%', critical: 97 }, swap: { warn: 40, critical: 70 }, load: { warn: 1.5, critical: 3 } },
  cron: { name: 'nightly', kind: 'cron', schedule: '0 3 * * *', timezone: 'Europe/Helsinki', grace: '15m', log: '/var/log/backup.log', pattern: 'backup finished' },
  tls: { name: 'cert', kind: 'tls', host: 'example.com', port: 8443, servername: 'www.example.com', warnDays: 21, criticalDays: 5, ca: '/etc/ssl/ca.pem' },
  dns: { name: 'mx', kind: 'dns', host: 'example.com', type: 'MX', server: '127.0.0.1:5353', expect: ['mail.example.com'] },
  postgres: {
    name: 'db',
    kind: 'postgres',
    host: '127.0.0.1',
    port: 5433,
    database: 'app',
    user: 'monitor',
    passwordRef: 'pg-monitor',
    tables: ['orders', 'billing.invoices'],
    tls: 'require',
    warnUsage: 70,
    criticalUsage: '90%',
  },
  backup: { name: 'offsite', kind: 'backup', job: 'nightly' },
};

const COMMON = {
  interval: '30s',
  timeout: '5s',
  retries: 2,
  enabled: false,
  weight: 3,
  category: 'availability',
  reminderEvery: '30m',
  severity: 'critical',
  alertOnDegraded: true,
  anomaly: false,
  dependsOn: ['db1', 'db1/postgres'],
  heal: {
    command: 'systemctl restart nginx',
    label: 'restart nginx',
    maxAttempts: 2,
    cooldown: '10m',
    timeout: '30s',
    verifyAfter: '5s',
    breaker: { failures: 4, window: '2h', openFor: '45m' },
    enabled: false,
  },
};

/** Dotted paths of every field a zod shape accepts, descending into plain objects. */
function shapePaths(shape: Record<string, z.ZodType>, prefix = ''): string[] {
  const out: string[] = [];
  for (const [key, schema] of Object.entries(shape)) {
    let inner: z.ZodType = schema;
    while (inner instanceof z.ZodOptional || inner instanceof z.ZodNullable) inner = inner.unwrap() as z.ZodType;
    const path = `${prefix}${key}`;
    if (inner instanceof z.ZodObject) {
      const nested = shapePaths(inner.shape as Record<string, z.ZodType>, `${path}.`);
      out.push(...(nested.length ? nested : [path]));
    } else out.push(path);
  }
  return out;
}

describe('kind form descriptions', () => {
  it('a sample exists for every registered kind', () => {
    expect(Object.keys(FULL).sort()).toEqual(checkKinds.map((k) => k.kind).sort());
  });

  for (const kind of checkKinds) {
    it(`${kind.kind}: every config field has a form field`, () => {
      const formPaths = new Set(fieldsFor(kinds, kind.kind).map((f) => f.path));
      const configPaths = [...shapePaths(kind.paramsShape as Record<string, z.ZodType>), ...shapePaths(commonCheckShape as Record<string, z.ZodType>)];
      const missing = configPaths.filter((p) => !formPaths.has(p));
      expect(missing, `add these to the ${kind.kind} kind's form`).toEqual([]);
    });
  }
});

describe('check form model', () => {
  for (const kind of checkKinds) {
    it(`${kind.kind}: a complete valid check round-trips through the form unchanged`, () => {
      const check = { ...FULL[kind.kind]!, ...COMMON };
      expect(validateCheck(check).issues).toEqual([]);
      const form = formFromCheck(check as CheckConfig, kinds, 'http');
      // As a new check (no original to keep fields from): the form alone carries everything.
      const fromForm = checkFromForm(form, kinds);
      expect(fromForm).toEqual(check);
      expect(checkSchema.safeParse(fromForm).success).toBe(true);
    });

    it(`${kind.kind}: a minimal check stays minimal (defaults are not written)`, () => {
      const full = FULL[kind.kind]!;
      const minimal = Object.fromEntries(Object.entries(full).filter(([key]) => ['name', 'kind'].includes(key) || !checkSchema.safeParse({ ...omit(full, key) }).success));
      const form = formFromCheck(minimal as CheckConfig, kinds, 'http');
      expect(checkFromForm(form, kinds, minimal as CheckConfig)).toEqual(minimal);
    });
  }

  it('keeps fields the form does not show, in the user’s key order', () => {
    const original = { name: 'home', kind: 'http', futureField: { a: 1 }, url: 'https://example.com/' } as unknown as CheckConfig;
    const form = formFromCheck(original, kinds, 'http');
    form.values.url = 'https://example.org/';
    const out = checkFromForm(form, kinds, original);
    expect(out).toEqual({ name: 'home', kind: 'http', futureField: { a: 1 }, url: 'https://example.org/' });
    expect(Object.keys(out)).toEqual(['name', 'kind', 'futureField', 'url']);
  });

  it('anomaly: on / off / default, and thresholds written by hand kept unless another choice is made', () => {
    const base = { name: 'home', kind: 'http', url: 'https://example.com/' };
    const on = formFromCheck({ ...base, anomaly: true } as CheckConfig, kinds, 'http');
    expect(on.values.anomaly).toBe('on');
    expect(checkFromForm(on, kinds).anomaly).toBe(true);
    on.values.anomaly = '';
    expect('anomaly' in checkFromForm(on, kinds, { ...base, anomaly: true } as CheckConfig)).toBe(false);

    const thresholds = { z: 6, minSamples: 50, minDelta: '40ms' };
    const original = { ...base, anomaly: thresholds } as CheckConfig;
    const form = formFromCheck(original, kinds, 'http');
    expect(form.values.anomaly).toBe(KEPT_OPTION);
    form.values.url = 'https://example.org/';
    const kept = checkFromForm(form, kinds, original);
    expect(kept).toEqual({ ...base, url: 'https://example.org/', anomaly: thresholds });
    expect(validateCheck(kept).issues).toEqual([]);
    form.values.anomaly = 'off';
    expect(checkFromForm(form, kinds, original).anomaly).toBe(false);
  });

  it('self-healing by webhook round-trips; an empty heal section writes no heal block', () => {
    const check = { name: 'app', kind: 'tcp', host: '127.0.0.1', port: 8080, heal: { webhook: { urlRef: 'heal-hook', method: 'PUT' }, label: 'redeploy' } };
    expect(validateCheck(check).issues).toEqual([]);
    expect(checkFromForm(formFromCheck(check as CheckConfig, kinds, 'tcp'), kinds)).toEqual(check);
    const blank = formFromCheck(undefined, kinds, 'tcp');
    blank.values.name = 'p';
    blank.values.host = 'h';
    blank.values.port = '1';
    expect(checkFromForm(blank, kinds)).toEqual({ name: 'p', kind: 'tcp', host: 'h', port: 1 });
  });

  it('headers: a plain value and a secret reference, edited in the table', () => {
    const form = formFromCheck(undefined, kinds, 'http');
    form.values.name = 'api';
    form.values.url = 'https://example.com/';
    const rows: MapRow[] = [
      { name: 'Accept', value: 'application/json', secret: false },
      { name: 'Authorization', value: 'api-token', secret: true },
      { name: '', value: '', secret: false },
    ];
    form.values.headers = rows;
    const out = checkFromForm(form, kinds);
    expect(out.headers).toEqual({ Accept: 'application/json', Authorization: { secretRef: 'api-token' } });
    expect(validateCheck(out).issues).toEqual([]);
    // A credential typed in clear is refused by the schema, next to the headers table.
    form.values.headers = [{ name: 'Authorization', value: 'Bearer abc', secret: false }];
    const issues = validateCheck(checkFromForm(form, kinds)).issues;
    expect(issues.length).toBeGreaterThan(0);
    const sorted = issuesByField(issues, fieldsFor(kinds, 'http'));
    expect(sorted.fields.headers?.[0]).toMatch(/secretRef/);
  });

  it('log patterns: a row with only a regex is written as a plain pattern', () => {
    const form = formFromCheck(undefined, kinds, 'logs');
    form.values.name = 'errs';
    form.values.path = '/var/log/x.log';
    form.values.patterns = [{ regex: 'ERROR' }, { regex: 'OOM', severity: 'critical' }, { regex: '  ' }] as RecordRow[];
    expect(checkFromForm(form, kinds).patterns).toEqual(['ERROR', { regex: 'OOM', severity: 'critical' }]);
  });

  it('switching the kind drops the previous kind’s fields and keeps the common ones', () => {
    const original = { name: 'x', kind: 'http', url: 'https://example.com/', interval: '10s', method: 'POST' } as CheckConfig;
    const form = withKind(formFromCheck(original, kinds, 'http'), kinds, 'tcp');
    form.values.host = 'example.com';
    form.values.port = '443';
    expect(checkFromForm(form, kinds, original)).toEqual({ name: 'x', kind: 'tcp', interval: '10s', host: 'example.com', port: 443 });
  });

  it('issues go to the field their path names; group issues to the group’s first field', () => {
    const fields = fieldsFor(kinds, 'http');
    const sorted = issuesByField(
      [
        { path: 'expect.status.1', message: 'bad status' },
        { path: 'auth', message: 'give user + passwordRef' },
        { path: '(root)', message: 'something' },
      ],
      fields,
    );
    expect(sorted.fields['expect.status']).toEqual(['bad status']);
    expect(sorted.fields['auth.user']).toEqual(['give user + passwordRef']);
    expect(sorted.general).toEqual([{ path: '(root)', message: 'something' }]);
  });

  it('a number typed wrong is sent as text, so the schema names the problem', () => {
    const form = formFromCheck({ name: 'p', kind: 'tcp', host: 'h', port: 1 } as CheckConfig, kinds, 'tcp');
    form.values.port = 'eighty';
    const issues = validateCheck(checkFromForm(form, kinds)).issues;
    expect(issuesByField(issues, fieldsFor(kinds, 'tcp')).fields.port?.[0]).toMatch(/port number/);
  });
});

function omit(object: Record<string, unknown>, key: string): Record<string, unknown> {
  const copy = { ...object };
  delete copy[key];
  return copy;
}
