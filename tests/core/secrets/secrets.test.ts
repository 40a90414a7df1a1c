// The secrets module against the real OS keychain (no mocks of the keyring).
// Keychain tests need a Secret Service: run them with `bash scripts/with-keyring.sh npx vitest run`
// (npm test always does); outside it they are skipped. The "no keychain" tests run everywhere.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KaavanError } from '../../../src-main/core/api/errors.js';
import {
  createSecretStore,
  envVarName,
  isValidSecretName,
  MAX_SECRET_BYTES,
  type SecretStore,
} from '../../../src-main/core/secrets/secrets.js';

const run = promisify(execFile);
const KEYRING = process.env.KAAVAN_KEYRING_TEST === '1';
const SKIP_NOTE = 'needs a real keychain: skipped unless KAAVAN_KEYRING_TEST=1 (run under `bash scripts/with-keyring.sh`)';
if (!KEYRING) console.warn(`[secrets.test] real-keychain tests: ${SKIP_NOTE}`);

const SECRETS_MODULE = pathToFileURL(resolve('src-main/core/secrets/secrets.ts')).href;
const uid = () => randomBytes(5).toString('hex');

async function rejection(p: Promise<unknown>): Promise<KaavanError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(KaavanError);
    return err as KaavanError;
  }
  throw new Error('expected a rejection');
}

async function secretTool(...args: string[]): Promise<string> {
  return (await run('secret-tool', args, { encoding: 'utf8' })).stdout;
}

describe('secret names and environment variables', () => {
  it('maps names to KAAVAN_SECRET_<NAME>', () => {
    expect(envVarName('docs-backup')).toBe('KAAVAN_SECRET_DOCS_BACKUP');
    expect(envVarName('smtp.ops')).toBe('KAAVAN_SECRET_SMTP_OPS');
    expect(envVarName('web1-key')).toBe('KAAVAN_SECRET_WEB1_KEY');
    expect(envVarName('a_B-c.9')).toBe('KAAVAN_SECRET_A_B_C_9');
    expect(envVarName('x')).toBe('KAAVAN_SECRET_X');
  });

  it('accepts letters, digits, ".", "_", "-" from 1 to 128 characters', () => {
    for (const ok of ['a', 'smtp-ops', 'docs.backup_2', 'A.B-C_d', '0', 'x'.repeat(128)]) expect(isValidSecretName(ok)).toBe(true);
    for (const bad of ['', 'a b', 'a/b', 'ä', 'a:b', 'x'.repeat(129), 'new\nline', '../x', 'a$b']) expect(isValidSecretName(bad)).toBe(false);
  });

  it('rejects invalid names with invalid_input naming the name, before touching any keychain', async () => {
    const store = createSecretStore({ env: {} });
    for (const bad of ['', 'a b', 'a/b', 'ä', 'x'.repeat(129)]) {
      for (const p of [store.get(bad), store.set(bad, 'v'), store.delete(bad)]) {
        const e = await rejection(p);
        expect(e.code).toBe('invalid_input');
        expect(e.message).toContain(JSON.stringify(bad));
      }
    }
    expect(() => envVarName('a b')).toThrow(/invalid secret name "a b"/);
    const e = await rejection(store.get(42 as unknown as string));
    expect(e.code).toBe('invalid_input');
  });

  it('rejects empty and oversized values without quoting them', async () => {
    const store = createSecretStore({ env: {}, backend: null });
    expect((await rejection(store.set('ok', ''))).code).toBe('invalid_input');
    const big = 's3cr3t'.repeat(Math.ceil(MAX_SECRET_BYTES / 6) + 1);
    const e = await rejection(store.set('ok', big));
    expect(e.code).toBe('invalid_input');
    expect(e.message).not.toContain('s3cr3t');
  });
});

describe('environment fallback without a keychain (backend: null)', () => {
  const env = {
    KAAVAN_SECRET_DOCS_BACKUP: 'from-env',
    KAAVAN_SECRET_SMTP_OPS: 'smtp',
    KAAVAN_SECRET_EMPTY: '',
    KAAVAN_SECRET_lower: 'not a name envVarName can produce',
    OTHER: 'x',
  };
  const store = createSecretStore({ env, backend: null });

  it('get() reads KAAVAN_SECRET_<NAME>; every name mapping to the variable finds it', async () => {
    expect(await store.get('docs-backup')).toBe('from-env');
    expect(await store.get('docs.backup')).toBe('from-env');
    expect(await store.get('DOCS_BACKUP')).toBe('from-env');
    expect(await store.get('missing')).toBeNull();
    expect(await store.get('empty')).toBeNull(); // an empty variable counts as unset
  });

  it('list() reports env secrets by their variable name, lower-cased', async () => {
    expect(await store.list()).toEqual([
      { name: 'docs_backup', source: 'env' },
      { name: 'smtp_ops', source: 'env' },
    ]);
  });

  it('set() says to use the environment; delete() has nothing to delete', async () => {
    const e = await rejection(store.set('docs-backup', 'v'));
    expect(e.code).toBe('unavailable');
    expect(e.message).toContain('KAAVAN_SECRET_DOCS_BACKUP');
    expect(await store.delete('docs-backup')).toBe(false);
  });

  it('reads the environment at call time', async () => {
    const live: NodeJS.ProcessEnv = {};
    const s = createSecretStore({ env: live, backend: null });
    expect(await s.get('late')).toBeNull();
    live.KAAVAN_SECRET_LATE = 'now';
    expect(await s.get('late')).toBe('now');
  });
});

// ---------------------------------------------------------------------------------------------
// No usable keychain: a child Node process whose D-Bus session bus is missing.

interface ChildReport {
  set: { code?: string; message?: string; ok?: boolean };
  getEnvOnly: { value?: string | null; code?: string; message?: string };
  getMissing: { value?: string | null; code?: string; message?: string };
  list: { value?: unknown; code?: string; message?: string };
  del: { value?: boolean; code?: string; message?: string };
}

const CHILD_SCRIPT = `
const { createSecretStore } = await import(${JSON.stringify(SECRETS_MODULE)});
const store = createSecretStore();
const attempt = async (f) => { try { return { ok: true, value: await f() }; } catch (e) { return { code: e.code, message: e.message }; } };
const report = {
  set: await attempt(() => store.set('probe', 'hunter2-VALUE-must-not-leak')),
  getEnvOnly: await attempt(() => store.get('env-only')),
  getMissing: await attempt(() => store.get('nowhere-at-all')),
  list: await attempt(() => store.list()),
  del: await attempt(() => store.delete('probe')),
};
process.stdout.write(JSON.stringify(report));
`;

async function runChild(envChanges: Record<string, string | undefined>, wrap: string[] = []): Promise<ChildReport> {
  const home = mkdtempSync(join(tmpdir(), 'kaavan-secrets-child-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, XDG_RUNTIME_DIR: home, KAAVAN_SECRET_ENV_ONLY: 'env-value' };
    delete env.GNOME_KEYRING_CONTROL;
    for (const [k, v] of Object.entries(envChanges)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    const argv = [...wrap, process.execPath, '--import', 'tsx', '--input-type=module', '-e', CHILD_SCRIPT];
    const child = spawn(argv[0]!, argv.slice(1), { env, cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((res) => child.on('close', res));
    if (code !== 0) throw new Error(`child exited ${code}: ${err}`);
    return JSON.parse(out) as ChildReport;
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function expectUnavailable(r: { code?: string; message?: string }, envVar: string) {
  expect(r.code).toBe('unavailable');
  expect(r.message).toMatch(/OS keychain is unavailable/);
  expect(r.message).toContain(envVar);
  expect(r.message).not.toContain('hunter2');
}

describe('without a usable keychain (child process, temp HOME)', () => {
  for (const [label, changes] of [
    ['DBUS_SESSION_BUS_ADDRESS points nowhere', { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/kaavan-no-bus' }],
    ['DBUS_SESSION_BUS_ADDRESS unset', { DBUS_SESSION_BUS_ADDRESS: undefined }],
  ] as const) {
    it(`${label}: set() fails clearly, get() of an env-only secret still works`, async () => {
      const r = await runChild(changes);
      expectUnavailable(r.set, 'KAAVAN_SECRET_PROBE');
      expect(r.set.message).toMatch(/D-Bus session bus/);
      expect(r.set.message).toMatch(/dbus-run-session/);
      expect(r.getEnvOnly.value).toBe('env-value');
      // Not in the env and the keychain could not be asked: an error, not a misleading null.
      expectUnavailable(r.getMissing, 'KAAVAN_SECRET_NOWHERE_AT_ALL');
      // Env secrets are still listed (the server-without-keychain case).
      expect(r.list.value).toEqual([{ name: 'env_only', source: 'env' }]);
      expectUnavailable(r.del, 'KAAVAN_SECRET_PROBE');
    });
  }

  it.skipIf(!KEYRING)('a session bus whose keyring is locked: set() fails clearly, env still works', async () => {
    // dbus-run-session without unlocking: D-Bus activates gnome-keyring with no unlocked keyring.
    const r = await runChild({ DBUS_SESSION_BUS_ADDRESS: undefined }, ['dbus-run-session', '--']);
    expectUnavailable(r.set, 'KAAVAN_SECRET_PROBE');
    expect(r.set.message).toMatch(/locked/);
    expect(r.getEnvOnly.value).toBe('env-value');
  });
});

// ---------------------------------------------------------------------------------------------
// The real keychain.

describe.skipIf(!KEYRING)(`real OS keychain (${SKIP_NOTE})`, () => {
  // Each run gets its own service so list() sees only this file's items, whatever else runs.
  const service = `kaavan-test-${uid()}`;
  const created: Array<[SecretStore, string]> = [];
  let store: SecretStore;

  beforeAll(() => {
    store = createSecretStore({ service, env: {} });
  });

  afterAll(async () => {
    for (const [s, name] of created) await s.delete(name).catch(() => undefined);
  });

  const track = (s: SecretStore, name: string) => {
    created.push([s, name]);
    return name;
  };

  it('set / get / list / delete round trip', async () => {
    const name = track(store, 'smtp-ops');
    expect(await store.get(name)).toBeNull();
    expect(await store.set(name, 'p@ss w0rd')).toEqual({ name, source: 'keychain' });
    expect(await store.get(name)).toBe('p@ss w0rd');
    expect(await store.list()).toEqual([{ name, source: 'keychain' }]);

    await store.set(name, 'replaced');
    expect(await store.get(name)).toBe('replaced');
    expect(await store.list()).toEqual([{ name, source: 'keychain' }]);

    expect(await store.delete(name)).toBe(true);
    expect(await store.get(name)).toBeNull();
    expect(await store.delete(name)).toBe(false);
    expect(await store.list()).toEqual([]);
  });

  it('stores under service "kaavan", account = name, visible to secret-tool', async () => {
    const kaavan = createSecretStore({ env: {} });
    const name = track(kaavan, `probe-${uid()}`);
    await kaavan.set(name, 'seen-by-secret-tool');
    // keyring-rs stores the account in the Secret Service attribute "username".
    expect(await secretTool('lookup', 'service', 'kaavan', 'username', name)).toBe('seen-by-secret-tool');
    expect(await kaavan.list()).toContainEqual({ name, source: 'keychain' });

    // And the other way: an item put there by another tool is read back.
    const other = track(kaavan, `from-tool-${uid()}`);
    await run('sh', ['-c', 'printf %s "$V" | secret-tool store --label=test service kaavan username "$N"'], {
      env: { ...process.env, V: 'written-by-secret-tool', N: other },
    });
    expect(await kaavan.get(other)).toBe('written-by-secret-tool');

    expect(await kaavan.delete(name)).toBe(true);
    await expect(secretTool('lookup', 'service', 'kaavan', 'username', name)).rejects.toThrow();
  });

  it('keeps unicode, newlines, whitespace and long values exactly', async () => {
    const values = [
      'línea 1\nline 2\r\nline 3\n',
      '  leading and trailing spaces  ',
      '🔑 naïve — 秘密 — пароль\t"quotes" \'single\' $HOME `tick` \\back',
      '-----BEGIN OPENSSH PRIVATE KEY-----\n' + 'QUJD'.repeat(800) + '\n-----END OPENSSH PRIVATE KEY-----\n',
      'x',
    ];
    for (const [i, value] of values.entries()) {
      const name = track(store, `value.${i}`);
      await store.set(name, value);
      expect(await store.get(name)).toBe(value);
      expect(await secretTool('lookup', 'service', service, 'username', name)).toBe(value);
    }
  });

  it('accepts every allowed character in names, up to 128', async () => {
    for (const name of ['A.b_c-9', 'n'.repeat(128)]) {
      track(store, name);
      await store.set(name, 'v');
      expect(await store.get(name)).toBe('v');
      expect(await store.delete(name)).toBe(true);
    }
  });

  it('env fallback, and the keychain wins when both exist', async () => {
    const env: NodeJS.ProcessEnv = { KAAVAN_SECRET_DOCS_BACKUP: 'from-env', KAAVAN_SECRET_ONLY_ENV: 'e' };
    const s = createSecretStore({ service: `${service}-env`, env });
    const name = track(s, 'docs-backup');
    expect(await s.get(name)).toBe('from-env');
    expect(await s.list()).toEqual([
      { name: 'docs_backup', source: 'env' },
      { name: 'only_env', source: 'env' },
    ]);

    await s.set(name, 'from-keychain');
    expect(await s.get(name)).toBe('from-keychain');
    // The keychain item shadows the variable it maps to; it is listed once, from the keychain.
    expect(await s.list()).toEqual([
      { name: 'docs-backup', source: 'keychain' },
      { name: 'only_env', source: 'env' },
    ]);

    expect(await s.delete(name)).toBe(true);
    expect(await s.get(name)).toBe('from-env');
  });

  it('list() sees concurrent writes and skips foreign items with names Kaavan cannot use', async () => {
    const s = createSecretStore({ service: `${service}-many`, env: {} });
    const names = Array.from({ length: 8 }, (_, i) => track(s, `many-${i}`));
    await Promise.all(names.map((n, i) => s.set(n, `value-${i}`)));
    await run('sh', ['-c', 'printf x | secret-tool store --label=foreign service "$S" username "not a valid name"'], {
      env: { ...process.env, S: `${service}-many` },
    });
    expect(await s.list()).toEqual(names.map((name) => ({ name, source: 'keychain' })));
    expect(await Promise.all(names.map((n) => s.get(n)))).toEqual(names.map((_, i) => `value-${i}`));
    await run('secret-tool', ['clear', 'service', `${service}-many`, 'username', 'not a valid name']);
  });

  it('list() never returns values', async () => {
    const name = track(store, 'no-values-in-list');
    await store.set(name, 'VALUE-NOT-IN-LIST');
    const listed = JSON.stringify(await store.list());
    expect(listed).toContain(name);
    expect(listed).not.toContain('VALUE-NOT-IN-LIST');
  });
});
