// The backup commands of DESIGN §4 through the built `kaavan` binary: back up a folder (encrypted,
// passphrase from the environment fallback), list it, verify it, restore it byte for byte, and
// restore only what an --include glob names. Bad input exits non-zero with the reason on stderr.
// A folder on an SSH target (a real sshd on 127.0.0.1) is backed up over the target's connection.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeClientKey, sshdUnavailableReason, startSshd, type TestSshd } from '../helpers/sshd.js';
import { describeTree, diffTrees } from '../core/backup/tree.js';

const BIN = resolve('bin/kaavan.js');
let dir: string;
let configFile: string;

function kaavan(args: string[], env: Record<string, string> = {}, config = configFile): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args, '--config', config, '--data', join(dir, 'data')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KAAVAN_SECRET_DOCS_BACKUP: 'correct horse battery staple', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kaavan-backup-cli-'));
  const source = join(dir, 'Documents');
  mkdirSync(join(source, 'reports', 'ünïcode dir'), { recursive: true });
  writeFileSync(join(source, 'notes.txt'), 'remember the milk\n');
  writeFileSync(join(source, 'reports', 'q3.csv'), 'a,b\n1,2\n'.repeat(1000));
  writeFileSync(join(source, 'reports', 'ünïcode dir', 'file with spaces.bin'), Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256)));
  configFile = join(dir, 'kaavan.yaml');
  writeFileSync(
    configFile,
    `version: 1
backups:
  - name: docs
    sources: [{ path: ${JSON.stringify(source)} }]
    destination: { kind: local, path: ${JSON.stringify(join(dir, 'backup-disk'))} }
    encryption: { passphraseRef: docs-backup }
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('kaavan backup and restore', () => {
  let runId = '';

  it('backs up a job, printing one JSON object on stdout and progress on stderr', { timeout: 60_000 }, async () => {
    const r = await kaavan(['backup', 'run', 'docs', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { id: string; job: string; status: string; files: number; bytes: number; storedBytes: number; durationMs: number };
    expect(out).toMatchObject({ job: 'docs', status: 'succeeded', files: 3 });
    expect(out.bytes).toBe(18 + 8000 + 70_000);
    expect(out.storedBytes).toBeGreaterThan(0);
    expect(r.stderr).toMatch(/docs: (scanning|archiving|uploading|verifying|succeeded)/);
    runId = out.id;
  });

  it('lists the run and verifies it', { timeout: 60_000 }, async () => {
    const list = await kaavan(['backup', 'list', '--json']);
    expect(list.code, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ id: string; job: string; status: string }>).map((r) => [r.id, r.job, r.status])).toEqual([[runId, 'docs', 'succeeded']]);
    const verify = await kaavan(['backup', 'verify', runId, '--json']);
    expect(verify.code, verify.stderr).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ run: runId, ok: true, files: 3 });
  });

  it('restores the whole run byte for byte, and only what --include names', { timeout: 60_000 }, async () => {
    const to = join(dir, 'restored');
    const r = await kaavan(['restore', runId, '--to', to, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const restored = JSON.parse(r.stdout) as { run: string; status: string; restored: number; failed: number };
    expect(restored).toMatchObject({ run: runId, status: 'succeeded', failed: 0 });
    expect(restored.restored).toBeGreaterThanOrEqual(3);
    const source = join(dir, 'Documents');
    const restoredRoot = findFile(to, 'notes.txt');
    expect(restoredRoot, 'notes.txt restored somewhere under the target').not.toBeNull();
    const base = restoredRoot!.slice(0, -'notes.txt'.length);
    for (const file of ['notes.txt', 'reports/q3.csv', 'reports/ünïcode dir/file with spaces.bin']) {
      expect(readFileSync(join(base, file)).equals(readFileSync(join(source, file))), file).toBe(true);
    }
    const only = join(dir, 'only-csv');
    const partial = await kaavan(['restore', runId, '--to', only, '--include', '**/*.csv', '--json']);
    expect(partial.code, partial.stderr).toBe(0);
    expect(findFile(only, 'q3.csv')).not.toBeNull();
    expect(findFile(only, 'notes.txt')).toBeNull();
  });

  it('a wrong passphrase fails before anything is written, naming the run', { timeout: 60_000 }, async () => {
    const to = join(dir, 'wrong-pass');
    const r = await kaavan(['restore', runId, '--to', to], { KAAVAN_SECRET_DOCS_BACKUP: 'not the passphrase' });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/passphrase/i);
    expect(existsSync(to) ? findFile(to, 'notes.txt') : null).toBeNull();
  });

  it('an unknown job is named, with the nearest one', async () => {
    const r = await kaavan(['backup', 'run', 'doc']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no backup job "doc"');
    expect(r.stderr).toContain('did you mean "docs"?');
  });
});

describe.skipIf(sshdUnavailableReason())('kaavan backup run with a folder on an SSH target', () => {
  let sshd: TestSshd;
  let remoteConfig: string;
  let keyEnv: Record<string, string>;
  let remoteSource: string;
  beforeAll(async () => {
    remoteSource = join(dir, 'srv www');
    mkdirSync(join(remoteSource, 'ünïcode dir'), { recursive: true });
    writeFileSync(join(remoteSource, 'index.html'), '<h1>web1</h1>\n');
    writeFileSync(join(remoteSource, 'ünïcode dir', 'blob.bin'), Buffer.from(Array.from({ length: 40_000 }, (_, i) => (i * 7) % 256)));
    writeFileSync(join(remoteSource, 'empty.txt'), '');
    const key = makeClientKey();
    keyEnv = { KAAVAN_SECRET_WEB1_KEY: key.privateKey };
    sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    remoteConfig = join(dir, 'remote.yaml');
    const ssh = JSON.stringify({ host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'web1-key', hostKey: sshd.hostKeyFingerprint });
    writeFileSync(
      remoteConfig,
      `version: 1
targets:
  - { name: web1, ssh: ${ssh} }
backups:
  - name: www
    sources: [{ path: ${JSON.stringify(remoteSource)}, target: web1 }]
    destination: { kind: local, path: ${JSON.stringify(join(dir, 'remote-disk'))} }
    encryption: { passphraseRef: docs-backup }
`,
    );
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('reads the folder over SSH and the run restores byte for byte', { timeout: 60_000 }, async () => {
    const run = await kaavan(['backup', 'run', 'www', '--json'], keyEnv, remoteConfig);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout) as { id: string; status: string; files: number; bytes: number };
    expect(out).toMatchObject({ status: 'succeeded', files: 3, bytes: 14 + 40_000 });
    const to = join(dir, 'remote-restored');
    const restore = await kaavan(['restore', out.id, '--to', to, '--json'], {}, remoteConfig);
    expect(restore.code, restore.stderr).toBe(0);
    const back = join(to, 'kaavan-remote', 'web1', ...remoteSource.split('/').filter(Boolean));
    expect(diffTrees(describeTree(remoteSource), describeTree(back))).toEqual([]);
  });

  it('without the key secret, says the target could not be read', { timeout: 60_000 }, async () => {
    const run = await kaavan(['backup', 'run', 'www'], {}, remoteConfig);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/web1/);
    expect(run.stderr).toMatch(/web1-key/);
  });

  it('refuses a config whose source names a missing target, at its field', async () => {
    const bad = join(dir, 'bad-remote.yaml');
    writeFileSync(bad, readFileSync(remoteConfig, 'utf8').replace('target: web1', 'target: web9'));
    const run = await kaavan(['backup', 'run', 'www'], keyEnv, bad);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('backups.0.sources.0.target');
    expect(run.stderr).toContain('no target named "web9"; did you mean "web1"?');
  });
});

function findFile(root: string, name: string): string | null {
  if (!existsSync(root)) return null;
  const stack = [root];
  while (stack.length) {
    const d = stack.pop()!;
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) stack.push(p);
      else if (entry.name === name) return p;
    }
  }
  return null;
}
