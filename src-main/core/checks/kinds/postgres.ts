// The postgres check: connects from this computer to a PostgreSQL server, runs `SELECT 1` (its
// round trip is the latency), checks that `tables` exist, and compares the connections in use with
// max_connections (degraded at `warnUsage`, down at `criticalUsage` percent). A wrong password, a
// missing database and a stopped server each get their own message. Reference: docs/host-checks.md.
import pg from 'pg';
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import type { ProbeOutcome } from '../../model.js';
import { describeNetError, describeObserverFault, formatMs, observerFaultCode, roundLatency, startDeadline, untilAborted } from '../probe-support.js';
import { levelFor, percentField, percentValue } from '../../hosts/host-probe.js';
import { hostField } from './tcp.js';

const identifier = z
  .string()
  .trim()
  .min(1)
  .max(127)
  .regex(/^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$/, 'must be a table name, optionally with its schema ("orders", "billing.invoices")');

export const postgresParamsShape = {
  host: hostField,
  port: z.number({ error: 'must be a port number (1-65535)' }).int('must be a whole number').min(1, 'must be at least 1').max(65535, 'must be at most 65535').optional(),
  database: z.string().trim().min(1).max(63).optional(),
  user: z.string().trim().min(1).max(63),
  passwordRef: z.string().trim().min(1).max(128).optional(),
  /** Tables that must exist ("orders", "billing.invoices"; without a schema: public). */
  tables: z.array(identifier).max(100).optional(),
  /** TLS to the server: "disable" (default), "require" (encrypted, any certificate) or "verify" (trusted and matching). */
  tls: z.enum(['disable', 'require', 'verify'], { error: 'must be one of: disable, require, verify' }).optional(),
  warnUsage: percentField.optional(),
  criticalUsage: percentField.optional(),
};

type PostgresParams = z.infer<z.ZodObject<typeof postgresParamsShape>>;

const PG_ERRORS: Record<string, (p: PostgresParams, where: string) => string> = {
  '28P01': (p, where) => `authentication failed for ${p.user}@${where}${p.passwordRef ? ` (password ${p.passwordRef})` : ' (no passwordRef set)'}`,
  '28000': (p, where) => `${where} does not allow ${p.user} to connect (pg_hba.conf has no entry for this client or user)`,
  '3D000': (p, where) => `database "${p.database ?? 'postgres'}" does not exist on ${where}`,
  '57P03': (_p, where) => `${where} is starting up or shutting down and does not accept connections yet`,
  '53300': (_p, where) => `${where} has no free connection slots (too many clients already)`,
};

export async function probePostgres(params: PostgresParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const host = params.host.replace(/^\[|\]$/g, '');
  const port = params.port ?? 5432;
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const warn = percentValue(params.warnUsage ?? 80);
  const critical = percentValue(params.criticalUsage ?? 95);
  const deadline = startDeadline(ctx);
  let client: pg.Client | undefined;
  let phase = `connecting to ${where}`;
  try {
    let password: string | undefined;
    if (params.passwordRef !== undefined) {
      const value = await untilAborted(ctx.secrets.get(params.passwordRef), deadline.signal);
      if (value === null) return { status: 'down', latencyMs: null, message: `the secret "${params.passwordRef}" (passwordRef) is not set; store it with \`kaavan secret set ${params.passwordRef}\`` };
      password = value;
    }
    client = new pg.Client({
      host,
      port,
      user: params.user,
      database: params.database ?? 'postgres',
      ...(password !== undefined ? { password } : {}),
      connectionTimeoutMillis: Math.max(100, ctx.timeoutMs),
      ...(params.tls === 'require' ? { ssl: { rejectUnauthorized: false } } : params.tls === 'verify' ? { ssl: { rejectUnauthorized: true } } : {}),
      application_name: 'kaavan',
    });
    client.on('error', () => undefined); // a server going away after the probe must not crash the engine
    const c = client;
    deadline.signal.addEventListener('abort', () => void c.end().catch(() => undefined), { once: true });
    await untilAborted(client.connect(), deadline.signal);
    phase = `running SELECT 1 on ${where}`;
    const started = performance.now();
    await untilAborted(client.query('SELECT 1'), deadline.signal);
    const latencyMs = roundLatency(performance.now() - started);

    phase = `reading connection usage on ${where}`;
    const usage = await untilAborted(
      client.query<{ used: string; max: string }>("SELECT (SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend') AS used, current_setting('max_connections') AS max"),
      deadline.signal,
    );
    const used = Number(usage.rows[0]?.used ?? 0);
    const max = Number(usage.rows[0]?.max ?? 0);
    const usagePct = max > 0 ? Math.round((used / max) * 1000) / 10 : 0;

    let missing: string[] = [];
    if (params.tables?.length) {
      phase = `looking up tables on ${where}`;
      const wanted = params.tables.map((t) => (t.includes('.') ? t : `public.${t}`));
      const found = await untilAborted(
        client.query<{ name: string }>("SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema || '.' || table_name = ANY($1)", [wanted]),
        deadline.signal,
      );
      const present = new Set(found.rows.map((r) => r.name));
      missing = params.tables.filter((t, i) => !present.has(wanted[i]!));
    }
    const metrics = { queryMs: latencyMs, connections: used, maxConnections: max, connectionUsagePercent: usagePct };
    const usageText = `${used} of ${max} connections in use (${usagePct}%)`;
    if (missing.length) return { status: 'down', latencyMs, message: `missing table${missing.length === 1 ? '' : 's'} ${missing.join(', ')} in ${params.database ?? 'postgres'} on ${where}`, metrics };
    const level = levelFor(usagePct, warn, critical);
    const note = level === 'down' ? ` (critical at ${critical}%)` : level === 'degraded' ? ` (warning at ${warn}%)` : '';
    return { status: level, latencyMs, message: `SELECT 1 in ${formatMs(latencyMs)}; ${usageText}${note}`, metrics };
  } catch (error) {
    if (deadline.signal.aborted) return { status: 'down', latencyMs: null, message: deadline.abortMessage(phase) };
    const code = (error as { code?: string }).code;
    if (code && PG_ERRORS[code]) return { status: 'down', latencyMs: null, message: PG_ERRORS[code](params, where) };
    const fault = observerFaultCode(error);
    if (fault) return { status: 'down', latencyMs: null, message: describeObserverFault(fault, { host, port }), observerFault: fault };
    if (code && /^[0-9A-Z]{5}$/.test(code)) return { status: 'down', latencyMs: null, message: `${where}: ${(error as Error).message} (SQLSTATE ${code})` };
    if (/timeout/i.test((error as Error).message ?? '')) return { status: 'down', latencyMs: null, message: `${where} did not answer within ${formatMs(ctx.timeoutMs)} (${phase})` };
    return { status: 'down', latencyMs: null, message: describeNetError(error, { host, port }) };
  } finally {
    deadline.dispose();
    await client?.end().catch(() => undefined);
  }
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const postgresForm: KindForm = {
    fields: [
      { path: 'host', label: 'Host', type: 'text', required: true, mono: true, placeholder: 'db.example.com' },
      { path: 'port', label: 'Port', type: 'number', placeholder: '5432', default: 5432 },
      { path: 'database', label: 'Database', type: 'text', placeholder: 'postgres', default: 'postgres' },
      { path: 'user', label: 'User', type: 'text', required: true, placeholder: 'monitor' },
      { path: 'passwordRef', label: 'Password secret', type: 'secret', help: 'The name of the secret holding the password.' },
      { path: 'tls', label: 'TLS', type: 'select', options: ['disable', 'require', 'verify'], default: 'disable', help: 'require: encrypted, any certificate; verify: trusted and matching.' },
      { path: 'tables', label: 'Tables that must exist', type: 'list', section: 'Expectations', mono: true, placeholder: 'orders\nbilling.invoices', help: 'One per line; without a schema: public.' },
      { path: 'warnUsage', label: 'Connections warn at', type: 'number', section: 'Expectations', placeholder: '80', default: 80, help: 'Percent of max_connections in use.' },
      { path: 'criticalUsage', label: 'Connections critical at', type: 'number', section: 'Expectations', placeholder: '95', default: 95 },
    ],
  };

export const postgresCheck = defineCheckKind({
  kind: 'postgres',
  title: 'PostgreSQL',
  paramsShape: postgresParamsShape,
  form: postgresForm,
  describe: (p) => `postgres ${p.user}@${p.host}:${p.port ?? 5432}/${p.database ?? 'postgres'}`,
  probe: (params, ctx) => probePostgres(params, ctx),
});
