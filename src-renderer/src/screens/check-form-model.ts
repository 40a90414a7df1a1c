// The check form's model: flat text fields ↔ the check object of the config document, and issue
// paths ("url", "expect.status.0") ↔ the form field they belong to. Pure functions.
import type { CheckConfig } from '../../../src-main/core/config/schema';
import type { FieldIssue } from '../../../src-main/core/api/errors';

export interface CheckFormState {
  name: string;
  kind: string;
  enabled: boolean;
  interval: string;
  timeout: string;
  retries: string;
  // http
  url: string;
  method: string;
  status: string;
  keyword: string;
  keywordAbsent: string;
  maxLatency: string;
  followRedirects: boolean;
  ignoreTls: boolean;
  maxBodySize: string;
  // tcp
  host: string;
  port: string;
}

export type FormField = keyof CheckFormState;

/** Where each form field lives in the check object. */
export const FIELD_PATHS: Record<FormField, string> = {
  name: 'name',
  kind: 'kind',
  enabled: 'enabled',
  interval: 'interval',
  timeout: 'timeout',
  retries: 'retries',
  url: 'url',
  method: 'method',
  status: 'expect.status',
  keyword: 'expect.keyword',
  keywordAbsent: 'expect.keywordAbsent',
  maxLatency: 'expect.maxLatency',
  followRedirects: 'followRedirects',
  ignoreTls: 'ignoreTls',
  maxBodySize: 'maxBodySize',
  host: 'host',
  port: 'port',
};

type AnyCheck = Record<string, unknown> & { expect?: Record<string, unknown> };

function str(value: unknown): string {
  return value === undefined || value === null ? '' : String(value);
}

export function formFromCheck(check: CheckConfig | undefined, defaultKind: string): CheckFormState {
  const c = (check ?? {}) as AnyCheck;
  const expect = (c.expect ?? {}) as Record<string, unknown>;
  return {
    name: str(c.name),
    kind: str(c.kind) || defaultKind,
    enabled: c.enabled !== false,
    interval: str(c.interval),
    timeout: str(c.timeout),
    retries: str(c.retries),
    url: str(c.url),
    method: str(c.method) || 'GET',
    status: Array.isArray(expect.status) ? expect.status.map(String).join(', ') : '',
    keyword: str(expect.keyword),
    keywordAbsent: str(expect.keywordAbsent),
    maxLatency: str(expect.maxLatency),
    followRedirects: c.followRedirects !== false,
    ignoreTls: c.ignoreTls === true,
    maxBodySize: str(c.maxBodySize),
    host: str(c.host),
    port: str(c.port),
  };
}

/** A number when the text is one, else the text itself (so the schema names the problem). */
function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  const n = Number(trimmed);
  return trimmed !== '' && Number.isFinite(n) ? n : trimmed;
}

const KIND_KEYS: Record<string, string[]> = {
  http: ['url', 'method', 'headers', 'body', 'followRedirects', 'maxRedirects', 'ignoreTls', 'maxBodySize', 'auth'],
  tcp: ['host', 'port'],
};
const HTTP_EXPECT_KEYS = ['status', 'keyword', 'keywordAbsent', 'maxLatency'];
const TCP_EXPECT_KEYS = ['maxLatency'];

/**
 * Builds the check object from the form. Fields the form does not show (headers, weight, ...)
 * are kept from `original`, so editing never drops what the user wrote in the file; empty
 * optional fields are left out, so defaults stay defaults.
 */
export function checkFromForm(form: CheckFormState, original?: CheckConfig): Record<string, unknown> {
  const orig = (original ?? {}) as AnyCheck;
  const sameKind = orig.kind === form.kind;
  const out: AnyCheck = {};
  // Keep unknown-to-the-form fields: common ones always, kind-specific ones only for the same kind.
  const managed = new Set(['name', 'kind', 'enabled', 'interval', 'timeout', 'retries', 'expect', ...Object.values(KIND_KEYS).flat()]);
  for (const [key, value] of Object.entries(orig)) {
    if (!managed.has(key)) out[key] = value;
    else if (sameKind && (KIND_KEYS[form.kind] ?? []).includes(key)) out[key] = value;
  }
  out.name = form.name.trim();
  out.kind = form.kind;
  if (!form.enabled || orig.enabled !== undefined) out.enabled = form.enabled;
  if (form.interval.trim()) out.interval = form.interval.trim();
  if (form.timeout.trim()) out.timeout = form.timeout.trim();
  if (form.retries.trim()) out.retries = numberOrText(form.retries);

  const expect: Record<string, unknown> = sameKind ? { ...(orig.expect ?? {}) } : {};
  if (form.kind === 'http') {
    for (const key of HTTP_EXPECT_KEYS) delete expect[key];
    out.url = form.url.trim();
    if (form.method && (form.method !== 'GET' || (sameKind && orig.method !== undefined))) out.method = form.method;
    else delete out.method;
    const statuses = form.status
      .split(/[,\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
    if (statuses.length) expect.status = statuses;
    if (form.keyword) expect.keyword = form.keyword;
    if (form.keywordAbsent) expect.keywordAbsent = form.keywordAbsent;
    if (form.maxLatency.trim()) expect.maxLatency = form.maxLatency.trim();
    if (!form.followRedirects || (sameKind && orig.followRedirects !== undefined)) out.followRedirects = form.followRedirects;
    else delete out.followRedirects;
    if (form.ignoreTls || (sameKind && orig.ignoreTls !== undefined)) out.ignoreTls = form.ignoreTls;
    else delete out.ignoreTls;
    if (form.maxBodySize.trim()) out.maxBodySize = numberOrText(form.maxBodySize);
    else delete out.maxBodySize;
  } else if (form.kind === 'tcp') {
    for (const key of TCP_EXPECT_KEYS) delete expect[key];
    out.host = form.host.trim();
    out.port = form.port.trim() === '' ? undefined : numberOrText(form.port);
    if (out.port === undefined) delete out.port;
    if (form.maxLatency.trim()) expect.maxLatency = form.maxLatency.trim();
  }
  if (Object.keys(expect).length) out.expect = expect;
  // Keep the document readable: name and kind first, then the user's own key order, then new keys.
  const ordered: Record<string, unknown> = {};
  for (const key of ['name', 'kind', ...Object.keys(orig), ...Object.keys(out)]) {
    if (key in out && !(key in ordered)) ordered[key] = out[key];
  }
  return ordered;
}

/** Sorts issues to the field their path names; the rest are general (shown above the form). */
export function issuesByField(issues: FieldIssue[]): { fields: Partial<Record<FormField, string[]>>; general: FieldIssue[] } {
  const fields: Partial<Record<FormField, string[]>> = {};
  const general: FieldIssue[] = [];
  const entries = Object.entries(FIELD_PATHS) as Array<[FormField, string]>;
  for (const issue of issues) {
    const match = entries.find(([, path]) => issue.path === path || issue.path.startsWith(`${path}.`));
    if (match) (fields[match[0]] ??= []).push(issue.message);
    else general.push(issue);
  }
  return { fields, general };
}
