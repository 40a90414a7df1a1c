// A real DNS server for tests (DESIGN §7): dnsmasq on 127.0.0.1 answering from a hosts file and a
// few MX/TXT records, authoritative for .test (unknown names there are NXDOMAIN). Debian: dnsmasq.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DNSMASQ = '/usr/sbin/dnsmasq';

export function dnsmasqUnavailableReason(): string | null {
  return existsSync(DNSMASQ) ? null : 'dnsmasq is not installed (apt-get install -y dnsmasq)';
}

export interface TestDns {
  port: number;
  server: string;
  stop(): Promise<void>;
}

/** A port free for both UDP and TCP on 127.0.0.1. */
async function freeDnsPort(): Promise<number> {
  for (;;) {
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const port = (tcp.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => tcp.close(() => resolve()));
    const udp = dgram.createSocket('udp4');
    const ok = await new Promise<boolean>((resolve) => {
      udp.once('error', () => resolve(false));
      udp.bind(port, '127.0.0.1', () => resolve(true));
    });
    await new Promise<void>((resolve) => udp.close(() => resolve()));
    if (ok) return port;
  }
}

export async function startDnsmasq(options: { hosts: string; extraArgs?: string[] }): Promise<TestDns> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-dns-'));
  writeFileSync(join(dir, 'hosts'), options.hosts);
  const port = await freeDnsPort();
  let err = '';
  const child: ChildProcess = spawn(
    DNSMASQ,
    ['--no-daemon', '-C', '/dev/null', `--port=${port}`, '--listen-address=127.0.0.1', '--bind-interfaces', '--no-resolv', '--no-hosts', `--addn-hosts=${join(dir, 'hosts')}`, '--local=/test/', '--user=root', `--pid-file=${join(dir, 'pid')}`, ...(options.extraArgs ?? [])],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  child.stderr!.on('data', (c: Buffer) => (err = (err + c.toString()).slice(-2000)));
  // Ready when it answers TCP on the port (it serves DNS over TCP too).
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dnsmasq exited: ${err}`);
    const up = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port }, () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (up) break;
    if (Date.now() > until) throw new Error(`dnsmasq did not start: ${err}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    port,
    server: `127.0.0.1:${port}`,
    stop: async () => {
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
