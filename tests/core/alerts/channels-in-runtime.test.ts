// Configured channels and routes through the whole core: a DOWN check's notice reaches only the
// channels its route names (real HTTP receivers), a config change replaces the lanes, and "Send
// test" answers with the peer's own words.
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function receiver(status = 200): Promise<{ url: string; bodies: Array<Record<string, unknown>> }> {
  const bodies: Array<Record<string, unknown>> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      res.statusCode = status;
      res.end(status === 200 ? 'ok' : 'no such hook');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret-token`, bodies };
}


function setEnv(name: string, value: string) {
  const before = process.env[name];
  process.env[name] = value;
  cleanups.push(() => {
    if (before === undefined) delete process.env[name];
    else process.env[name] = before;
  });
}

async function boot(yaml: string): Promise<{ rt: KaavanRuntime; configFile: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-channels-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  // No keychain here: the documented environment fallback provides the hook URLs.
  const secrets = { get: async (n: string) => process.env[`KAAVAN_SECRET_${n.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? null, set: async () => ({ name: '', source: 'env' as const }), delete: async () => false, list: async () => [] };
  const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'headless', logger: silentLogger, secrets });
  cleanups.push(() => rt.stop());
  await rt.start();
  return { rt, configFile };
}

describe('configured channels and routes', () => {
  it('a notice goes only to the channels its route names', async () => {
    const prod = await receiver();
    const staging = await receiver();
    setEnv('KAAVAN_SECRET_PROD_HOOK', prod.url);
    setEnv('KAAVAN_SECRET_STAGING_HOOK', staging.url);
    const { rt } = await boot(`version: 1
channels:
  - { name: prod-chat, kind: webhook, urlRef: prod-hook, format: json }
  - { name: staging-chat, kind: webhook, urlRef: staging-hook, format: json }
routes:
  - { tags: [prod], channels: [prod-chat] }
  - { tags: [staging], channels: [staging-chat] }
targets:
  - name: web1
    tags: [prod]
    checks:
      - { name: port, kind: tcp, host: 127.0.0.1, port: 1, interval: 1s, timeout: 500ms, retries: 0 }
`);
    await waitFor(() => prod.bodies.length >= 1);
    await new Promise((r) => setTimeout(r, 1000));
    expect(staging.bodies).toEqual([]);
    expect(prod.bodies[0]).toMatchObject({ service: 'web1 / port', status: 'failure' });
    expect((await rt.service.listChannels()).map((c) => [c.name, c.secrets])).toEqual([
      ['prod-chat', [{ name: 'prod-hook', set: true }]],
      ['staging-chat', [{ name: 'staging-hook', set: true }]],
    ]);
  });

  it('"Send test" reports the peer\'s exact answer, and never the secret URL', async () => {
    const broken = await receiver(404);
    setEnv('KAAVAN_SECRET_BROKEN_HOOK', broken.url);
    const { rt } = await boot(`version: 1
channels:
  - { name: team-chat, kind: webhook, urlRef: broken-hook }
targets: []
`);
    const result = await rt.service.testChannel({ name: 'team-chat' });
    expect(result.ok).toBe(false);
    const error = (result as { error: string }).error;
    expect(error).toMatch(/HTTP 404 from 127\.0\.0\.1/);
    expect(error).not.toContain('secret-token');
    await expect(rt.service.testChannel({ name: 'nope' })).rejects.toThrow('no channel named "nope"');
  });
});
