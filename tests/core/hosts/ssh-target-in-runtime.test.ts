// A target with `ssh:` through the whole core: its host-level checks run on the server over one
// SSH connection owned by the target's runtime; taking the target off SSH closes it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { makeClientKey, sshdUnavailableReason, startSshd, stopAllSshd, type ClientKey, type TestSshd } from '../../helpers/sshd.js';
import { waitFor } from '../../helpers/core-harness.js';

const unavailable = sshdUnavailableReason();
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe.skipIf(unavailable !== null)(`an SSH target in the engine${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let server: TestSshd;
  let key: ClientKey;
  beforeAll(async () => {
    key = makeClientKey();
    server = await startSshd({ authorizedKeys: [key.publicKey] });
  });
  afterAll(() => stopAllSshd());

  it('runs a command check on the server, then on this computer once ssh is removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-sshrt-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const configFile = join(dir, 'kaavan.yaml');
    const ssh = `{ host: 127.0.0.1, port: ${server.port}, user: root, keyRef: web1-key, hostKey: "${server.hostKeyFingerprint}" }`;
    const yaml = (withSsh: boolean) => `version: 1
targets:
  - name: web1
${withSsh ? `    ssh: ${ssh}\n` : ''}    checks:
      - { name: who, kind: command, command: "echo $SSH_CONNECTION | wc -w", expectOutput: "^${withSsh ? 4 : 0}$", interval: 1s, timeout: 5s }
`;
    writeFileSync(configFile, yaml(true));
    const secrets = { get: async (n: string) => (n === 'web1-key' ? key.privateKey : null), set: async () => ({ name: '', source: 'env' as const }), delete: async () => false, list: async () => [] };
    const rt: KaavanRuntime = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', logger: silentLogger, secrets });
    cleanups.push(() => rt.stop());
    await rt.start();
    // Over SSH the command sees an SSH_CONNECTION (4 words); on this computer it does not.
    const first = await waitFor(async () => (await rt.service.overview()).targets[0]!.checks[0]!.lastResult, 20_000);
    expect(first.status, first.message).toBe('up');
    writeFileSync(configFile, yaml(false));
    await rt.reloadConfig();
    const local = await rt.service.runCheckNow({ target: 'web1', check: 'who' });
    expect(local.status, local.message).toBe('up');
  });
});
