// `kaavan host trust`, `kaavan baseline accept` and `kaavan report` through the built binary,
// against a real sshd on 127.0.0.1 (tests/helpers/sshd.ts) and a real `kaavan serve`:
// an unknown host key is refused until trusted; trusting asks first and writes the fingerprint
// `ssh-keygen -lf` prints; a changed key is shown as a warning; a baseline accepted from the CLI is
// the one the server judges against; while the server holds the data folder the CLI refuses and
// points to the UI, whose acceptBaseline method then clears the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeClientKey, sshdUnavailableReason, startSshd, stopAllSshd, type TestSshd } from '../helpers/sshd';

const BIN = resolve('bin/kaavan.js');
const unavailable = sshdUnavailableReason();
let dir: string;
let configFile: string;
let dataDir: string;
let watched: string;
let sshd: TestSshd;
let env: Record<string, string>;

function kaavan(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args, '--config', configFile, '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

async function checkOnce(): Promise<Array<{ target: string; check: string; status: string; message: string }>> {
  const { stdout } = await kaavan(['check', '--once', '--json']);
  return (JSON.parse(stdout) as { checks: Array<{ target: string; check: string; status: string; message: string }> }).checks;
}

beforeAll(async () => {
  if (unavailable) return;
  if (!existsSync(resolve('out/main/cli.js'))) throw new Error('the CLI is not built: run "npm run build" before these tests');
  dir = mkdtempSync(join(tmpdir(), 'kaavan-host-cli-'));
  dataDir = join(dir, 'data');
  watched = join(dir, 'etc');
  mkdirSync(watched);
  writeFileSync(join(watched, 'app.conf'), 'listen 80\n');
  writeFileSync(join(watched, 'users.conf'), 'admin\n');
  const key = makeClientKey();
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  env = { KAAVAN_SECRET_WEB1_KEY: key.privateKey };
  configFile = join(dir, 'kaavan.yaml');
  writeFileSync(
    configFile,
    `version: 1
# the web server, over SSH
targets:
  - name: web1
    ssh: { host: 127.0.0.1, port: ${sshd.port}, user: root, keyRef: web1-key }
    checks:
      - name: etc
        kind: files
        paths: [${JSON.stringify(watched)}]
        interval: 1h
        timeout: 30s
        retries: 0
`,
  );
});

afterAll(async () => {
  if (unavailable) return;
  await stopAllSshd();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(unavailable)('kaavan host trust', () => {
  it('an unknown host key is refused until trusted', async () => {
    const [etc] = await checkOnce();
    expect(etc!.status).toBe('down');
    expect(etc!.message).toContain(sshd.hostKeyFingerprint);
    expect(etc!.message).toMatch(/not trusted yet.*kaavan host trust web1/);
  });

  it('without --yes (and no terminal to ask on) it shows the fingerprint and writes nothing', async () => {
    const before = readFileSync(configFile, 'utf8');
    const { code, stdout, stderr } = await kaavan(['host', 'trust', 'web1']);
    expect(code).toBe(1);
    expect(stdout).toContain(`offers the host key\n  ${sshd.hostKeyFingerprint}`);
    expect(stderr).toMatch(/not trusted.*--yes/);
    expect(readFileSync(configFile, 'utf8')).toBe(before);
  });

  it('--yes writes the fingerprint ssh-keygen -lf prints, keeps the comments, and the check connects', async () => {
    const { code, stdout } = await kaavan(['host', 'trust', 'WEB1', '--yes']);
    expect(code).toBe(0);
    expect(stdout).toContain('Trusted: hostKey of web1 written');
    const text = readFileSync(configFile, 'utf8');
    expect(text).toContain(`hostKey: ${sshd.hostKeyFingerprint}`);
    expect(text).toContain('# the web server, over SSH');
    const [etc] = await checkOnce();
    expect(etc!.status).toBe('up');
    expect(etc!.message).toMatch(/baseline recorded: 2 files/);
    // Trusting again is a no-op that says so.
    const again = await kaavan(['host', 'trust', 'web1', '--json']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ target: 'web1', fingerprint: sshd.hostKeyFingerprint, state: 'trusted', trusted: true });
  });

  it('a changed key blocks the check and trust warns with both fingerprints', async () => {
    const pinned = sshd.hostKeyFingerprint;
    await sshd.rotateHostKey();
    expect(sshd.hostKeyFingerprint).not.toBe(pinned);
    const [etc] = await checkOnce();
    expect(etc!.status).toBe('down');
    expect(etc!.message).toContain(`pinned ${pinned}`);
    const { code, stdout } = await kaavan(['host', 'trust', 'web1']);
    expect(code).toBe(1);
    expect(stdout).toContain(`WARNING: the configuration trusts a different key:\n  ${pinned}`);
    expect(stdout).toContain(sshd.hostKeyFingerprint);
    expect((await kaavan(['host', 'trust', 'web1', '--yes'])).code).toBe(0);
    expect(readFileSync(configFile, 'utf8')).toContain(`hostKey: ${sshd.hostKeyFingerprint}`);
  });

  it('names what is wrong: an unknown target (with a guess), a missing argument', async () => {
    const unknown = await kaavan(['host', 'trust', 'web2']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no target "web2".*did you mean "web1"/);
    const usage = await kaavan(['host', 'trust']);
    expect(usage.code).toBe(64);
    expect(usage.stderr).toContain('usage: kaavan host trust TARGET');
  });
});

describe.skipIf(unavailable)('kaavan baseline accept and report', () => {
  it('the CLI records the baseline the server judges against; while the server runs, the UI method accepts', { timeout: 180_000 }, async () => {
    const accepted = await kaavan(['baseline', 'accept', 'web1/etc']);
    expect(accepted.stderr).toBe('');
    expect(accepted.code).toBe(0);
    expect(accepted.stdout).toContain('Baseline of web1/etc recorded: 2 files');

    // Changed after the accepted baseline: the server's first probe must see it (a server without
    // the CLI's baseline would record a fresh one and call the files up).
    writeFileSync(join(watched, 'users.conf'), 'admin\nintruder\n');
    const serving = await startServe();
    try {
      // The first scheduled probe runs at start.
      const first = await serving.checkWhen((c) => c.status !== 'pending');
      expect(first.status).toBe('down');
      expect(first.lastResult!.message).toContain('modified 1');
      expect(first.lastResult!.message).toContain('users.conf');

      const refused = await kaavan(['baseline', 'accept', 'web1/etc']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/kaavan serve.*Accept current state/s);

      const detailBefore = await serving.rpc<{ files: Array<{ diff: { modified: string[] } | null }> }>('hostDetail', { targetId: first.targetId });
      expect(detailBefore.files[0]!.diff!.modified).toEqual([join(watched, 'users.conf')]);
      expect(await serving.rpc('acceptBaseline', { id: first.id })).toEqual({ files: 2, unreadable: [] });
      // Accepting probes the check again at once: the card turns green without waiting an hour.
      const after = await serving.checkWhen((c) => c.status === 'up');
      expect(after.lastResult!.message).toContain('2 files unchanged since the baseline');
      const detailAfter = await serving.rpc<{ files: Array<{ diff: unknown; baseline: { files: number } }> }>('hostDetail', { targetId: first.targetId });
      expect(detailAfter.files[0]).toMatchObject({ diff: null, baseline: { files: 2 } });
    } finally {
      await serving.stop();
    }

    // The report reads the store the server wrote: the outage is an incident of web1.
    const report = await kaavan(['report', '--since', '1h', '--json']);
    expect(report.code).toBe(0);
    const body = JSON.parse(report.stdout) as { targets: Array<{ name: string; probes: number }>; incidents: Array<{ target: string; check: string; state: string }> };
    expect(body.targets.map((t) => t.name)).toEqual(['web1']);
    expect(body.incidents).toEqual([expect.objectContaining({ target: 'web1', check: 'etc', state: 'resolved' })]);
    const text = await kaavan(['report']);
    expect(text.stdout).toMatch(/Status report — 24 h/);
    expect(text.stdout).toMatch(/web1\s+\| Status: up/);
    const bad = await kaavan(['report', '--since', 'yesterday']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('--since must be a duration like 24h');
  });
});

interface CheckState {
  id: number;
  targetId: number;
  status: string;
  lastResult: { message: string } | null;
}

interface Serving {
  rpc<T = unknown>(method: string, input?: unknown): Promise<T>;
  /** Polls the overview until the (only) check satisfies `ok`; fails after 60 s with what it saw. */
  checkWhen(ok: (check: CheckState) => boolean): Promise<CheckState>;
  stop(): Promise<void>;
}

async function startServe(): Promise<Serving> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'serve', '--json', '--config', configFile, '--data', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  child.stderr!.on('data', (c) => (err += c));
  const line = await new Promise<string>((resolveLine, reject) => {
    let buf = '';
    child.stdout!.on('data', (c) => {
      buf += c;
      if (buf.includes('\n')) resolveLine(buf.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`serve exited early with ${code}: ${err}`)));
  });
  const info = JSON.parse(line) as { apiUrl: string; token: string };
  const serving: Serving = {
    async checkWhen(ok) {
      let seen: CheckState | undefined;
      for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 100))) {
        const overview = await serving.rpc<{ targets: Array<{ checks: CheckState[] }> }>('overview');
        seen = overview.targets[0]?.checks[0];
        if (seen && ok(seen)) return seen;
      }
      throw new Error(`the check never got there; last seen ${JSON.stringify(seen)}`);
    },
    async rpc<T>(method: string, input?: unknown): Promise<T> {
      const res = await fetch(`${info.apiUrl}/api/rpc/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${info.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(input ?? {}),
      });
      const body = (await res.json()) as { result?: T; error?: { message: string } };
      if (!res.ok) throw new Error(`${method}: ${body.error?.message ?? res.status}`);
      return body.result as T;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.on('exit', () => r()));
      child.kill('SIGTERM');
      await exited;
    },
  };
  return serving;
}
