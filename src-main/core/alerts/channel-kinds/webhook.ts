// The webhook channel: one HTTP request per notice. The URL comes from the keychain (`urlRef`: chat
// hooks embed their token in the path), extra headers may take their value from a secret
// ({ secretRef }). Formats: `json` (the LAYA-compatible payload plus Kaavan's alert id, event and
// severity; schema in docs/webhook-payload.md) and `slack` (Block Kit with a plain `text` fallback,
// which Mattermost and Rocket.Chat hooks show). Every request carries `Idempotency-Key`: a receiver
// that honours it never acts twice on one notice, even when Kaavan re-sends after a crash.
// Errors name the status and host only ("HTTP 404 from hooks.example.com"), never the URL's path.
// Reference: docs/channels.md.
import { z } from 'zod';
import type { AlertNotice, DeliveryContext, DeliveryReceipt, NoticeKind } from '../channel.js';
import { ConfiguredChannel, defineChannelKind, redact, requireSecret, secretRefField, type ChannelBase, type ChannelDeps } from './types.js';
import { eventLabel, noticeFacts, RESULTS_SHOWN, resultLine } from './notice-text.js';

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Set by the channel itself; a configured value would be overwritten or break the request. */
const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'idempotency-key', 'host', 'transfer-encoding', 'connection']);
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'x-api-key', 'x-auth-token']);

const headerValue = z.union([z.string(), z.strictObject({ secretRef: secretRefField })], { error: 'header values must be text or { secretRef: NAME }' });

export const webhookParamsShape = {
  /** Name of the secret holding the URL (`kaavan secret set chat-hook`). */
  urlRef: secretRefField,
  method: z.enum(['POST', 'PUT', 'PATCH'], { error: 'must be POST, PUT or PATCH' }).optional(),
  format: z.enum(['json', 'slack'], { error: 'must be json or slack' }).optional(),
  headers: z.record(z.string(), headerValue).optional(),
};

type WebhookParams = z.infer<z.ZodObject<typeof webhookParamsShape>>;
export type WebhookChannelConfig = ChannelBase & WebhookParams;

// ---------------------------------------------------------------------------------------------
// Payloads (pure)

export type LayaStatus = 'failure' | 'recovery' | 'acknowledged';

function layaStatus(kind: NoticeKind): LayaStatus {
  if (kind === 'recovered' || kind === 'resolved') return 'recovery';
  if (kind === 'acknowledged') return 'acknowledged';
  return 'failure';
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The `json` payload: LAYA's fields first (same names and meaning), then Kaavan's. */
export function jsonPayload(notice: AlertNotice) {
  const a = notice.alert;
  const s = notice.statistics;
  return {
    service: `${a.target} / ${a.check}`,
    status: layaStatus(notice.kind),
    url: notice.url ?? null,
    message: notice.body,
    timestamp: new Date(notice.at).toISOString(),
    statistics: {
      total_checks: s?.totalChecks ?? null,
      total_failures: s?.totalFailures ?? null,
      consecutive_failures: s?.consecutiveFailures ?? (layaStatus(notice.kind) === 'failure' ? a.count : 0),
      uptime_percentage: s ? round2(s.uptimePercentage) : null,
      avg_response_time_ms: s?.avgResponseTimeMs == null ? null : Math.round(s.avgResponseTimeMs),
    },
    kaavan: {
      alert_id: a.id,
      event: notice.kind,
      severity: a.severity,
      target: a.target,
      check: a.check,
      title: notice.title,
      opened_at: new Date(a.openedAt).toISOString(),
      resolved_at: a.resolvedAt === null ? null : new Date(a.resolvedAt).toISOString(),
      downtime_ms: notice.downtimeMs ?? (a.resolvedAt === null ? null : a.resolvedAt - a.openedAt),
      escalation_step: notice.escalation?.step ?? null,
    },
  };
}

const EMOJI: Record<NoticeKind, string> = { opened: ':red_circle:', reminder: ':red_circle:', recovered: ':large_green_circle:', acknowledged: ':eyes:', resolved: ':white_check_mark:' };
const mrkdwnEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The `slack` payload: Block Kit, with `text` as the notification and non-Block-Kit fallback. */
export function slackPayload(notice: AlertNotice) {
  const facts = noticeFacts(notice).filter(([label]) => label !== 'Message');
  const results = (notice.recentResults ?? []).slice(0, RESULTS_SHOWN);
  const blocks: unknown[] = [
    { type: 'header', text: { type: 'plain_text', text: `${notice.title}`.slice(0, 150), emoji: true } },
    { type: 'section', text: { type: 'mrkdwn', text: `${EMOJI[notice.kind]} *${eventLabel(notice)}* — ${mrkdwnEscape(notice.body)}`.slice(0, 3000) } },
    { type: 'section', fields: facts.slice(0, 10).map(([label, value]) => ({ type: 'mrkdwn', text: `*${label}*\n${mrkdwnEscape(value)}`.slice(0, 2000) })) },
  ];
  if (results.length > 0)
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: `*Last results*\n\`\`\`${results.map(resultLine).join('\n')}\`\`\``.slice(0, 3000) } });
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `Kaavan · alert #${notice.alert.id} · ${notice.kind}` }] });
  return { text: `${notice.title}: ${notice.body}`, blocks };
}

// ---------------------------------------------------------------------------------------------
// Delivery

function networkReason(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } })?.cause;
  const code = cause?.code ?? (err as { code?: string })?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'the connection was reset';
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'the connection timed out';
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return `its TLS certificate is not trusted (${code})`;
  return cause?.message ?? (err instanceof Error ? err.message : String(err));
}

export class WebhookChannel extends ConfiguredChannel {
  constructor(
    private readonly config: WebhookChannelConfig,
    private readonly deps: ChannelDeps,
  ) {
    super(config);
  }

  async deliver(notice: AlertNotice, ctx: DeliveryContext): Promise<DeliveryReceipt> {
    const c = this.config;
    const rawUrl = await requireSecret(this.deps.secrets, c.urlRef, c.name, 'urlRef');
    const secrets = [rawUrl];
    let url: URL;
    try {
      url = new URL(rawUrl);
    } catch {
      throw new Error(`channel "${c.name}": the secret "${c.urlRef}" is not a URL; store the full https://… address`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new Error(`channel "${c.name}": the secret "${c.urlRef}" must be an http:// or https:// URL (it is ${url.protocol}…)`);
    // The path and query often carry the token: only the host is ever named.
    const host = url.host;
    secrets.push(url.pathname, url.search, url.username, url.password);

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(c.headers ?? {})) {
      if (typeof value === 'string') headers[name] = value;
      else {
        const v = await requireSecret(this.deps.secrets, value.secretRef, c.name, `headers.${name}`);
        headers[name] = v;
        secrets.push(v);
      }
    }
    headers['content-type'] = 'application/json; charset=utf-8';
    headers['idempotency-key'] = ctx.idempotencyKey;
    headers['user-agent'] = 'Kaavan';
    const body = JSON.stringify(c.format === 'slack' ? slackPayload(notice) : jsonPayload(notice));

    let response: Response;
    try {
      response = await fetch(url, { method: c.method ?? 'POST', headers, body, signal: ctx.signal, redirect: 'manual' });
    } catch (err) {
      // No `cause`: the fetch error can quote the full URL, token included.
      // eslint-disable-next-line preserve-caught-error
      if (ctx.signal.aborted) throw new Error(`no answer from ${host} in time`);
      // eslint-disable-next-line preserve-caught-error
      throw new Error(redact(`cannot reach ${host}: ${networkReason(err)}`, secrets.filter((s) => s.length > 1)));
    }
    const text = (await response.text().catch(() => '')).replace(/\s+/g, ' ').trim();
    const snippet = text.length > 200 ? `${text.slice(0, 200)}…` : text;
    const answer = redact(`HTTP ${response.status} from ${host}${snippet ? `: ${snippet}` : ''}`, secrets.filter((s) => s.length > 1));
    if (response.status >= 300 && response.status < 400)
      throw new Error(`${answer} (a redirect; Kaavan does not follow redirects for webhooks: store the final URL)`);
    if (!response.ok) throw new Error(answer);
    return { answer };
  }
}

export const webhookChannel = defineChannelKind({
  kind: 'webhook',
  title: 'Webhook (JSON or Slack-compatible chat)',
  paramsShape: webhookParamsShape,
  crossFieldIssues(p) {
    const issues = [];
    for (const [name, value] of Object.entries(p.headers ?? {})) {
      if (!HEADER_NAME.test(name)) issues.push({ path: ['headers', name], message: `"${name}" is not a valid header name` });
      else if (RESERVED_HEADERS.has(name.toLowerCase())) issues.push({ path: ['headers', name], message: `"${name}" is set by Kaavan itself; remove it` });
      if (typeof value === 'string' && /[\r\n\0]/.test(value)) issues.push({ path: ['headers', name], message: 'header values must not contain line breaks' });
      if (typeof value === 'string' && CREDENTIAL_HEADERS.has(name.toLowerCase()))
        issues.push({ path: ['headers', name], message: `a credential must not be written in the configuration: use ${name}: { secretRef: NAME }` });
    }
    return issues;
  },
  describe(p) {
    return `${p.format === 'slack' ? 'Slack-compatible chat hook' : 'JSON webhook'} (URL in secret "${p.urlRef}")`;
  },
  secretRefs(p) {
    const refs = [p.urlRef];
    for (const v of Object.values(p.headers ?? {})) if (typeof v !== 'string') refs.push(v.secretRef);
    return refs;
  },
  create(config, deps) {
    return new WebhookChannel(config, deps);
  },
});
