// Observer faults: when this computer, not the target, fails (out of file descriptors for real, in
// a child process started under a low `ulimit -n`; a keychain that cannot be asked), the probes say
// so and set `observerFault`, so the engine never marks the target down for it.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../../src-main/core/model.js';
import { respond, startHttpServer, startTcpServer } from '../../helpers/test-servers.js';

interface ChildReport {
  exhausted: boolean;
  starved: Record<'http' | 'tcp' | 'httpByName' | 'tcpByName', ProbeOutcome>;
  recovered: Record<'http' | 'tcp' | 'httpByName' | 'tcpByName', ProbeOutcome>;
}

/** Runs a fixture (TypeScript, through tsx) and parses the JSON line it prints. */
function runFixture<T>(shellPrefix: string, fixture: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<T> {
  const child = spawn('sh', ['-c', `${shellPrefix}exec "$0" --import tsx "$@"`, process.execPath, `tests/core/checks/fixtures/${fixture}`, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`fixture exited with ${code}: ${err.slice(0, 2000)}`));
      else resolve(JSON.parse(out) as T);
    });
  });
}

/** Runs the fixture under `ulimit -n limit` (enough to load the modules; it uses up the rest itself). */
function runOutOfDescriptors(httpUrl: string, tcpPort: number, limit = 512): Promise<ChildReport> {
  return runFixture<ChildReport>(`ulimit -n ${limit} && `, 'probe-out-of-descriptors.ts', [httpUrl, String(tcpPort)]);
}

describe('observer faults', () => {
  it('marks http and tcp probes that fail with EMFILE as an observer fault, not a target failure', async () => {
    const web = await startHttpServer(respond(200, 'fine'));
    const port = await startTcpServer();
    const report = await runOutOfDescriptors(web.url('/health'), port.port);

    expect(report.exhausted).toBe(true);
    expect(report.starved.http).toMatchObject({
      status: 'down',
      observerFault: 'EMFILE',
      message: `could not probe 127.0.0.1:${web.port}: Kaavan has too many open files (EMFILE); the target was not judged`,
    });
    expect(report.starved.tcp).toMatchObject({
      status: 'down',
      observerFault: 'EMFILE',
      message: `could not probe 127.0.0.1:${port.port}: Kaavan has too many open files (EMFILE); the target was not judged`,
    });
    // By name, getaddrinfo fails first and calls it "not found": still this computer's fault.
    expect(report.starved.httpByName).toMatchObject({ status: 'down', observerFault: 'EMFILE' });
    expect(report.starved.httpByName.message).not.toContain('DNS');
    expect(report.starved.tcpByName).toMatchObject({
      status: 'down',
      observerFault: 'EMFILE',
      message: `could not probe localhost:${port.port}: Kaavan has too many open files (EMFILE); the target was not judged`,
    });
    // The servers were never reached while starved, and answer once descriptors are free again.
    for (const outcome of Object.values(report.recovered)) {
      expect(outcome.status).toBe('up');
      expect(outcome.observerFault).toBeUndefined();
    }
    expect(web.requests).toHaveLength(2);
    expect(port.connections).toBe(2);
  });
});

describe('observer faults: secrets', () => {
  it('is an observer fault, not a target failure, when the keychain cannot be asked for a secret', async () => {
    const web = await startHttpServer(respond(200, 'fine'));
    const home = mkdtempSync(join(tmpdir(), 'kaavan-no-keychain-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_RUNTIME_DIR: home, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/kaavan-no-bus' };
      delete env.GNOME_KEYRING_CONTROL;
      const outcome = await runFixture<ProbeOutcome>('', 'probe-without-keychain.ts', [web.url()], env);
      expect(outcome.status).toBe('down');
      expect(outcome.observerFault).toBe('SECRETS_UNAVAILABLE');
      expect(outcome.message).toMatch(/^secret "web-pw" \(auth\.passwordRef\) could not be read: .*OS keychain is unavailable/);
      expect(outcome.message).toContain('KAAVAN_SECRET_WEB_PW');
      expect(web.requests).toHaveLength(0);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
