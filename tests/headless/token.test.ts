// The dashboard token of `kaavan serve` survives a restart (kept in the data folder, 0600),
// `--new-token` replaces it, and KAAVAN_TOKEN overrides it. `serve` runs in this process through
// the CLI's main(), against a real data folder and a real HTTP listener.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src-main/headless/cli.js';
import { loadServeToken, tokenFile } from '../../src-main/headless/token.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-token-'));
  writeFileSync(join(dir, 'config.yaml'), 'version: 1\ntargets:\n  - name: web1\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Running {
  info: { url: string; apiUrl: string; token: string; tokenSource: string; tokenFile: string | null };
  stdout: string;
  stop(): Promise<number>;
}

/** `kaavan serve --json` with the given extra args and environment; resolves once it printed its URL. */
async function serve(data: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<Running> {
  let stdout = '';
  let stderr = '';
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  let printed!: (line: string) => void;
  const firstLine = new Promise<string>((r) => (printed = r));
  const exit = main(['serve', '--json', '--port', '0', '--config', join(dir, 'config.yaml'), '--data', data, ...args], {
    stdout: (t) => {
      stdout += t;
      printed(stdout.split('\n')[0]!);
    },
    stderr: (t) => void (stderr += t),
    env,
    staticDir: null,
    installGuards: false,
    waitForStop: () => stopped,
    onReloadSignal: () => () => undefined,
  });
  const line = await Promise.race([firstLine, exit.then((code) => Promise.reject(new Error(`serve exited with ${code}: ${stderr}`)))]);
  return {
    info: JSON.parse(line) as Running['info'],
    stdout,
    stop: async () => {
      stop();
      return exit;
    },
  };
}

const overview = (apiUrl: string, token: string) => fetch(`${apiUrl}/api/rpc/overview`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });

describe('the serve token', () => {
  it('is created on first serve in the data folder, readable by the owner only, and kept across a restart', async () => {
    const data = join(dir, 'restart');
    const first = await serve(data);
    expect(first.info.tokenSource).toBe('created');
    expect(first.info.tokenFile).toBe(tokenFile(data));
    expect(statSync(tokenFile(data)).mode & 0o777).toBe(0o600);
    expect(readFileSync(tokenFile(data), 'utf8').trim()).toBe(first.info.token);
    expect((await overview(first.info.apiUrl, first.info.token)).status).toBe(200);
    expect(await first.stop()).toBe(0);

    const second = await serve(data);
    try {
      expect(second.info.tokenSource).toBe('file');
      expect(second.info.token).toBe(first.info.token);
      // A tab opened before the restart still has the old token: it keeps working.
      expect((await overview(second.info.apiUrl, first.info.token)).status).toBe(200);
    } finally {
      await second.stop();
    }
  });

  it('is replaced by --new-token: the old one is refused, the new one works and is kept', async () => {
    const data = join(dir, 'rotate');
    const first = await serve(data);
    await first.stop();
    const rotated = await serve(data, ['--new-token']);
    try {
      expect(rotated.info.tokenSource).toBe('rotated');
      expect(rotated.info.token).not.toBe(first.info.token);
      expect((await overview(rotated.info.apiUrl, first.info.token)).status).toBe(401);
      expect((await overview(rotated.info.apiUrl, rotated.info.token)).status).toBe(200);
      expect(readFileSync(tokenFile(data), 'utf8').trim()).toBe(rotated.info.token);
      expect(statSync(tokenFile(data)).mode & 0o777).toBe(0o600);
    } finally {
      await rotated.stop();
    }
  });

  it('comes from KAAVAN_TOKEN when set, leaving the file alone', async () => {
    const data = join(dir, 'env');
    const first = await serve(data);
    await first.stop();
    const fromEnv = await serve(data, [], { KAAVAN_TOKEN: 'a-token-from-the-environment' });
    try {
      expect(fromEnv.info.tokenSource).toBe('environment');
      expect(fromEnv.info.token).toBe('a-token-from-the-environment');
      expect((await overview(fromEnv.info.apiUrl, 'a-token-from-the-environment')).status).toBe(200);
      expect((await overview(fromEnv.info.apiUrl, first.info.token)).status).toBe(401);
      expect(readFileSync(tokenFile(data), 'utf8').trim()).toBe(first.info.token);
    } finally {
      await fromEnv.stop();
    }
  });

  it('refuses a short KAAVAN_TOKEN, and --new-token with KAAVAN_TOKEN, saying why', async () => {
    const messages: string[] = [];
    const io = { stdout: () => undefined, stderr: (t: string) => void messages.push(t), staticDir: null, installGuards: false, waitForStop: async () => undefined };
    const args = ['serve', '--port', '0', '--config', join(dir, 'config.yaml')];
    expect(await main([...args, '--data', join(dir, 'short')], { ...io, env: { KAAVAN_TOKEN: 'abc' } })).toBe(64);
    expect(messages.pop()).toBe('kaavan: KAAVAN_TOKEN must be at least 16 characters long\n');
    expect(await main([...args, '--data', join(dir, 'short'), '--new-token'], { ...io, env: { KAAVAN_TOKEN: 'a-token-from-the-environment' } })).toBe(64);
    expect(messages.pop()).toBe('kaavan: --new-token cannot replace a token given in KAAVAN_TOKEN; unset it or change its value\n');
  });

  it('narrows a token file others could read back to 0600, and replaces an empty one', async () => {
    const data = join(dir, 'perms');
    const made = await loadServeToken(data);
    chmodSync(made.file!, 0o644);
    const again = await loadServeToken(data);
    expect(again).toEqual({ token: made.token, source: 'file', file: made.file });
    expect(statSync(made.file!).mode & 0o777).toBe(0o600);
    writeFileSync(made.file!, '\n');
    const fresh = await loadServeToken(data);
    expect(fresh.source).toBe('created');
    expect(fresh.token).not.toBe(made.token);
  });

  it('prints where the token comes from in the human-readable start message', async () => {
    const data = join(dir, 'human');
    let stdout = '';
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let exit!: Promise<number>;
    const started = new Promise<void>((r) => {
      exit = main(['serve', '--port', '0', '--config', join(dir, 'config.yaml'), '--data', data], {
        stdout: (t) => {
          stdout += t;
          if (stdout.includes('Ctrl+C')) r();
        },
        stderr: () => undefined,
        env: {},
        staticDir: null,
        installGuards: false,
        waitForStop: () => stopped,
        onReloadSignal: () => () => undefined,
      });
    });
    await started;
    stop();
    expect(await exit).toBe(0);
    expect(stdout).toContain(`Token: new, kept in ${tokenFile(data)} for the next start.`);
  });
});
