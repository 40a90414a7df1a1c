// Observer faults: when this computer, not the target, fails (here: out of file descriptors for
// real, in a child process started under a low `ulimit -n`), the http and tcp probes say so and set
// `observerFault`, so the engine never marks the target down for it.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { ProbeOutcome } from '../../../src-main/core/model.js';
import { respond, startHttpServer, startTcpServer } from '../../helpers/test-servers.js';

interface ChildReport {
  exhausted: boolean;
  starved: { http: ProbeOutcome; tcp: ProbeOutcome };
  recovered: { http: ProbeOutcome; tcp: ProbeOutcome };
}

/** Runs the fixture under `ulimit -n limit` (enough to load the modules; it uses up the rest itself). */
function runOutOfDescriptors(httpUrl: string, tcpPort: number, limit = 512): Promise<ChildReport> {
  const fixture = 'tests/core/checks/fixtures/probe-out-of-descriptors.ts';
  const child = spawn('sh', ['-c', `ulimit -n ${limit} && exec "$0" --import tsx "$@"`, process.execPath, fixture, httpUrl, String(tcpPort)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`fixture exited with ${code}: ${err.slice(0, 2000)}`));
      else resolve(JSON.parse(out) as ChildReport);
    });
  });
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
    // The servers were never reached while starved, and answer once descriptors are free again.
    expect(report.recovered.http.status).toBe('up');
    expect(report.recovered.http.observerFault).toBeUndefined();
    expect(report.recovered.tcp.status).toBe('up');
    expect(web.requests).toHaveLength(1);
    expect(port.connections).toBe(1);
  });
});
