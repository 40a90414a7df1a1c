// Real OpenSSH servers for tests (DESIGN §5): each is /usr/sbin/sshd on 127.0.0.1 with a temporary
// host key, config and authorized_keys; several on several ports act as several servers. Needs the
// Debian package openssh-server and root (sshd must start as root to switch users).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SSHD = '/usr/sbin/sshd';

/** Why sshd tests cannot run here, or null when they can. */
export function sshdUnavailableReason(): string | null {
  if (!existsSync(SSHD)) return 'sshd is not installed (apt-get install -y openssh-server)';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'sshd tests need root (sshd must start as root)';
  return null;
}

export interface ClientKey {
  /** The private key (OpenSSH format), as stored in a keyRef secret. */
  privateKey: string;
  publicKey: string;
  passphrase?: string;
}

/** A fresh ed25519 client key pair, optionally protected by a passphrase. */
export function makeClientKey(passphrase?: string): ClientKey {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-sshkey-'));
  try {
    const file = join(dir, 'id');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', passphrase ?? '', '-C', 'kaavan-test', '-f', file]);
    return { privateKey: readFileSync(file, 'utf8'), publicKey: readFileSync(`${file}.pub`, 'utf8').trim(), ...(passphrase ? { passphrase } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fingerprint of a public key file as `ssh-keygen -lf` prints it ("SHA256:…"). */
export function sshKeygenFingerprint(publicKeyFile: string): string {
  const line = execFileSync('ssh-keygen', ['-lf', publicKeyFile], { encoding: 'utf8' });
  return line.split(/\s+/)[1]!;
}

export interface TestSshd {
  port: number;
  dir: string;
  /** Fingerprint of the current host key, from `ssh-keygen -lf`. */
  hostKeyFingerprint: string;
  /** Established TCP connections to this sshd right now (counted with `ss`). */
  establishedConnections(): number;
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop). */
  start(): Promise<void>;
  /** Replaces the host key (a reinstalled or impersonated server) and restarts. */
  rotateHostKey(): Promise<void>;
}

const running = new Set<TestSshd>();

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function waitForPort(port: number, child: ChildProcess, stderr: () => string): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`sshd exited (${child.exitCode}): ${stderr()}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host: '127.0.0.1', port });
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not listen on ${port}: ${stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface SshdOptions {
  authorizedKeys?: string[];
  /** Allow password logins (for a non-root test user; root is key-only). */
  passwordAuthentication?: boolean;
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  mkdirSync('/run/sshd', { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-sshd-'));
  const port = await freePort();
  const hostKey = join(dir, 'host_key');
  const makeHostKey = () => {
    rmSync(hostKey, { force: true });
    rmSync(`${hostKey}.pub`, { force: true });
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  };
  makeHostKey();
  writeFileSync(join(dir, 'authorized_keys'), `${(options.authorizedKeys ?? []).join('\n')}\n`, { mode: 0o600 });
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${hostKey}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PasswordAuthentication ${options.passwordAuthentication ? 'yes' : 'no'}`,
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    'Subsystem sftp internal-sftp',
    'MaxSessions 10',
    'MaxStartups 100',
    'LogLevel ERROR',
  ];
  writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  let child: ChildProcess | null = null;
  let err = '';

  const sshd: TestSshd = {
    port,
    dir,
    hostKeyFingerprint: sshKeygenFingerprint(`${hostKey}.pub`),
    establishedConnections: () => {
      const out = execFileSync('ss', ['-tnH', 'state', 'established', `( sport = :${port} )`], { encoding: 'utf8' });
      return out.split('\n').filter((line) => line.trim() !== '').length;
    },
    start: async () => {
      err = '';
      child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr!.on('data', (chunk: Buffer) => {
        err = (err + chunk.toString()).slice(-4000);
      });
      await waitForPort(port, child, () => err);
      running.add(sshd);
    },
    stop: async () => {
      running.delete(sshd);
      const c = child;
      child = null;
      if (!c || c.exitCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill('SIGTERM');
      });
      // The listener is gone with the parent; sessions it forked end when their clients go.
    },
    rotateHostKey: async () => {
      await sshd.stop();
      makeHostKey();
      sshd.hostKeyFingerprint = sshKeygenFingerprint(`${hostKey}.pub`);
      await sshd.start();
    },
  };
  await sshd.start();
  return sshd;
}

export async function stopAllSshd(): Promise<void> {
  for (const sshd of [...running]) {
    await sshd.stop();
    rmSync(sshd.dir, { recursive: true, force: true });
  }
}

export const PASSWORD_USER = 'kaavan-ssh-test';

/** Creates (once) a local user with a password for password-auth tests; null when not root. */
export function ensurePasswordUser(password: string): string | null {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return null;
  try {
    execFileSync('id', ['-u', PASSWORD_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', PASSWORD_USER]);
  }
  execFileSync('chpasswd', [], { input: `${PASSWORD_USER}:${password}\n` });
  return PASSWORD_USER;
}

/** Secrets for tests: a plain map standing in for the keychain (the reader interface is all hosts see). */
export function secretsFrom(values: Record<string, string>): { get(name: string): Promise<string | null> } {
  return { get: async (name) => values[name] ?? null };
}
