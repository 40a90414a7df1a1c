// The tls check: connects to host:port from this computer, completes a TLS handshake and judges the
// server's certificate: days until it expires (degraded at `warnDays`, down at `criticalDays` and
// when expired or not yet valid), whether the chain is trusted (the system's CAs, or a `ca` file)
// and whether it is valid for the name asked (`servername`, default `host`). Reference:
// docs/host-checks.md.
import { readFile } from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import type { ProbeOutcome } from '../../model.js';
import { failedNetworkOutcome, formatMs, roundLatency, startDeadline } from '../probe-support.js';
import { hostField } from './tcp.js';

export const tlsParamsShape = {
  host: hostField,
  port: z.number({ error: 'must be a port number (1-65535)' }).int('must be a whole number').min(1, 'must be at least 1').max(65535, 'must be at most 65535').optional(),
  /** The name the certificate must be valid for (SNI too); default: host. */
  servername: hostField.optional(),
  warnDays: z.number({ error: 'must be a number of days' }).min(0).max(3650).optional(),
  criticalDays: z.number({ error: 'must be a number of days' }).min(0).max(3650).optional(),
  /** A PEM file on this computer with extra trusted CA certificates (a private CA). */
  ca: z.string().min(1).max(4096).optional(),
};

type TlsParams = z.infer<z.ZodObject<typeof tlsParamsShape>>;

const DAY = 86_400_000;

const CHAIN_ERRORS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer not known here (a private CA? set ca)',
  UNABLE_TO_GET_ISSUER_CERT: 'issuer certificate not found',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'cannot verify the first certificate (intermediate certificate missing?)',
  CERT_HAS_EXPIRED: 'a certificate in the chain has expired',
  CERT_SIGNATURE_FAILURE: 'a signature in the chain is wrong',
  CERT_UNTRUSTED: 'certificate not trusted',
  CERT_REVOKED: 'certificate revoked',
};

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function daysText(days: number): string {
  const whole = Math.floor(days);
  return whole === 1 ? '1 day' : `${whole} days`;
}

function issuerOf(cert: tls.PeerCertificate): string {
  const issuer = cert.issuer as unknown as Record<string, string | string[]> | undefined;
  const value = issuer?.O ?? issuer?.CN;
  return Array.isArray(value) ? value[0]! : (value ?? 'an unknown issuer');
}

export async function probeTls(params: TlsParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const host = params.host.replace(/^\[|\]$/g, '');
  const port = params.port ?? 443;
  const servername = params.servername ?? (net.isIP(host) ? undefined : host);
  const nameToCheck = params.servername ?? host;
  const warnDays = params.warnDays ?? 14;
  const criticalDays = params.criticalDays ?? 7;
  const deadline = startDeadline(ctx);
  let socket: tls.TLSSocket | undefined;
  try {
    let ca: string | undefined;
    if (params.ca !== undefined) {
      try {
        ca = await readFile(params.ca, 'utf8');
      } catch (error) {
        return { status: 'down', latencyMs: null, message: `cannot read the CA file ${params.ca}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
      }
    }
    const secure = await new Promise<{ cert: tls.PeerCertificate; authorized: boolean; authError: string | null; latencyMs: number }>((resolve, reject) => {
      const s = tls.connect({
        host,
        port,
        ...(servername ? { servername } : {}),
        rejectUnauthorized: false,
        ...(ca !== undefined ? { ca: [...tls.rootCertificates, ca] } : {}),
      });
      socket = s;
      const onAbort = () => s.destroy(new Error('aborted'));
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      s.once('secureConnect', () => {
        deadline.signal.removeEventListener('abort', onAbort);
        const code = s.authorizationError ? String((s.authorizationError as unknown as Error).message ?? s.authorizationError) : null;
        const authError = code ? (CHAIN_ERRORS[code] ? `${CHAIN_ERRORS[code]} (${code})` : code) : null;
        resolve({ cert: s.getPeerCertificate(false), authorized: s.authorized, authError, latencyMs: deadline.elapsed() });
      });
      s.once('error', (error) => {
        deadline.signal.removeEventListener('abort', onAbort);
        reject(error);
      });
    });
    const latencyMs = roundLatency(secure.latencyMs);
    const { cert } = secure;
    if (!cert || !cert.valid_to) return { status: 'down', latencyMs, message: `${host}:${port} sent no certificate` };
    const now = ctx.now();
    const notAfter = Date.parse(cert.valid_to);
    const notBefore = Date.parse(cert.valid_from);
    const daysLeft = (notAfter - now) / DAY;
    const metrics = { daysLeft: Math.floor(daysLeft * 10) / 10 };
    const issuer = issuerOf(cert);
    if (now > notAfter) return { status: 'down', latencyMs, message: `the certificate of ${nameToCheck} expired on ${isoDay(notAfter)} (${daysText(-daysLeft)} ago)`, metrics };
    if (now < notBefore) return { status: 'down', latencyMs, message: `the certificate of ${nameToCheck} is not valid before ${isoDay(notBefore)}`, metrics };
    const identity = tls.checkServerIdentity(nameToCheck, cert);
    if (identity) return { status: 'down', latencyMs, message: `the certificate is not valid for ${nameToCheck}: ${identity.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}`, metrics };
    // An expired chain is reported above by date; other chain problems are named here.
    if (!secure.authorized) return { status: 'down', latencyMs, message: `the certificate chain of ${nameToCheck} is not trusted: ${secure.authError ?? 'unknown reason'} (issued by ${issuer})`, metrics };
    const summary = `certificate for ${nameToCheck} valid until ${isoDay(notAfter)} (${daysText(daysLeft)} left), issued by ${issuer}`;
    if (daysLeft <= criticalDays) return { status: 'down', latencyMs, message: `${summary}; renew it: critical at ${criticalDays} days`, metrics };
    if (daysLeft <= warnDays) return { status: 'degraded', latencyMs, message: `${summary}; warning at ${warnDays} days`, metrics };
    return { status: 'up', latencyMs, message: `${summary} (handshake ${formatMs(latencyMs)})`, metrics };
  } catch (error) {
    return failedNetworkOutcome(error, deadline, { host, port }, `TLS handshake with ${host}:${port}`);
  } finally {
    deadline.dispose();
    socket?.destroy();
  }
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const tlsForm: KindForm = {
    fields: [
      { path: 'host', label: 'Host', type: 'text', required: true, mono: true, placeholder: 'example.com' },
      { path: 'port', label: 'Port', type: 'number', placeholder: '443', default: 443 },
      { path: 'servername', label: 'Certificate name', type: 'text', mono: true, placeholder: 'same as host', help: 'The name the certificate must be valid for (and SNI).' },
      { path: 'warnDays', label: 'Warn days before expiry', type: 'number', section: 'Expiry', placeholder: '14', default: 14 },
      { path: 'criticalDays', label: 'Critical days before expiry', type: 'number', section: 'Expiry', placeholder: '7', default: 7 },
      { path: 'ca', label: 'Extra CA file', type: 'text', section: 'Expiry', mono: true, placeholder: '/etc/ssl/private-ca.pem', help: 'A PEM file on this computer with a private CA to trust.' },
    ],
  };

export const tlsCheck = defineCheckKind({
  kind: 'tls',
  title: 'TLS certificate',
  paramsShape: tlsParamsShape,
  form: tlsForm,
  crossFieldIssues: (p) =>
    (p.criticalDays ?? 7) > (p.warnDays ?? 14) ? [{ path: ['criticalDays'], message: `must not be above warnDays (${p.warnDays ?? 14})` }] : [],
  describe: (p) => `TLS ${p.servername ?? p.host}:${p.port ?? 443}`,
  probe: (params, ctx) => probeTls(params, ctx),
});
