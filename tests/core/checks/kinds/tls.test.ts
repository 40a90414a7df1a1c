// The tls check against real TLS servers on 127.0.0.1 with certificates generated here: expiring
// in 3, 10 and 60 days, expired, for another name, and from an untrusted issuer.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { tlsCheck } from '../../../../src-main/core/checks/kinds/tls.js';
import { makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import { checkSchema } from '../../../../src-main/core/config/schema.js';
import { closedPort, makeCertificate, type CertificateOptions } from '../../../helpers/test-servers.js';

type TlsParams = Parameters<typeof tlsCheck.probe>[0];
const servers: tls.Server[] = [];
const dir = mkdtempSync(join(tmpdir(), 'kaavan-tls-'));

async function serve(options: CertificateOptions): Promise<{ port: number; caFile: string }> {
  const { key, cert } = await makeCertificate(options);
  const server = tls.createServer({ key, cert }, (socket) => socket.end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  const port = (server.address() as { port: number }).port;
  const caFile = join(dir, `ca-${port}.pem`);
  writeFileSync(caFile, cert); // self-signed: the certificate is its own issuer
  return { port, caFile };
}

const probe = (params: TlsParams, now = Date.now) => tlsCheck.probe(params, makeProbeContext({ timeoutMs: 5000, now }));

afterAll(async () => {
  for (const s of servers) await new Promise((r) => s.close(r));
});

describe('tls check', () => {
  it('is up 60 days before expiry, degraded at 10, down at 3', async () => {
    for (const [days, status] of [[60, 'up'], [10, 'degraded'], [3, 'down']] as const) {
      const { port, caFile } = await serve({ validUntilDays: days, hosts: ['localhost', '127.0.0.1'] });
      const r = await probe({ host: '127.0.0.1', port, servername: 'localhost', ca: caFile });
      expect(r.status, `${days} days`).toBe(status);
      expect(r.message).toContain(`certificate for localhost valid until ${new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10)} (${days - 1} days left), issued by localhost`);
      expect(r.metrics!.daysLeft).toBeGreaterThan(days - 1);
      if (status === 'degraded') expect(r.message).toMatch(/; warning at 14 days$/);
      if (status === 'down') expect(r.message).toMatch(/; renew it: critical at 7 days$/);
    }
  });

  it('says when a certificate has expired', async () => {
    const { port, caFile } = await serve({ validUntilDays: -3 });
    const r = await probe({ host: '127.0.0.1', port, servername: 'localhost', ca: caFile });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^the certificate of localhost expired on \d{4}-\d\d-\d\d \(3 days ago\)$/);
  });

  it('is down when the certificate is for another name', async () => {
    const { port, caFile } = await serve({ validUntilDays: 60, hosts: ['other.example'] });
    const r = await probe({ host: '127.0.0.1', port, servername: 'localhost', ca: caFile });
    expect(r.status).toBe('down');
    expect(r.message).toBe('the certificate is not valid for localhost: Host: localhost. is not in the cert\'s altnames: DNS:other.example');
  });

  it('is down when the chain is not trusted', async () => {
    const { port } = await serve({ validUntilDays: 60 });
    const r = await probe({ host: '127.0.0.1', port, servername: 'localhost' });
    expect(r.status).toBe('down');
    expect(r.message).toBe('the certificate chain of localhost is not trusted: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT) (issued by localhost)');
  });

  it('judges days by the probe clock (a certificate valid today expires later)', async () => {
    const { port, caFile } = await serve({ validUntilDays: 60 });
    const r = await probe({ host: '127.0.0.1', port, servername: 'localhost', ca: caFile }, () => Date.now() + 100 * 86_400_000);
    expect(r.message).toMatch(/expired on .* \(40 days ago\)$/);
  });

  it('names a closed port', async () => {
    const port = await closedPort();
    const r = await probe({ host: '127.0.0.1', port });
    expect(r.message).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('refuses criticalDays above warnDays in the config', () => {
    const r = checkSchema.safeParse({ name: 't', kind: 'tls', host: 'example.com', warnDays: 5, criticalDays: 10 });
    expect(r.error?.issues[0]?.message).toBe('must not be above warnDays (5)');
  });
});
