// The dns check against a real dnsmasq on 127.0.0.1: A, AAAA, MX and TXT answers, expected values,
// NXDOMAIN, no record of a type, and a server that does not answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dnsCheck } from '../../../../src-main/core/checks/kinds/dns.js';
import { makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import { checkSchema } from '../../../../src-main/core/config/schema.js';
import { dnsmasqUnavailableReason, startDnsmasq, type TestDns } from '../../../helpers/dnsmasq.js';
import { startSilentServer } from '../../../helpers/test-servers.js';

type DnsParams = Parameters<typeof dnsCheck.probe>[0];
const unavailable = dnsmasqUnavailableReason();
if (unavailable) console.warn(`skipping dns check tests: ${unavailable}`);

describe.skipIf(unavailable !== null)('dns check against dnsmasq', () => {
  let dns: TestDns;
  beforeAll(async () => {
    dns = await startDnsmasq({
      hosts: '10.0.0.5 web1.kaavan.test\n10.0.0.6 web1.kaavan.test\nfd00::5 web1.kaavan.test\n10.0.0.9 mail.kaavan.test\n',
      extraArgs: ['--mx-host=kaavan.test,mail.kaavan.test,10', '--txt-record=kaavan.test,v=spf1 -all'],
    });
  });
  afterAll(() => dns?.stop());
  const probe = (params: Omit<DnsParams, 'server'>, timeoutMs = 5000) => dnsCheck.probe({ server: dns.server, ...params }, makeProbeContext({ timeoutMs }));

  it('is up with the answers, and checks expected values', async () => {
    const r = await probe({ host: 'web1.kaavan.test', expect: ['10.0.0.5'] });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(new RegExp(`^web1\\.kaavan\\.test A via 127\\.0\\.0\\.1:${dns.port}: 10\\.0\\.0\\.[56], 10\\.0\\.0\\.[56] in \\d+(\\.\\d)? ms$`));
    expect(r.metrics).toEqual({ answers: 2 });
    expect((await probe({ host: 'web1.kaavan.test', type: 'AAAA', expect: ['fd00::5'] })).status).toBe('up');
    expect((await probe({ host: 'kaavan.test', type: 'MX', expect: ['mail.kaavan.test'] })).message).toContain('10 mail.kaavan.test');
    expect((await probe({ host: 'kaavan.test', type: 'TXT', expect: ['v=spf1 -all'] })).status).toBe('up');
  });

  it('is down when an expected value is missing, naming what came back', async () => {
    const r = await probe({ host: 'mail.kaavan.test', expect: ['10.0.0.5'] });
    expect(r).toMatchObject({ status: 'down', message: `mail.kaavan.test A via 127.0.0.1:${dns.port} answered 10.0.0.9, without 10.0.0.5` });
  });

  it('names NXDOMAIN and a missing record type', async () => {
    expect((await probe({ host: 'nope.kaavan.test' })).message).toBe(`nope.kaavan.test A via 127.0.0.1:${dns.port} does not exist (NXDOMAIN)`);
    expect((await probe({ host: 'mail.kaavan.test', type: 'AAAA' })).message).toBe(`mail.kaavan.test AAAA via 127.0.0.1:${dns.port} has no record of that type`);
  });

  it('is down when the server does not answer', async () => {
    const silent = await startSilentServer(); // a TCP port; over UDP nothing answers there
    const r = await dnsCheck.probe({ host: 'web1.kaavan.test', server: `127.0.0.1:${silent.port}` }, makeProbeContext({ timeoutMs: 1500 }));
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^web1\.kaavan\.test A via 127\.0\.0\.1:\d+ (got no answer in time|timed out after 1\.5 s.*|could not be asked: the server refused the connection)$/);
  });
});

describe('dns check config', () => {
  it('names a bad server or type', () => {
    const parse = (extra: object) => checkSchema.safeParse({ name: 'd', kind: 'dns', ...extra });
    expect(parse({ host: 'example.com', server: 'dns.google' }).error?.issues[0]?.message).toBe('must be an IP address, optionally with a port: "1.1.1.1", "127.0.0.1:5353", "[::1]:53"');
    expect(parse({ host: 'example.com', type: 'XYZ' }).error?.issues[0]?.message).toMatch(/^must be one of: A, AAAA, CNAME/);
  });
});
