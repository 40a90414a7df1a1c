// Shared plumbing of the fault-injection tests: a child engine, an HTTP receiver that de-duplicates
// by idempotency key, a TCP port that can be opened and closed, temporary folders.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor as baseWaitFor } from '../helpers/core-harness.js';

export const cleanups: Array<() => Promise<void> | void> = [];
export async function runCleanups(): Promise<void> {
  for (const c of cleanups.splice(0).reverse()) await c();
}

/** Faults take longer to play out: a 20 s default. */
export const waitFor = <T>(fn: Parameters<typeof baseWaitFor<T>>[0], ms = 20_000): Promise<T> => baseWaitFor(fn, ms);

export interface Delivery {
  key: string;
  kind: string;
  alertId: number;
}

/** An HTTP peer like a webhook receiver that honours Idempotency-Key: records raw and unique deliveries. */
export async function startReceiver(): Promise<{ url: string; raw: Delivery[]; unique: () => Delivery[] }> {
  const raw: Delivery[] = [];
  const server: Server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kind: string; alertId: number };
      raw.push({ key: String(req.headers['idempotency-key']), kind: body.kind, alertId: body.alertId });
      res.end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  const unique = () => [...new Map(raw.map((d) => [d.key, d])).values()];
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, raw, unique };
}

/** A TCP port whose listener can be switched off and on (the watched "server"). */
export async function switchablePort(): Promise<{ port: number; up(): Promise<void>; down(): Promise<void> }> {
  let server: TcpServer | null = null;
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((r) => probe.close(() => r()));
  const api = {
    port,
    async up() {
      if (server) return;
      server = createTcpServer((s) => s.end());
      await new Promise<void>((r) => server!.listen(port, '127.0.0.1', r));
    },
    async down() {
      const s = server;
      server = null;
      if (s) await new Promise<void>((r) => s.close(() => r()));
    },
  };
  cleanups.push(() => api.down());
  return api;
}

export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeConfig(dir: string, port: number, extra = ''): string {
  const file = join(dir, 'kaavan.yaml');
  writeFileSync(
    file,
    `version: 1\nsettings: { reminderEvery: 1000 }\ntargets:\n  - name: web1\n    checks:\n      - { name: port, kind: tcp, host: 127.0.0.1, port: ${port}, interval: 1s, timeout: 500ms, retries: 0 }\n${extra}`,
  );
  return file;
}

export interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const ROOT = resolve(import.meta.dirname, '../..');

export function startChild(env: Record<string, string>): Child {
  let output = '';
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'tests/fault/engine-child.ts')], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { process: child, output: () => output, exited };
}

export async function stopChild(child: Child): Promise<void> {
  child.process.kill('SIGTERM');
  await child.exited;
}
