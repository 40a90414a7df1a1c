// The tcp check: opens a TCP connection to host:port and closes it again. Up when the connection is
// accepted ("connected in 3 ms"), degraded when that took longer than expect.maxLatency, down when
// the port is closed, the host does not resolve or the deadline passes.
//
// A port that completes the handshake and then resets at once (a service at its connection limit,
// tcpwrappers, a proxy without backends) is UP, with the reset named in the message: the check
// answers "does this port accept connections?", and it did. Without this rule such a port flapped:
// whether Node saw the connect or the reset first depended on scheduling. (A refused connect is
// ECONNREFUSED; ECONNRESET while connecting only happens after the handshake completed.) Whether
// the service behind the port works is what an http check, or a future protocol check, answers.
// Reference: docs/checks.md.
import net from 'node:net';
import { z } from 'zod';
import { defineCheckKind } from '../types.js';
import type { KindForm } from '../form.js';
import { durationField } from '../../config/fields.js';
import { parseDuration } from '../../config/duration.js';
import type { ProbeOutcome } from '../../model.js';
import { failedNetworkOutcome, formatMs, roundLatency, startDeadline } from '../probe-support.js';

/** A host name or an IP address: no scheme, no path, no port (IPv6 literals may be bracketed). */
export const hostField = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(253, 'must be at most 253 characters')
  .refine((value) => {
    const bare = value.startsWith('[') && value.endsWith(']') ? value.slice(1, -1) : value;
    if (net.isIP(bare)) return true;
    return /^[A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_.])?$/.test(bare) && !bare.includes('..');
  }, 'must be a host name or IP address, without scheme, path or port (e.g. "db.example.com"; the port goes in "port")');

export const tcpParamsShape = {
  host: hostField,
  port: z.number({ error: 'must be a port number (1-65535)' }).int('must be a whole number').min(1, 'must be at least 1').max(65535, 'must be at most 65535'),
  expect: z.strictObject({ maxLatency: durationField().optional() }).optional(),
};

type TcpParams = z.infer<z.ZodObject<typeof tcpParamsShape>>;

function bareHost(host: string): string {
  const trimmed = host.trim();
  return trimmed.startsWith('[') && trimmed.endsWith(']') ? trimmed.slice(1, -1) : trimmed;
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export async function probeTcp(params: TcpParams, ctx: { signal: AbortSignal; timeoutMs: number }): Promise<ProbeOutcome> {
  const host = bareHost(params.host);
  const port = params.port;
  const where = hostPort(host, port);
  const maxLatencyMs = params.expect?.maxLatency !== undefined ? parseDuration(params.expect.maxLatency) : null;
  const deadline = startDeadline(ctx);
  let socket: net.Socket | undefined;
  let phase = net.isIP(host) ? `connecting to ${where}` : `resolving ${host}`;
  try {
    if (deadline.signal.aborted) return { status: 'down', latencyMs: null, message: deadline.abortMessage(phase) };
    const connected = await new Promise<{ latencyMs: number; resetAtOnce: boolean }>((resolve, reject) => {
      const s = net.connect({ host, port });
      socket = s;
      const onAbort = () => s.destroy();
      deadline.signal.addEventListener('abort', onAbort, { once: true });
      const done = () => deadline.signal.removeEventListener('abort', onAbort);
      s.once('lookup', (error) => {
        if (!error) phase = `connecting to ${where}`;
      });
      s.once('connect', () => {
        done();
        resolve({ latencyMs: deadline.elapsed(), resetAtOnce: false });
      });
      s.once('error', (error: NodeJS.ErrnoException) => {
        done();
        // The handshake completed and the peer reset before Node reported the connect (see above).
        // With several addresses (localhost: ::1 and 127.0.0.1) the reset is inside an AggregateError.
        const attempts = [error, ...((error as { errors?: NodeJS.ErrnoException[] }).errors ?? [])];
        if (attempts.some((e) => e?.code === 'ECONNRESET')) resolve({ latencyMs: deadline.elapsed(), resetAtOnce: true });
        else reject(error);
      });
      s.once('close', () => {
        done();
        // Destroyed by the deadline before connecting (no 'error' is emitted for a plain destroy).
        reject(new Error('closed'));
      });
    });
    const { latencyMs, resetAtOnce } = connected;
    const rounded = roundLatency(latencyMs);
    const reset = resetAtOnce ? `, then ${where} reset the connection at once (ECONNRESET)` : '';
    if (maxLatencyMs !== null && latencyMs > maxLatencyMs)
      return { status: 'degraded', latencyMs: rounded, message: `connected in ${formatMs(rounded)} (slower than ${formatMs(maxLatencyMs)})${reset}` };
    return { status: 'up', latencyMs: rounded, message: `connected in ${formatMs(rounded)}${reset}` };
  } catch (error) {
    return failedNetworkOutcome(error, deadline, { host, port }, phase);
  } finally {
    deadline.dispose();
    socket?.destroy();
  }
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const tcpForm: KindForm = {
    fields: [
      { path: 'host', label: 'Host', type: 'text', required: true, mono: true, placeholder: 'db.example.com', help: 'A host name or IP address, without scheme or port.' },
      { path: 'port', label: 'Port', type: 'number', required: true, placeholder: '5432' },
      { path: 'expect.maxLatency', label: 'Slow above', type: 'duration', section: 'Thresholds', placeholder: 'e.g. 200ms', help: 'Slower connects count as degraded.' },
    ],
  };

export const tcpCheck = defineCheckKind({
  kind: 'tcp',
  title: 'TCP port',
  paramsShape: tcpParamsShape,
  form: tcpForm,
  describe: (p) => hostPort(bareHost(p.host), p.port),
  probe: async (params, ctx) => {
    try {
      return await probeTcp(params, ctx);
    } catch (error) {
      return { status: 'down', latencyMs: null, message: `check failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  },
});
