// The email channel: one message per notice over SMTP with nodemailer. Implicit TLS (`tls`, port 465),
// STARTTLS (`starttls`, 587; the upgrade is required, never silently skipped) or `none` (25, plain
// text on the wire: only for a relay on the same machine or network). The password comes from the
// keychain (`passwordRef`), is read per delivery and never appears in a message or a log line.
//
// Exactly-once: SMTP has no idempotency. A crash after the server accepted the message and before
// Kaavan recorded it sends it again on restart. The Message-ID is derived from the idempotency key,
// so the repeat is the same message, which many clients and archives fold into one.
// Reference: docs/channels.md.
import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { z } from 'zod';
import type { AlertNotice, DeliveryContext, DeliveryReceipt } from '../channel.js';
import { ConfiguredChannel, defineChannelKind, redact, requireSecret, secretRefField, type ChannelBase, type ChannelDeps } from './types.js';
import { html, plainText } from './notice-text.js';
import { hostField } from '../../checks/kinds/tcp.js';

const ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+$/;
/** "ops@example.com" or "Kaavan <kaavan@example.com>". */
const addressField = z
  .string({ error: 'must be an email address' })
  .trim()
  .max(320, 'must be at most 320 characters')
  .refine((v) => ADDRESS.test(v) || /^[^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>$/.test(v), 'must be an email address like ops@example.com (or "Name <ops@example.com>")');

export const emailParamsShape = {
  host: hostField,
  port: z.number({ error: 'must be a port number (1-65535)' }).int('must be a whole number').min(1, 'must be at least 1').max(65535, 'must be at most 65535').optional(),
  /** tls = implicit TLS (465); starttls = upgrade required (587); none = no encryption (25). Default starttls. */
  security: z.enum(['tls', 'starttls', 'none'], { error: 'must be tls, starttls or none' }).optional(),
  user: z.string().min(1, 'must not be empty').max(320, 'must be at most 320 characters').optional(),
  passwordRef: secretRefField.optional(),
  from: addressField,
  to: z.array(addressField, { error: 'must be a list of addresses, e.g. [ops@example.com]' }).min(1, 'needs at least one address').max(50, 'at most 50 addresses'),
  /** Put before every subject; default "[Kaavan]". An empty string removes it. */
  subjectPrefix: z.string().max(64, 'must be at most 64 characters').optional(),
  /** Extra certificate authorities to trust (PEM), e.g. a company CA or a self-signed server certificate. */
  ca: z.string().includes('-----BEGIN CERTIFICATE-----', { error: 'must be PEM text starting with -----BEGIN CERTIFICATE-----' }).optional(),
  /** false accepts any certificate (encrypted but not authenticated); default true. Prefer `ca`. */
  tlsRejectUnauthorized: z.boolean().optional(),
};

type EmailParams = z.infer<z.ZodObject<typeof emailParamsShape>>;
export type EmailChannelConfig = ChannelBase & EmailParams;

type NodemailerModule = typeof import('nodemailer');
let nodemailerModule: Promise<NodemailerModule['default']> | null = null;

/** Loaded on first send: the config schema (which imports this file) stays cheap for the CLI and the renderer's type imports. */
function loadNodemailer(): Promise<NodemailerModule['default']> {
  return (nodemailerModule ??= import('nodemailer').then((m) => m.default));
}

const DEFAULT_PORT = { tls: 465, starttls: 587, none: 25 } as const;

function portOf(p: EmailParams): number {
  return p.port ?? DEFAULT_PORT[p.security ?? 'starttls'];
}

/** The domain for Message-IDs: the sender's, so the id is plausibly unique and ours. */
function senderDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return m ? m[1]!.toLowerCase() : 'kaavan.invalid';
}

/** Same key → same Message-ID: a re-send after a crash is the same message to clients that de-duplicate. */
export function messageIdFor(idempotencyKey: string, from: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}.kaavan@${senderDomain(from)}>`;
}

/** Every notice of one alert refers to the same (virtual) root, so clients thread them together. */
function threadIdFor(notice: AlertNotice, from: string): string {
  return `<alert-${notice.alert.id}-${notice.alert.openedAt}.kaavan@${senderDomain(from)}>`;
}

interface MailError {
  code?: string;
  response?: string;
  responseCode?: number;
  message?: string;
  cause?: unknown;
  command?: string;
}

/** Turns a nodemailer error into one sentence naming the server and quoting its exact answer. */
export function describeMailError(err: unknown, where: string, user: string | undefined, secrets: string[]): string {
  const e = (err ?? {}) as MailError;
  const answer = typeof e.response === 'string' ? e.response.trim() : '';
  const raw = err instanceof Error ? err.message : String(err);
  let text: string;
  if (e.code === 'EAUTH') text = `SMTP server ${where} refused the login${user ? ` for ${user}` : ''}: ${answer || raw}`;
  else if (e.code === 'ENOAUTH') text = `SMTP server ${where} needs a login: set user and passwordRef`;
  else if (e.code === 'EENVELOPE') text = `SMTP server ${where} refused the sender or a recipient: ${answer || raw}`;
  else if (e.code === 'EMESSAGE') text = `SMTP server ${where} refused the message: ${answer || raw}`;
  else if (e.code === 'EABORT') text = `sending to ${where} was cancelled (timeout or shutdown); the server may or may not have accepted it`;
  else if (/ECONNREFUSED/.test(raw)) text = `cannot connect to SMTP server ${where}: connection refused (is the server running and the port right?)`;
  else if (/ENOTFOUND|EAI_AGAIN/.test(raw)) text = `cannot resolve SMTP server host in ${where}`;
  else if (e.code === 'ETIMEDOUT' || /timeout/i.test(raw)) text = `SMTP server ${where} did not answer in time${answer ? `: ${answer}` : ''}`;
  else if (/self[- ]signed|unable to verify|certificate|altnames/i.test(raw))
    text = `TLS with SMTP server ${where} failed: ${raw} (trust the server's certificate with \`ca:\`, or check the host name)`;
  else if (e.code === 'ETLS' && e.command === 'STARTTLS')
    text = `SMTP server ${where} refused STARTTLS: ${answer || raw} (it offers no encryption on this port: use security: tls with its TLS port, or security: none only on a trusted network)`;
  else if (e.code === 'ETLS' || /STARTTLS/i.test(raw)) text = `TLS with SMTP server ${where} failed: ${answer || raw}`;
  else if (/wrong version number|packet length too long/i.test(raw))
    text = `TLS with SMTP server ${where} failed: the server does not speak implicit TLS on this port (use security: starttls, or port 465)`;
  else text = `SMTP server ${where}: ${answer || raw}`;
  return redact(text, secrets);
}

export class EmailChannel extends ConfiguredChannel {
  constructor(
    private readonly config: EmailChannelConfig,
    private readonly deps: ChannelDeps,
  ) {
    super(config);
  }

  async deliver(notice: AlertNotice, ctx: DeliveryContext): Promise<DeliveryReceipt> {
    const c = this.config;
    const security = c.security ?? 'starttls';
    const where = `${c.host}:${portOf(c)}`;
    const password = c.passwordRef ? await requireSecret(this.deps.secrets, c.passwordRef, c.name, 'passwordRef') : undefined;
    const secrets = password ? [password] : [];
    const transport = (await loadNodemailer()).createTransport({
      host: c.host,
      port: portOf(c),
      secure: security === 'tls',
      requireTLS: security === 'starttls',
      ignoreTLS: security === 'none',
      auth: c.user ? { user: c.user, pass: password ?? '' } : undefined,
      // SNI takes a host name only (RFC 6066); for an IP address the certificate is checked against the IP.
      tls: { ca: c.ca, rejectUnauthorized: c.tlsRejectUnauthorized ?? true, servername: isIP(c.host) ? undefined : c.host },
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 30_000,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    const prefix = c.subjectPrefix ?? '[Kaavan]';
    try {
      const info = await transport.sendMail({
        from: c.from,
        to: c.to,
        subject: prefix ? `${prefix} ${notice.title}` : notice.title,
        text: plainText(notice),
        html: html(notice),
        messageId: messageIdFor(ctx.idempotencyKey, c.from),
        inReplyTo: notice.kind === 'opened' && !notice.escalation ? undefined : threadIdFor(notice, c.from),
        references: [threadIdFor(notice, c.from)],
        headers: { 'X-Kaavan-Alert': String(notice.alert.id), 'X-Kaavan-Event': notice.kind, 'Auto-Submitted': 'auto-generated' },
        signal: ctx.signal,
      });
      return { answer: redact(String(info.response ?? 'accepted'), secrets) };
    } catch (err) {
      // No `cause`: the library's error carries the SMTP dialogue (AUTH lines included), and a
      // cause is what loggers print in full.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(describeMailError(err, where, c.user, secrets));
    } finally {
      transport.close();
    }
  }
}

export const emailChannel = defineChannelKind({
  kind: 'email',
  title: 'Email (SMTP)',
  paramsShape: emailParamsShape,
  crossFieldIssues(p) {
    const issues = [];
    if (p.passwordRef !== undefined && p.user === undefined)
      issues.push({ path: ['user'], message: 'a login needs the user name beside passwordRef' });
    if (p.user !== undefined && p.passwordRef === undefined)
      issues.push({ path: ['passwordRef'], message: 'a login needs passwordRef: the name of the secret holding the password (`kaavan secret set NAME`)' });
    return issues;
  },
  describe(p) {
    return `${p.to.join(', ')} via ${p.host}:${portOf(p)} (${p.security ?? 'starttls'})`;
  },
  secretRefs(p) {
    return p.passwordRef ? [p.passwordRef] : [];
  },
  create(config, deps) {
    return new EmailChannel(config, deps);
  },
});
