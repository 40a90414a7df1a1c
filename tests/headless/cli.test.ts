// The `kaavan` command as a user runs it: the built bin against real servers on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn as spawnChild, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/kaavan.js');
let dir: string;
let upPort: number;
let slowPort: number;
let deadPort: number;
const servers: Server[] = [];

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<number> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

beforeAll(async () => {
  if (!existsSync(resolve('out/main/cli.js'))) throw new Error('the CLI is not built: run "npm run build" before these tests');
  dir = mkdtempSync(join(tmpdir(), 'kaavan-cli-'));
  upPort = await listen((_q, r) => r.end('healthy'));
  slowPort = await listen((_q, r) => setTimeout(() => r.end('healthy'), 300));
  deadPort = await listen(() => undefined);
  const dead = servers.pop()!;
  dead.close();
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections?.();
    await new Promise((r) => s.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

function config(name: string, checks: string): string {
  const file = join(dir, name);
  writeFileSync(file, `version: 1\ntargets:\n  - name: web1\n    checks:\n${checks}`);
  return file;
}

// Async on purpose: the servers under test live in this process, so it must keep serving.
function kaavan(args: string[], input?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args, '--data', join(dir, 'data')], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

const up = (port: number) => `      - { name: home, kind: http, url: "http://127.0.0.1:${port}/", timeout: 2s }\n`;

describe('kaavan config validate', () => {
  it('exits 0 for a valid file and says what it holds', async () => {
    const file = config('ok.yaml', up(upPort));
    const r = await kaavan(['config', 'validate', '--config', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${file}: valid (1 target, 1 check)\n`);
  });

  it('exits 3 and names each bad field', async () => {
    const file = config('bad.yaml', '      - { name: home, kind: http, url: "nope", interval: soon }\n      - { name: db, kind: tcp, host: h, port: 99999 }\n');
    const r = await kaavan(['config', 'validate', '--config', file]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file}: targets.0.checks.0.url:`);
    expect(r.stderr).toContain(`${file}: targets.0.checks.0.interval: "soon" is not a duration`);
    expect(r.stderr).toContain(`${file}: targets.0.checks.1.port:`);
    const j = await kaavan(['config', 'validate', '--config', file, '--json']);
    expect(j.code).toBe(3);
    const out = JSON.parse(j.stdout);
    expect(out.valid).toBe(false);
    expect(out.issues.map((i: { path: string }) => i.path).sort()).toEqual(['targets.0.checks.0.interval', 'targets.0.checks.0.url', 'targets.0.checks.1.port']);
  });

  it('reports YAML syntax errors with a position, and a missing file clearly', async () => {
    const file = join(dir, 'syntax.yaml');
    writeFileSync(file, 'version: 1\ntargets: [\n');
    const r = await kaavan(['config', 'validate', '--config', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/\(syntax\): invalid YAML at line \d+, column \d+/);
    const missing = await kaavan(['config', 'validate', '--config', join(dir, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no configuration at');
  });

  it('accepts JSON configs', async () => {
    const file = join(dir, 'k.json');
    writeFileSync(file, JSON.stringify({ version: 1, targets: [{ name: 'a', checks: [{ name: 'p', kind: 'tcp', host: '127.0.0.1', port: upPort }] }] }));
    expect((await kaavan(['config', 'validate', '--config', file])).code).toBe(0);
  });
});

describe('kaavan config validate: messages people can act on', () => {
  it('suggests the nearest field for a typo, in words', async () => {
    const file = config('typo.yaml', `      - { name: port, kind: tcp, host: 127.0.0.1, port: ${upPort}, intervall: 5s }\n`);
    const r = await kaavan(['config', 'validate', '--config', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`${file}: targets.0.checks.0.intervall: unknown field "intervall"; did you mean "interval"?\n`);
  });

  it('calls an empty file empty (exit 3), not missing', async () => {
    const file = join(dir, 'empty.yaml');
    writeFileSync(file, '# nothing yet\n');
    const r = await kaavan(['config', 'validate', '--config', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`${file}: (file): the file is empty; a configuration starts with "version: 1"\n`);
  });

  it('makes an alias bomb a field error (exit 3) and prints no YAML warnings', async () => {
    const file = join(dir, 'bomb.yaml');
    writeFileSync(file, 'version: 1\nx: !weird 1\na: &a [1,1,1,1,1,1,1,1,1,1]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n');
    const r = await kaavan(['config', 'validate', '--config', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`${file}: b.0: the aliases expand to more than 100 copies (an alias bomb?); write the values out instead\n`);
  });

  it('rejects duplicate keys in a JSON file with their line', async () => {
    const file = join(dir, 'dup.json');
    writeFileSync(file, '{\n  "version": 1,\n  "version": 1\n}\n');
    const r = await kaavan(['config', 'validate', '--config', file]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`${file}: version: duplicate key "version" at line 3, column 3 (first at line 2); each key may appear once\n`);
  });

  it('says so when --config points to a folder', async () => {
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const r = await kaavan(['config', 'validate', '--config', folder]);
    expect(r.code).toBe(64);
    expect(r.stderr).toBe(`kaavan: --config points to a folder (${folder}); give the path of a YAML or JSON file\n`);
  });
});

describe('kaavan check --once', () => {
  it('prints only JSON with --json and exits 0 when all are up', async () => {
    const file = config('up.yaml', up(upPort) + `      - { name: port, kind: tcp, host: 127.0.0.1, port: ${upPort} }\n`);
    const r = await kaavan(['check', '--once', '--json', '--config', file]);
    expect(r.code).toBe(0);
    const { checks: rows, targets } = JSON.parse(r.stdout);
    expect(rows).toEqual([
      { target: 'web1', check: 'home', kind: 'http', status: 'up', latencyMs: expect.any(Number), message: expect.stringContaining('HTTP 200') },
      { target: 'web1', check: 'port', kind: 'tcp', status: 'up', latencyMs: expect.any(Number), message: expect.any(String) },
    ]);
    expect(targets).toEqual([
      { target: 'web1', status: 'up', health: { score: 1, band: 'excellent', classification: 'NORMAL', categories: [{ name: 'availability', weight: 25, score: 1, checks: 2 }] }, maintenance: null },
    ]);
  });

  it('exits 1 when something is degraded', async () => {
    const file = config('slow.yaml', up(upPort) + `      - { name: slow, kind: http, url: "http://127.0.0.1:${slowPort}/", expect: { maxLatency: 100ms } }\n`);
    const r = await kaavan(['check', '--once', '--json', '--config', file]);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).checks[1]).toMatchObject({ check: 'slow', status: 'degraded' });
  });

  it('exits 2 when something is down, and prints a readable table without --json', async () => {
    const file = config('down.yaml', up(upPort) + `      - { name: dead, kind: http, url: "http://127.0.0.1:${deadPort}/" }\n`);
    const r = await kaavan(['check', '--once', '--config', file]);
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^TARGET\s+CHECK\s+KIND\s+STATUS\s+LATENCY\s+MESSAGE$/);
    expect(lines[2]).toMatch(/^web1\s+dead\s+http\s+DOWN\s+-\s+.*refused/i);
    expect(lines[3]).toBe('web1  health 0.50 (critical, CRITICAL)');
  });

  it('skips disabled checks and exits 3 on an invalid config', async () => {
    const file = config('disabled.yaml', up(upPort) + `      - { name: dead, kind: http, enabled: false, url: "http://127.0.0.1:${deadPort}/" }\n`);
    const r = await kaavan(['check', '--once', '--json', '--config', file]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).checks).toHaveLength(1);
    expect((await kaavan(['check', '--once', '--config', config('inv.yaml', '      - { name: x, kind: nope }\n')])).code).toBe(3);
  });
});

describe('kaavan usage', () => {
  it('exits 64 on unknown commands and flags, with the reason on stderr', async () => {
    const r = await kaavan(['frobnicate']);
    expect(r.code).toBe(64);
    expect(r.stderr).toContain('unknown command "frobnicate"');
    expect((await kaavan(['check', '--bogus'])).code).toBe(64);
    expect((await kaavan(['check'])).stderr).toContain('needs --once');
  });

  it('suggests the nearest option or command for a typo', async () => {
    const option = await kaavan(['check', '--once', '--jsn']);
    expect(option.code).toBe(64);
    expect(option.stderr).toBe('kaavan: unknown option --jsn; did you mean --json?\n');
    const command = await kaavan(['serv']);
    expect(command.code).toBe(64);
    expect(command.stderr).toBe('kaavan: unknown command "serv"; did you mean "serve"?\n');
    const missing = await kaavan(['check', '--once', '--config']);
    expect(missing.stderr).toBe('kaavan: --config needs a value (e.g. --config FILE)\n');
  });
});

describe('kaavan serve', () => {
  it('binds 127.0.0.1, prints the URL with a token, and rejects requests without it', async () => {
    const file = config('serve.yaml', up(upPort));
    const child = spawn(process.execPath, [BIN, 'serve', '--json', '--port', '0', '--config', file, '--data', join(dir, 'serve-data')], { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolveLine, reject) => {
        let buf = '';
        child.stdout.on('data', (c) => {
          buf += c;
          if (buf.includes('\n')) resolveLine(buf.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`serve exited early with ${code}`)));
      });
      const info = JSON.parse(line) as { url: string; apiUrl: string; token: string; port: number };
      expect(info.apiUrl).toBe(`http://127.0.0.1:${info.port}`);
      expect(info.url).toBe(`${info.apiUrl}/#token=${info.token}`);
      const denied = await fetch(`${info.apiUrl}/api/rpc/overview`, { method: 'POST' });
      expect(denied.status).toBe(401);
      const allowed = await fetch(`${info.apiUrl}/api/rpc/overview`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` } });
      expect(allowed.status).toBe(200);
      const dashboard = await fetch(`${info.apiUrl}/`);
      expect(dashboard.status).toBe(200);
      expect(await dashboard.text()).toContain('<div id="root">');
    } finally {
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

/** A running `kaavan serve`: its output so far, its API, and a way to wait for a line. */
interface Serving {
  child: ChildProcess;
  info: { apiUrl: string; token: string; port: number };
  stderr: () => string;
  waitForStderr: (pattern: RegExp) => Promise<void>;
  targets: () => Promise<string[]>;
  stop: () => Promise<number | null>;
}

async function startServe(args: string[]): Promise<Serving> {
  const child = spawnChild(process.execPath, [BIN, 'serve', '--json', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
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
  const info = JSON.parse(line) as Serving['info'];
  return {
    child,
    info,
    stderr: () => err,
    waitForStderr: (pattern) =>
      new Promise((r, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ${pattern} on stderr: ${err}`)), 15_000);
        const look = () => {
          if (!pattern.test(err)) return;
          clearTimeout(timer);
          child.stderr!.off('data', look);
          r();
        };
        child.stderr!.on('data', look);
        look();
      }),
    targets: async () => {
      const res = await fetch(`${info.apiUrl}/api/rpc/overview`, { method: 'POST', headers: { authorization: `Bearer ${info.token}` } });
      const body = (await res.json()) as { result: { targets: Array<{ name: string }> } };
      return body.result.targets.map((t) => t.name);
    },
    stop: () => {
      if (child.exitCode !== null) return Promise.resolve(child.exitCode);
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      child.kill('SIGTERM');
      return exited;
    },
  };
}

describe('kaavan serve and its config file', () => {
  it('reloads on SIGHUP without stopping, reports an invalid file and keeps running on the old one', async () => {
    const file = join(dir, 'hup.yaml');
    writeFileSync(file, 'version: 1\ntargets:\n  - name: first\n');
    const serving = await startServe(['--config', file, '--data', join(dir, 'hup-data')]);
    try {
      expect(await serving.targets()).toEqual(['first']);
      writeFileSync(file, 'version: 1\ntargets:\n  - name: second # by hand\n');
      await serving.waitForStderr(/applied the edited/); // the watcher saw it
      expect(await serving.targets()).toEqual(['second']);
      serving.child.kill('SIGHUP');
      await serving.waitForStderr(/SIGHUP: reloaded .*hup\.yaml \(no changes\)\n/);
      writeFileSync(file, 'version: 1\ntargets:\n  - name: third\n    intervall: 5s\n');
      serving.child.kill('SIGHUP');
      await serving.waitForStderr(/SIGHUP: .*hup\.yaml is invalid; keeping the running configuration\n {2}targets\.0\.intervall: unknown field "intervall"; allowed here: name, tags, ssh, checks, enabled, dependsOn\n/);
      expect(serving.child.exitCode).toBeNull();
      expect(await serving.targets()).toEqual(['second']);
    } finally {
      expect(await serving.stop()).toBe(0);
    }
  });

  it('refuses a second serve on the same data folder, naming the first', async () => {
    const file = config('lock.yaml', up(upPort));
    const data = join(dir, 'lock-data');
    const first = await startServe(['--config', file, '--data', data]);
    try {
      const r = await new Promise<{ code: number | null; stderr: string }>((res) => {
        const child = spawnChild(process.execPath, [BIN, 'serve', '--config', file, '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
        let err = '';
        // Without the lock the second one would run on: stop it, and the assertions below fail.
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.stderr!.on('data', (c) => (err += c));
        child.on('exit', (code) => {
          clearTimeout(timer);
          res({ code, stderr: err });
        });
      });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`^kaavan: the data folder .*lock-data is in use by kaavan serve \\(pid ${first.child.pid}, since \\d\\d:\\d\\d\\); stop it or pass --data DIR\n$`));
      // Read-only commands still work on a folder in use.
      expect((await kaavan(['config', 'validate', '--config', file])).code).toBe(0);
    } finally {
      await first.stop();
    }
  });

  it('says a port is in use in words', async () => {
    const busy = await listen((_q, r) => r.end());
    const r = await kaavan(['serve', '--port', String(busy), '--config', config('busy.yaml', up(upPort))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`kaavan: port ${busy} is already in use; pick another with --port or omit it\n`);
  });

  it('keeps the comments of a hand-written file when the API changes it', async () => {
    const file = join(dir, 'comments.yaml');
    writeFileSync(file, '# my servers\nversion: 1\ntargets:\n  - name: a # the first\n    tags: [x, y]\n');
    const serving = await startServe(['--config', file, '--data', join(dir, 'comments-data')]);
    try {
      const res = await fetch(`${serving.info.apiUrl}/api/rpc/updateSettings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${serving.info.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ paused: true }),
      });
      expect(res.status).toBe(200);
      expect(readFileSync(file, 'utf8')).toBe('# my servers\nversion: 1\ntargets:\n  - name: a # the first\n    tags: [x, y]\nsettings:\n  paused: true\n');
    } finally {
      await serving.stop();
    }
  });
});

describe('kaavan secret (real OS keychain)', () => {
  const keychain = process.env.KAAVAN_KEYRING_TEST === '1';
  it.skipIf(!keychain)('stores a value read from stdin, lists names only, deletes it', async () => {
    const name = `cli-test-${process.pid}`;
    const set = await kaavan(['secret', 'set', name], 's3cr3t value\n');
    expect(set.code).toBe(0);
    expect(set.stdout).toBe(`Stored secret "${name}" in the keychain.\n`);
    const list = await kaavan(['secret', 'list', '--json']);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toContainEqual({ name, source: 'keychain' });
    expect(list.stdout).not.toContain('s3cr3t');
    expect((await kaavan(['secret', 'delete', name])).code).toBe(0);
    const again = await kaavan(['secret', 'delete', name]);
    expect(again.code).toBe(1);
    expect(again.stdout).toContain(`No secret "${name}"`);
  });

  it('refuses an empty value and a bad name with the reason', async () => {
    const empty = await kaavan(['secret', 'set', 'x'], '');
    expect(empty.code).toBe(64);
    expect(empty.stderr).toContain('no value on stdin');
    const bad = await kaavan(['secret', 'set', 'bad name!'], 'v');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('bad name!');
  });
});
