// A backup job's check lives under the derived target "Backups", which is not in the config file.
// Against a real runtime (YAML file, SQLite store, the backup service): its per-check page works and
// says where it comes from, and the dashboard's actions refuse it with a message naming the job,
// leaving the file and the audit log untouched, while a check the user wrote beside it still works.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { createSecretStore } from '../../../src-main/core/secrets/secrets.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import type { CheckView } from '../../../src-main/core/model.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function httpServer(): Promise<number> {
  const server = createServer((_q, s) => s.end('ok'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return (server.address() as AddressInfo).port;
}

async function boot(): Promise<{ rt: KaavanRuntime; configFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-derived-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.txt'), 'hello');
  const port = await httpServer();
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(
    configFile,
    `version: 1\ntargets:\n  - name: web1\n    checks:\n      - { name: home, kind: http, url: "http://127.0.0.1:${port}/", interval: 1s, retries: 0 }\n` +
      `backups:\n  - { name: nightly, sources: [{ path: "${join(dir, 'src')}" }], destination: { kind: local, path: "${join(dir, 'dest')}" } }\n`,
  );
  const rt = await createKaavan({
    configStore: new FileConfigStore(configFile),
    dataDir: join(dir, 'data'),
    mode: 'headless',
    channels: [new RecordingChannel()],
    secrets: createSecretStore({ backend: null, env: {} }),
    logger: silentLogger,
  });
  cleanups.push(() => rt.stop());
  await rt.start();
  return { rt, configFile };
}

const checksOf = async (rt: KaavanRuntime): Promise<CheckView[]> => (await rt.service.overview()).targets.flatMap((t) => t.checks);

async function refusal(work: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await work;
  } catch (error) {
    return error as { code: string; message: string };
  }
  throw new Error('expected the action to be refused');
}

describe('derived checks (backup jobs)', () => {
  it('the per-check page of a backup job check shows its settings as run and where it comes from', async () => {
    const { rt } = await boot();
    await waitFor(async () => (await checksOf(rt)).some((c) => c.target === 'Backups' && c.name === 'nightly'));
    const backup = (await checksOf(rt)).find((c) => c.target === 'Backups')!;
    const detail = await rt.service.checkDetail({ id: backup.id });
    expect(detail.derivedFrom).toEqual({ backupJob: 'nightly' });
    expect(detail.config).toMatchObject({ name: 'nightly', kind: 'backup', job: 'nightly', category: 'backups' });
    expect(detail.view.target).toBe('Backups');

    const home = (await checksOf(rt)).find((c) => c.name === 'home')!;
    const own = await rt.service.checkDetail({ id: home.id });
    expect(own.derivedFrom).toBeNull();
    expect(own.config).toMatchObject({ name: 'home', kind: 'http' });
  });

  it('pause, resume, clone and delete refuse a backup job check, naming the job; the file and audit stay as they were', async () => {
    const { rt, configFile } = await boot();
    await waitFor(async () => (await checksOf(rt)).some((c) => c.target === 'Backups'));
    const checks = await checksOf(rt);
    const backup = checks.find((c) => c.target === 'Backups')!;
    const home = checks.find((c) => c.name === 'home')!;
    const backupsTarget = (await rt.service.overview()).targets.find((t) => t.name === 'Backups')!;
    const fileBefore = readFileSync(configFile, 'utf8');
    const auditBefore = (await rt.service.listAudit({})).length;

    const pause = await refusal(rt.service.setEnabled({ checkIds: [home.id, backup.id], enabled: false }));
    expect(pause.code).toBe('conflict');
    expect(pause.message).toBe(
      'cannot pause: "Backups / nightly" is the check of backup job "nightly", not part of the configuration file; change backup jobs on the Backups page instead',
    );
    expect((await refusal(rt.service.setEnabled({ targetIds: [backupsTarget.id], enabled: false }))).message).toMatch(/^cannot pause: the target "Backups" is made from the backup jobs/);
    expect((await refusal(rt.service.setEnabled({ checkIds: [backup.id], enabled: true }))).message).toMatch(/^cannot resume: "Backups \/ nightly"/);
    expect((await refusal(rt.service.cloneCheck({ id: backup.id }))).message).toMatch(/^cannot clone: "Backups \/ nightly" is the check of backup job "nightly"/);
    expect((await refusal(rt.service.removeChecks({ ids: [backup.id] }))).message).toMatch(/^cannot delete: "Backups \/ nightly" is the check of backup job "nightly"/);

    // Nothing half-done: the user's own check in the same request was not paused either.
    expect(readFileSync(configFile, 'utf8')).toBe(fileBefore);
    expect((await rt.service.listAudit({})).length).toBe(auditBefore);
    expect((await checksOf(rt)).find((c) => c.name === 'home')!.enabled).toBe(true);

    // The user's own checks keep working.
    await rt.service.setEnabled({ checkIds: [home.id], enabled: false });
    expect((await checksOf(rt)).find((c) => c.name === 'home')!.enabled).toBe(false);
  });
});

