// The SSH Host against real sshd servers on 127.0.0.1 (DESIGN §5): auth methods, host-key pinning,
// connection reuse, bounded channels, reconnect, readFile over SFTP, and errors in words.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshHost, fetchHostKeyFingerprint, type SshHostOptions } from '../../../src-main/core/hosts/ssh-host.js';
import { sshConfigSchema, type SshConfig } from '../../../src-main/core/hosts/ssh-config.js';
import { createHostForTarget } from '../../../src-main/core/hosts/create-host.js';
import { localHost } from '../../../src-main/core/hosts/local-host.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { closedPort } from '../../helpers/test-servers.js';
import {
  ensurePasswordUser,
  makeClientKey,
  secretsFrom,
  sshdUnavailableReason,
  startSshd,
  stopAllSshd,
  type ClientKey,
  type TestSshd,
} from '../../helpers/sshd.js';

const unavailable = sshdUnavailableReason();
if (unavailable) console.warn(`skipping SSH host tests: ${unavailable}`);

describe.skipIf(unavailable !== null)('SshHost against real sshd', () => {
  let plainKey: ClientKey;
  let lockedKey: ClientKey;
  let strangerKey: ClientKey;
  let server: TestSshd;
  let passwordServer: TestSshd;
  let passwordUser: string | null;
  const hosts: SshHost[] = [];
  const secrets = () =>
    secretsFrom({
      'web1-key': plainKey.privateKey,
      'locked-key': lockedKey.privateKey,
      'locked-pass': lockedKey.passphrase!,
      'wrong-pass': 'not the passphrase',
      'stranger-key': strangerKey.privateKey,
      'web1-pw': 'Correct-Horse-7',
      'bad-pw': 'wrong password',
      'not-a-key': 'hello',
    });

  function host(config: Partial<SshConfig>, options: Partial<SshHostOptions> = {}): SshHost {
    const h = new SshHost(
      { host: '127.0.0.1', port: server.port, user: 'root', hostKey: server.hostKeyFingerprint, ...config } as SshConfig,
      { secrets: secrets(), log: silentLogger, ...options },
    );
    hosts.push(h);
    return h;
  }

  beforeAll(async () => {
    plainKey = makeClientKey();
    lockedKey = makeClientKey('open sesame');
    strangerKey = makeClientKey();
    server = await startSshd({ authorizedKeys: [plainKey.publicKey, lockedKey.publicKey] });
    passwordUser = ensurePasswordUser('Correct-Horse-7');
    passwordServer = await startSshd({ passwordAuthentication: true });
  });

  afterAll(async () => {
    for (const h of hosts) await h.close();
    await stopAllSshd();
  });

  it('runs commands with key auth and reports exit code, stdout and stderr', async () => {
    const h = host({ keyRef: 'web1-key' });
    const r = await h.exec('echo hello; echo oops >&2; exit 3');
    expect(r).toEqual({ exitCode: 3, signal: null, stdout: 'hello\n', stderr: 'oops\n' });
    // The same with a time limit on the server (wrapped in timeout -s KILL, quoting intact).
    expect(await h.exec(`echo "it's"; exit 3`, { timeoutMs: 5000 })).toEqual({ exitCode: 3, signal: null, stdout: "it's\n", stderr: '' });
    const input = await h.exec('tr a-z A-Z', { input: 'piped in' });
    expect(input.stdout).toBe('PIPED IN');
    expect(h.label).toBe(`root@127.0.0.1:${server.port}`);
  });

  it('logs in with a passphrase-protected key, and names a wrong or missing passphrase', async () => {
    const ok = host({ keyRef: 'locked-key', passphraseRef: 'locked-pass' });
    expect((await ok.exec('id -un')).stdout.trim()).toBe('root');
    await expect(host({ keyRef: 'locked-key', passphraseRef: 'wrong-pass' }).exec('true')).rejects.toThrow(
      'the passphrase in secret "wrong-pass" does not unlock the key in "locked-key"',
    );
    await expect(host({ keyRef: 'locked-key' }).exec('true')).rejects.toThrow('the key in secret "locked-key" is protected by a passphrase; set passphraseRef');
    await expect(host({ keyRef: 'not-a-key' }).exec('true')).rejects.toThrow('the secret "not-a-key" does not hold a private key Kaavan can read');
    await expect(host({ keyRef: 'nowhere' }, { targetName: 'web1' }).exec('true')).rejects.toThrow(
      'the secret "nowhere" (keyRef of web1) is not set; store it with `kaavan secret set nowhere`',
    );
  });

  it('logs in through a running ssh-agent (agent: true), and says when none is running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-agent-'));
    const socket = join(dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', socket], { stdio: 'ignore' });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      await expect.poll(() => existsSync(socket), { timeout: 5000 }).toBe(true);
      writeFileSync(join(dir, 'id'), plainKey.privateKey, { mode: 0o600 });
      execFileSync('ssh-add', [join(dir, 'id')], { env: { ...process.env, SSH_AUTH_SOCK: socket }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = socket;
      expect((await host({ agent: true }).exec('echo via agent')).stdout).toBe('via agent\n');
      delete process.env.SSH_AUTH_SOCK;
      await expect(host({ agent: true }, { targetName: 'web1' }).exec('true')).rejects.toThrow(
        'web1 uses agent: true, but no SSH agent is running for Kaavan (SSH_AUTH_SOCK is not set)',
      );
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill();
    }
  });

  it('says "authentication failed for user@host (key …)" when the key is not authorized', async () => {
    const h = host({ keyRef: 'stranger-key' });
    await expect(h.exec('true')).rejects.toThrow(`authentication failed for root@127.0.0.1:${server.port} (key stranger-key)`);
  });

  it('logs in with a password (and names a wrong one)', async (ctx) => {
    if (!passwordUser) ctx.skip(); // creating a user with a password needs root
    const config = { port: passwordServer.port, user: passwordUser!, hostKey: passwordServer.hostKeyFingerprint };
    const ok = host({ ...config, passwordRef: 'web1-pw' });
    expect((await ok.exec('id -un')).stdout.trim()).toBe(passwordUser);
    const bad = host({ ...config, passwordRef: 'bad-pw' });
    await expect(bad.exec('true')).rejects.toThrow(`authentication failed for ${passwordUser}@127.0.0.1:${passwordServer.port} (password bad-pw)`);
  });

  it('refuses an unknown host key until it is trusted, and fetchHostKeyFingerprint shows it', async () => {
    const untrusted = host({ keyRef: 'web1-key', hostKey: undefined }, { targetName: 'web1' });
    await expect(untrusted.exec('true')).rejects.toThrow(
      `127.0.0.1:${server.port} offered the host key ${server.hostKeyFingerprint} (ssh-ed25519), which is not trusted yet; check it and run \`kaavan host trust web1\``,
    );
    // What `kaavan host trust` shows and writes equals what ssh-keygen -lf prints for the key file.
    const fingerprint = await fetchHostKeyFingerprint('127.0.0.1', server.port);
    expect(fingerprint).toBe(server.hostKeyFingerprint);
    const trusted = host({ keyRef: 'web1-key', hostKey: fingerprint });
    expect((await trusted.exec('echo trusted')).stdout).toBe('trusted\n');
  });

  it('refuses every connection once the host key changed, naming both fingerprints', async () => {
    const other = await startSshd({ authorizedKeys: [plainKey.publicKey] });
    const pinned = other.hostKeyFingerprint;
    const h = host({ port: other.port, keyRef: 'web1-key', hostKey: pinned });
    expect((await h.exec('true')).exitCode).toBe(0);
    await h.close();
    const again = host({ port: other.port, keyRef: 'web1-key', hostKey: pinned });
    await other.rotateHostKey();
    const changed = `the host key of 127.0.0.1:${other.port} changed: pinned ${pinned}, offered ${other.hostKeyFingerprint} (ssh-ed25519); every connection is refused`;
    await expect(again.exec('true')).rejects.toThrow(changed);
    // Blocked without backoff or retry: the same answer every time, and no new connection is tried.
    const attempts = again.connectionsOpened;
    await expect(again.exec('true')).rejects.toThrow(changed);
    await expect(again.readFile('/etc/hostname')).rejects.toThrow(changed);
    expect(again.connectionsOpened).toBe(attempts);
    expect(again.hostKeyChanged).toMatchObject({ reason: 'changed-host-key', pinnedFingerprint: pinned, offeredFingerprint: other.hostKeyFingerprint });
    expect(h.hostKeyChanged).toBeNull();
    await other.stop();
  });

  it('reuses one TCP connection for many commands and never opens more than maxChannels at once', async () => {
    const h = host({ keyRef: 'web1-key' }, { maxChannels: 3 });
    const before = server.establishedConnections();
    let peak = 0;
    const watcher = setInterval(() => (peak = Math.max(peak, h.channelsInUse)), 1);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => h.exec(`sleep 0.05; echo ${i}`)));
    clearInterval(watcher);
    expect(results.map((r) => r.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
    expect(h.connectionsOpened).toBe(1);
    expect(server.establishedConnections() - before).toBe(1);
    expect(peak).toBeLessThanOrEqual(3);
    // The server agrees: each session marks itself active and counts the active ones.
    const dir = (await h.exec('mktemp -d')).stdout.trim();
    await Promise.all(Array.from({ length: 10 }, () => h.exec(`touch ${dir}/$$; sleep 0.2; ls ${dir} | wc -l >> ${dir}.seen; rm ${dir}/$$`)));
    const seen = (await h.exec(`cat ${dir}.seen`)).stdout.trim().split('\n').map(Number);
    expect(seen).toHaveLength(10);
    expect(Math.max(...seen)).toBeLessThanOrEqual(3);
    expect(Math.max(...seen)).toBeGreaterThan(1);
    expect(h.connectionsOpened).toBe(1);
  });

  it('reads files over SFTP (and names a missing file)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-sftp-'));
    const big = Buffer.alloc(200_000, 'a');
    writeFileSync(join(dir, 'big.txt'), big);
    writeFileSync(join(dir, 'with space.txt'), 'spaced');
    const h = host({ keyRef: 'web1-key' });
    expect((await h.readFile(join(dir, 'big.txt'))).equals(big)).toBe(true);
    expect((await h.readFile(join(dir, 'big.txt'), { maxBytes: 1000 })).length).toBe(1000);
    expect((await h.readFile(join(dir, 'with space.txt'))).toString()).toBe('spaced');
    const missing = h.readFile(join(dir, 'nope'));
    await expect(missing).rejects.toThrow(`no such file: ${join(dir, 'nope')} on root@127.0.0.1:${server.port}`);
    await expect(h.readFile(join(dir, 'nope'))).rejects.toMatchObject({ code: 'ENOENT' });
    expect(h.connectionsOpened).toBe(1);
  });

  it('says the server refused the connection, backs off, and reconnects once sshd is back', async () => {
    const restartable = await startSshd({ authorizedKeys: [plainKey.publicKey] });
    const h = host({ port: restartable.port, keyRef: 'web1-key', hostKey: restartable.hostKeyFingerprint }, { initialBackoffMs: 200 });
    expect((await h.exec('echo one')).stdout).toBe('one\n');
    await restartable.stop();
    // Sessions forked by the old sshd end with it only when their connection drops: drop it.
    await h.exec('kill -TERM $PPID').catch(() => undefined);
    await expect.poll(() => h.connected, { timeout: 5000 }).toBe(false);
    await expect(h.exec('true')).rejects.toThrow(`127.0.0.1:${restartable.port} refused the connection`);
    // Inside the backoff the error comes back at once, saying when the next attempt is.
    await expect(h.exec('true')).rejects.toThrow(/refused the connection \(next attempt in \d+ s\)/);
    await restartable.start();
    await expect.poll(async () => (await h.exec('echo two').catch(() => null))?.stdout, { timeout: 5000, interval: 100 }).toBe('two\n');
    expect(h.connectionsOpened).toBe(3);
    await restartable.stop();
  });

  it('says the connection was lost when it drops in the middle of a command, then reconnects', async () => {
    const h = host({ keyRef: 'web1-key' }, { initialBackoffMs: 50 });
    await expect(h.exec('kill -KILL $PPID; sleep 5')).rejects.toThrow(`the connection to root@127.0.0.1:${server.port} was lost while running a command`);
    expect((await h.exec('echo back')).stdout).toBe('back\n');
    expect(h.connectionsOpened).toBe(2);
  });

  it('names a port nobody listens on', async () => {
    const port = await closedPort();
    const h = host({ port, keyRef: 'web1-key' });
    await expect(h.exec('true')).rejects.toThrow(`127.0.0.1:${port} refused the connection`);
    expect(await h.checkConnection()).toMatchObject({ reason: 'refused' });
    expect(await host({ keyRef: 'web1-key' }).checkConnection()).toBeNull();
  });

  it('aborts a running command when the signal fires and keeps the connection usable', async () => {
    const h = host({ keyRef: 'web1-key' });
    const controller = new AbortController();
    const running = h.exec('sleep 37.5', { signal: controller.signal, timeoutMs: 500 });
    setTimeout(() => controller.abort(), 300);
    await expect(running).rejects.toMatchObject({ name: 'AbortError' });
    // The server kills it at its time limit (sshd runs on this machine here, so pgrep sees it).
    await expect.poll(async () => (await localHost.exec('pgrep -f "sleep 3[7].5"')).stdout.trim(), { timeout: 5000 }).toBe('');
    expect((await h.exec('echo still')).stdout).toBe('still\n');
    expect(h.channelsInUse).toBe(0);
  });

  it('close() ends the connection and later use is refused', async () => {
    const h = host({ keyRef: 'web1-key' });
    await h.exec('true');
    const before = server.establishedConnections();
    await h.close();
    await expect.poll(() => server.establishedConnections(), { timeout: 3000 }).toBe(before - 1);
    await expect(h.exec('true')).rejects.toThrow('was closed');
  });
});

describe('ssh config and createHostForTarget', () => {
  const parse = (value: unknown) => sshConfigSchema.safeParse(value);

  it('accepts the contract of the issue and names what is wrong otherwise', () => {
    expect(parse({ host: 'web1.example.com', port: 22, user: 'ops', keyRef: 'web1-key', hostKey: 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s' }).success).toBe(true);
    expect(parse({ host: 'web1', user: 'ops', agent: true }).success).toBe(true);
    const messages = (value: unknown) => (parse(value).error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages({ host: 'web1', user: 'ops' })).toEqual([': needs a way to log in: keyRef (a secret holding a private key), passwordRef, or agent: true']);
    expect(messages({ host: 'web1', user: 'ops', keyRef: 'k', passwordRef: 'p' })).toEqual([': use one way to log in: keyRef, passwordRef or agent: true, not several']);
    expect(messages({ host: 'web1', user: 'ops', passwordRef: 'p', passphraseRef: 'x' })).toEqual(['passphraseRef: only applies together with keyRef (the passphrase of that key)']);
    expect(messages({ host: 'web1', user: 'ops', agent: true, hostKey: 'abc' })[0]).toMatch(/^hostKey: must be a SHA256 fingerprint like/);
    expect(messages({ host: 'web1', user: 'ops', agent: true, password: 'x' })[0]).toMatch(/^: Unrecognized key/);
  });

  it('gives this computer to a target without ssh, and an SSH host otherwise', () => {
    const deps = { secrets: secretsFrom({}), log: silentLogger };
    expect(createHostForTarget({ name: 'laptop' }, deps)).toBe(localHost);
    const ssh = createHostForTarget({ name: 'web1', ssh: { host: 'web1', user: 'ops', agent: true } }, deps);
    expect(ssh.kind).toBe('ssh');
    expect(ssh.label).toBe('ops@web1');
  });
});
