// The dns check: resolves `host` (a DNS name) for one record `type`, from this computer, through the system's
// resolvers or a given `server`, and is up when it answers (and, with `expect`, when every expected
// value is among the answers). Down on NXDOMAIN, no records of that type, a refusal, a timeout, or
// a missing expected value (naming what came back instead). Reference: docs/host-checks.md.
import { Resolver } from 'node:dns/promises';
import net from 'node:net';
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import type { ProbeOutcome } from '../../model.js';
import { formatMs, roundLatency, startDeadline } from '../probe-support.js';

const RECORD_TYPES = ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'PTR', 'CAA', 'SOA'] as const;

/** "1.1.1.1", "127.0.0.1:5353", "[::1]:53", "::1". */
function parseServer(value: string): { host: string; port: number } | null {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (bracketed) return net.isIP(bracketed[1]!) ? { host: bracketed[1]!, port: Number(bracketed[2] ?? 53) } : null;
  if (net.isIP(value)) return { host: value, port: 53 };
  const withPort = /^([\d.]+):(\d+)$/.exec(value);
  if (withPort && net.isIPv4(withPort[1]!)) return { host: withPort[1]!, port: Number(withPort[2]) };
  return null;
}

export const dnsParamsShape = {
  /** The DNS name to resolve (the issue's `name`: that key is the check's own name in the config). */
  host: z.string().trim().min(1, 'must not be empty').max(253, 'must be at most 253 characters'),
  type: z.enum(RECORD_TYPES, { error: `must be one of: ${RECORD_TYPES.join(', ')}` }).optional(),
  /** The DNS server to ask (an IP address, optionally with :port); default: the system's. */
  server: z
    .string()
    .trim()
    .refine((v) => {
      const parsed = parseServer(v);
      return parsed !== null && parsed.port >= 1 && parsed.port <= 65535;
    }, 'must be an IP address, optionally with a port: "1.1.1.1", "127.0.0.1:5353", "[::1]:53"')
    .optional(),
  /** Values that must all be among the answers ("10.0.0.5", "mail.example.com" for MX, TXT text). */
  expect: z.array(z.string().min(1).max(1000)).max(50).optional(),
};

type DnsParams = z.infer<z.ZodObject<typeof dnsParamsShape>>;

/** The answers as comparable strings: MX as "exchange" (priority in the display), TXT joined. */
function answerValues(type: string, answers: unknown[]): { values: string[]; shown: string[] } {
  switch (type) {
    case 'MX': {
      const mx = answers as Array<{ exchange: string; priority: number }>;
      return { values: mx.map((r) => r.exchange.toLowerCase()), shown: mx.map((r) => `${r.priority} ${r.exchange}`) };
    }
    case 'TXT': {
      const txt = (answers as string[][]).map((chunks) => chunks.join(''));
      return { values: txt, shown: txt };
    }
    case 'SRV': {
      const srv = answers as Array<{ name: string; port: number; priority: number; weight: number }>;
      return { values: srv.map((r) => `${r.name.toLowerCase()}:${r.port}`), shown: srv.map((r) => `${r.priority} ${r.weight} ${r.name}:${r.port}`) };
    }
    case 'CAA': {
      const caa = answers as Array<Record<string, unknown>>;
      const text = caa.map((r) => Object.entries(r).filter(([k]) => k !== 'critical').map(([k, v]) => `${k} ${String(v)}`).join(' '));
      return { values: text, shown: text };
    }
    case 'SOA': {
      const soa = answers[0] as { nsname: string; serial: number } | undefined;
      const text = soa ? [`${soa.nsname} ${soa.serial}`] : [];
      return { values: text, shown: text };
    }
    default: {
      const plain = (answers as string[]).map((v) => String(v).toLowerCase());
      return { values: plain, shown: plain };
    }
  }
}

const DNS_ERRORS: Record<string, string> = {
  ENOTFOUND: 'does not exist (NXDOMAIN)',
  ENODATA: 'has no record of that type',
  ESERVFAIL: 'could not be answered: the server failed (SERVFAIL)',
  EREFUSED: 'was refused by the server (REFUSED)',
  ETIMEOUT: 'got no answer in time',
  ECONNREFUSED: 'could not be asked: the server refused the connection',
  EBADRESP: 'got a malformed answer',
  ECANCELLED: 'was cancelled',
};

export async function probeDns(params: DnsParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const type = params.type ?? 'A';
  const server = params.server !== undefined ? parseServer(params.server)! : null;
  const via = server ? ` via ${server.host.includes(':') ? `[${server.host}]` : server.host}:${server.port}` : '';
  const deadline = startDeadline(ctx);
  const resolver = new Resolver({ timeout: Math.max(100, Math.min(ctx.timeoutMs, 5000)), tries: 2 });
  if (server) resolver.setServers([server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`]);
  const onAbort = () => resolver.cancel();
  deadline.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const answers = (await resolver.resolve(params.host, type)) as unknown[];
    const latencyMs = roundLatency(deadline.elapsed());
    const { values, shown } = answerValues(type, Array.isArray(answers) ? answers : [answers]);
    const metrics = { answers: values.length };
    const list = shown.length > 5 ? `${shown.slice(0, 5).join(', ')} and ${shown.length - 5} more` : shown.join(', ');
    const missing = (params.expect ?? []).filter((want) => !values.includes(type === 'TXT' ? want : want.toLowerCase().replace(/\.$/, '')));
    if (missing.length > 0)
      return { status: 'down', latencyMs, message: `${params.host} ${type}${via} answered ${list || 'nothing'}, without ${missing.join(', ')}`, metrics };
    return { status: 'up', latencyMs, message: `${params.host} ${type}${via}: ${list} in ${formatMs(latencyMs)}`, metrics };
  } catch (error) {
    if (deadline.signal.aborted) return { status: 'down', latencyMs: null, message: deadline.abortMessage(`resolving ${params.host} ${type}${via}`) };
    const code = (error as NodeJS.ErrnoException).code ?? '';
    const text = DNS_ERRORS[code] ?? `failed (${code || (error as Error).message})`;
    return { status: 'down', latencyMs: null, message: `${params.host} ${type}${via} ${text}` };
  } finally {
    deadline.signal.removeEventListener('abort', onAbort);
    deadline.dispose();
  }
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const dnsForm: KindForm = {
    fields: [
      { path: 'host', label: 'Name', type: 'text', required: true, mono: true, placeholder: 'example.com', help: 'The DNS name to resolve.' },
      { path: 'type', label: 'Record type', type: 'select', options: ['A', 'AAAA', 'CNAME', 'MX', 'TXT', 'NS', 'SRV', 'PTR', 'CAA', 'SOA'], default: 'A' },
      { path: 'server', label: 'DNS server', type: 'text', mono: true, placeholder: 'system resolver', help: 'An IP address, optionally with a port: 1.1.1.1, 127.0.0.1:5353.' },
      { path: 'expect', label: 'Expected values', type: 'list', section: 'Expectations', mono: true, placeholder: '10.0.0.5', help: 'Values that must all be among the answers, one per line.' },
    ],
  };

export const dnsCheck = defineCheckKind({
  kind: 'dns',
  title: 'DNS record',
  paramsShape: dnsParamsShape,
  form: dnsForm,
  describe: (p) => `${p.host} ${p.type ?? 'A'}${p.server ? ` via ${p.server}` : ''}`,
  probe: (params, ctx) => probeDns(params, ctx),
});
