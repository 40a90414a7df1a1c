// Real processes for the web E2E: a plain HTTP server that Kaavan watches (stoppable and
// restartable on the same port), and `kaavan serve` itself, started from the built CLI.
import http from 'node:http';
import type net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface TargetServer {
  readonly port: number;
  readonly running: boolean;
  /** Stops listening and cuts open connections (probes then get "connection refused"). */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
}

/** An HTTP server on 127.0.0.1 answering every request with `respond` (default: 200 "ok"). */
export async function startTargetServer(
  respond: (req: http.IncomingMessage, res: http.ServerResponse) => void = (_req, res) => {
    res.setHeader('Content-Type', 'text/plain');
    res.end('ok\n');
  },
  port = 0,
): Promise<TargetServer> {
  let server: http.Server | null = null;
  let boundPort = port;
  const sockets = new Set<net.Socket>();

  const listen = async (): Promise<void> => {
    // Rebinding right after a close can race the kernel: retry EADDRINUSE for a few seconds.
    for (let attempt = 0; ; attempt++) {
      const s = http.createServer(respond);
      s.keepAliveTimeout = 1000;
      s.on('connection', (socket) => {
        sockets.add(socket);
        socket.once('close', () => sockets.delete(socket));
      });
      try {
        s.listen(boundPort, '127.0.0.1');
        await once(s, 'listening');
        server = s;
        boundPort = (s.address() as net.AddressInfo).port;
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || attempt >= 60) throw error;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };

  await listen();
  return {
    get port() {
      return boundPort;
    },
    get running() {
      return server !== null;
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = null;
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((r) => s.close(() => r()));
    },
    async start() {
      if (!server) await listen();
    },
  };
}

export interface KaavanProcess {
  /** Dashboard URL with the token in its fragment. */
  url: string;
  apiUrl: string;
  port: number;
  token: string;
  /** Everything the process wrote on stderr so far (alert notices, errors). */
  stderr(): string;
  stop(): Promise<void>;
}

/** Runs `node bin/kaavan.js serve --json` and waits for the line with the dashboard URL. */
export async function startKaavan(options: { config: string; data: string; timeoutMs?: number }): Promise<KaavanProcess> {
  if (!existsSync(join(repoRoot, 'out', 'main', 'cli.js')) || !existsSync(join(repoRoot, 'out', 'renderer', 'index.html'))) {
    throw new Error('Kaavan is not built: run "npm run build" (electron-vite build) before the E2E tests');
  }
  const child: ChildProcess = spawn(
    process.execPath,
    [join(repoRoot, 'bin', 'kaavan.js'), 'serve', '--config', options.config, '--data', options.data, '--port', '0', '--json'],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, KAAVAN_TOKEN: '' } },
  );
  let stdout = '';
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));

  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const info = await new Promise<{ url: string; apiUrl: string; port: number; token: string }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kaavan serve printed no URL within ${options.timeoutMs ?? 20_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const line = stdout.split('\n').find((l) => l.trim().startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as { url: string; apiUrl: string; port: number; token: string });
      } catch (error) {
        reject(new Error(`kaavan serve printed an unreadable line: ${line} (${String(error)})`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`kaavan serve exited with code ${code} before printing its URL\nstderr: ${stderr}`));
    });
  });

  return {
    ...info,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}
