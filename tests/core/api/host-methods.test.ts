// The hosts section of the service, through the whole core against a real sshd and real files:
// the SSH connection of a target is validated with issues under "ssh." and written to the file;
// the offered host key is shown and trusted only when the server still offers the key that was
// shown; the host panel's figures come from the checks' own results and memory.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { KaavanError } from '../../../src-main/core/api/errors.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { memorySecrets, waitFor } from '../../helpers/core-harness.js';
import { makeClientKey, sshdUnavailableReason, startSshd, stopAllSshd, type TestSshd } from '../../helpers/sshd.js';

const unavailable = sshdUnavailableReason();
let dir: string;
let configFile: string;
let watched: string;
let sshd: TestSshd;
let runtime: KaavanRuntime;

/** Probes now; a scheduled probe in flight (after start or a host change) is waited out. */
async function runNow(check: string) {
  return waitFor(async () => {
    try {
      return await runtime.service.runCheckNow({ target: 'web1', check });
    } catch (error) {
      if (error instanceof KaavanError && error.code === 'conflict') return null;
      throw error;
    }
  }, 60_000);
}

async function rejection(promise: Promise<unknown>): Promise<KaavanError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KaavanError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  if (unavailable) return;
  dir = mkdtempSync(join(tmpdir(), 'kaavan-host-methods-'));
  watched = join(dir, 'etc');
  mkdirSync(watched);
  writeFileSync(join(watched, 'a.conf'), 'a\n');
  const key = makeClientKey();
  sshd = await startSshd({ authorizedKeys: [key.publicKey] });
  configFile = join(dir, 'kaavan.yaml');
  writeFileSync(
    configFile,
    `version: 1
targets:
  - name: web1 # the box under the desk
    checks:
      - { name: etc, kind: files, paths: [${JSON.stringify(watched)}], interval: 1h, timeout: 30s, retries: 0 }
      - { name: root, kind: disk, path: ${JSON.stringify(dir)}, interval: 1h, timeout: 30s }
`,
  );
  runtime = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', logger: silentLogger, secrets: memorySecrets({ 'web1-key': key.privateKey }) });
  await runtime.start();
});

afterAll(async () => {
  if (unavailable) return;
  await runtime?.stop();
  await stopAllSshd();
  rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(unavailable)('hosts service methods', () => {
  it('a target’s SSH connection: issues under "ssh.", then written to the file with its comments', async () => {
    const service = runtime.service;
    const noLogin = await rejection(service.saveTargetSsh({ target: 'web1', ssh: { host: '127.0.0.1', user: 'root' } }));
    expect(noLogin.issues).toEqual([{ path: 'ssh', message: expect.stringMatching(/needs a way to log in/) }]);
    const badUser = await rejection(service.saveTargetSsh({ target: 'web1', ssh: { host: '127.0.0.1', user: 'root me', keyRef: 'web1-key' } }));
    expect(badUser.issues?.[0]?.path).toBe('ssh.user');

    await service.saveTargetSsh({ target: 'web1', ssh: { host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'web1-key' } });
    const text = readFileSync(configFile, 'utf8');
    expect(text).toContain('# the box under the desk');
    expect((await service.getConfig()).targets![0]!.ssh).toEqual({ host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'web1-key' });
  });

  it('shows the offered key and trusts only the key that was shown', async () => {
    const service = runtime.service;
    const offer = await service.hostKeyOffer({ target: 'web1' });
    expect(offer).toEqual({ address: `127.0.0.1:${sshd.port}`, fingerprint: sshd.hostKeyFingerprint, pinned: null, state: 'unknown' });
    // The same answer for a host and port typed in the form before saving.
    expect((await service.hostKeyOffer({ host: '127.0.0.1', port: sshd.port })).fingerprint).toBe(sshd.hostKeyFingerprint);

    const swapped = await rejection(service.trustHostKey({ target: 'web1', fingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }));
    expect(swapped.code).toBe('conflict');
    expect(swapped.message).toContain(`now offers ${sshd.hostKeyFingerprint}`);
    expect((await service.getConfig()).targets![0]!.ssh!.hostKey).toBeUndefined();

    await service.trustHostKey({ target: 'web1', fingerprint: offer.fingerprint });
    expect((await service.getConfig()).targets![0]!.ssh!.hostKey).toBe(sshd.hostKeyFingerprint);
    expect((await service.hostKeyOffer({ target: 'web1' })).state).toBe('trusted');
    const audit = await service.listAudit({ limit: 10 });
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['host.trust', 'target.ssh']));
  });

  it('the host panel: disk figures, the files diff, and accept clearing it', { timeout: 120_000 }, async () => {
    const service = runtime.service;
    // After the trust the engine rebuilt the host: probes now run over SSH.
    expect((await runNow('etc')).message).toMatch(/baseline recorded: 1 files|1 files unchanged/);
    expect((await runNow('root')).status).toBe('up');
    writeFileSync(join(watched, 'b.conf'), 'new\n');
    const changed = await runNow('etc');
    expect(changed.status).toBe('down');
    // A host-level check's first failure waits for its SSH parent's verdict (dependencies); with the
    // server reachable, its alert opens on a following probe.
    for (let i = 0; i < 40 && !(await service.listAlerts({ state: 'active' })).some((a) => a.check === 'etc'); i++) {
      await new Promise((r) => setTimeout(r, 250));
      await runNow('etc');
    }
    expect((await service.listAlerts({ state: 'active' })).map((a) => a.check)).toContain('etc');

    const overview = await service.overview();
    const targetId = overview.targets[0]!.id;
    const detail = await service.hostDetail({ targetId });
    expect(detail.connection).toEqual({ kind: 'ssh', label: `root@127.0.0.1:${sshd.port}`, hostKey: sshd.hostKeyFingerprint });
    expect(detail.disks).toHaveLength(1);
    expect(detail.disks[0]).toMatchObject({ name: 'root', path: dir, warnPercent: 80, criticalPercent: 90 });
    expect(detail.disks[0]!.samples.length).toBeGreaterThanOrEqual(1);
    expect(detail.disks[0]!.usedPercent).toBeGreaterThan(0);
    expect(detail.disks[0]!.totalBytes).toBeGreaterThan(0);
    expect(detail.files[0]).toMatchObject({ name: 'etc', status: 'down', baseline: { files: 1 }, diff: { added: [join(watched, 'b.conf')], modified: [], missing: [] } });

    const notFiles = await rejection(service.acceptBaseline({ id: overview.targets[0]!.checks.find((c) => c.name === 'root')!.id }));
    expect(notFiles.message).toContain('only files checks have a baseline');
    expect(await service.acceptBaseline({ id: detail.files[0]!.checkId })).toEqual({ files: 2, unreadable: [] });
    const after = await service.hostDetail({ targetId });
    expect(after.files[0]).toMatchObject({ baseline: { files: 2 }, diff: null });
  });

  it('the status report over the service names the target and the incident', async () => {
    const report = await runtime.service.statusReport({});
    expect(report.targets.map((t) => t.name)).toEqual(['web1']);
    expect(report.incidents.map((i) => `${i.target}/${i.check}`)).toContain('web1/etc');
    expect(report.diskForecasts.map((d) => d.check)).toEqual(['root']);
  });
});
