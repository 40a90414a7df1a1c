// Certificate expiry on HTTPS checks, against real TLS servers on 127.0.0.1 whose certificates
// (generated here) expire in 3, 10 and 60 days. A trusted certificate is what users have, so the
// default thresholds are probed from a child Node that trusts the generated certificates the way a
// system does (NODE_EXTRA_CA_CERTS); `ignoreTls` cases run in this process.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpCheck } from '../../../src-main/core/checks/kinds/http.js';
import { makeProbeContext } from '../../../src-main/core/checks/probe-context.js';
import { checkSchema } from '../../../src-main/core/config/schema.js';
import type { ProbeOutcome } from '../../../src-main/core/model.js';
import { makeCertificate } from '../../helpers/test-servers.js';

const DAY = 86_400_000;
const repo = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'kaavan-cert-expiry-'));
const servers: https.Server[] = [];
/** Port of the server whose certificate expires in that many days. */
const portFor = new Map<number, number>();
let bundle = '';

beforeAll(async () => {
  const pems: string[] = [];
  for (const days of [3, 10, 60]) {
    // A distinct subject each: a trust store finds an issuer by its name.
    const { key, cert } = await makeCertificate({ validUntilDays: days, hosts: [`expires-in-${days}.localhost`, 'localhost', '127.0.0.1'] });
    const server = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    portFor.set(days, (server.address() as { port: number }).port);
    pems.push(cert);
  }
  bundle = join(dir, 'trusted.pem');
  writeFileSync(bundle, pems.join('\n'));
});

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
  rmSync(dir, { recursive: true, force: true });
});

const url = (days: number) => `https://localhost:${portFor.get(days)}/`;
const expiryDate = (days: number) => new Date(Date.now() + days * DAY).toISOString().slice(0, 10);

/** Probes each check from a Node process that trusts the generated certificates. */
async function probeTrusted(checks: Array<Record<string, unknown>>): Promise<ProbeOutcome[]> {
  const script = join(dir, 'probe.mts');
  const http = pathToFileURL(join(repo, 'src-main/core/checks/kinds/http.ts')).href;
  writeFileSync(
    script,
    `import { probeHttp } from ${JSON.stringify(http)};
const checks = JSON.parse(process.argv[2]);
const out = [];
for (const params of checks) out.push(await probeHttp(params, { signal: new AbortController().signal, timeoutMs: 5000 }));
process.stdout.write(JSON.stringify(out));
`,
  );
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', script, JSON.stringify(checks)], {
    cwd: repo,
    env: { ...process.env, NODE_EXTRA_CA_CERTS: bundle },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as ProbeOutcome[];
}

describe('HTTPS certificate expiry', () => {
  it('with the defaults (warn 14, critical 7): up at 60 days, degraded at 10, down at 3, the date in the message', async () => {
    const [sixty, ten, three] = await probeTrusted([{ url: url(60) }, { url: url(10) }, { url: url(3) }]);
    expect(sixty!.status).toBe('up');
    expect(sixty!.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms$/);
    expect(sixty!.metrics?.certDaysLeft).toBe(59);

    expect(ten!.status).toBe('degraded');
    expect(ten!.message).toMatch(new RegExp(`^HTTP 200 in \\d+(\\.\\d)? ms; certificate expires on ${expiryDate(10)} \\(9 days\\)$`));
    expect(ten!.latencyMs).not.toBeNull();
    expect(ten!.metrics?.certDaysLeft).toBe(9);

    expect(three!.status).toBe('down');
    expect(three!.message).toMatch(new RegExp(`; certificate expires on ${expiryDate(3)} \\(2 days\\)$`));
  }, 60_000);

  it('follows the check’s own warnDays and criticalDays', async () => {
    const results = await probeTrusted([
      { url: url(60), warnDays: 90 },
      { url: url(60), warnDays: 90, criticalDays: 61 },
      { url: url(10), warnDays: 5, criticalDays: 2 },
      { url: url(3), warnDays: 0, criticalDays: 0 },
    ]);
    expect(results.map((r) => r.status)).toEqual(['degraded', 'down', 'up', 'up']);
    expect(results[0]!.message).toContain(`certificate expires on ${expiryDate(60)} (59 days)`);
  }, 60_000);

  it('with ignoreTls only thresholds written in the check apply (the check accepts any certificate)', async () => {
    const probe = (params: Parameters<typeof httpCheck.probe>[0]) => httpCheck.probe(params, makeProbeContext({ timeoutMs: 5000 }));
    const lax = await probe({ url: url(3), ignoreTls: true });
    expect(lax.status).toBe('up');
    expect(lax.metrics?.certDaysLeft).toBe(2);
    const strict = await probe({ url: url(10), ignoreTls: true, warnDays: 30 });
    expect(strict.status).toBe('degraded');
    expect(strict.message).toContain(`certificate expires on ${expiryDate(10)} (9 days)`);
  });

  it('refuses criticalDays above warnDays, and a negative number of days, naming the field', () => {
    const parse = (extra: Record<string, unknown>) => checkSchema.safeParse({ name: 'home', kind: 'http', url: 'https://example.com/', ...extra });
    const above = parse({ criticalDays: 20 });
    expect(above.success).toBe(false);
    expect(above.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['criticalDays', 'must not be above warnDays (14)']);
    const negative = parse({ warnDays: -1 });
    expect(negative.error!.issues.map((i) => [i.path.join('.'), i.message])).toContainEqual(['warnDays', 'must be 0 or more']);
    expect(parse({ warnDays: 30, criticalDays: 10 }).success).toBe(true);
  });
});
