// Integration tests of the tcp check kind against real listeners on 127.0.0.1.
import { makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import { describe, expect, it } from 'vitest';
import { tcpCheck } from '../../../../src-main/core/checks/kinds/tcp.js';
import { checkSchema } from '../../../../src-main/core/config/schema.js';
import { closedPort, startBlackholeServer, startResettingServer, startTcpServer } from '../../../helpers/test-servers.js';

type TcpParams = Parameters<typeof tcpCheck.probe>[0];

function probe(params: TcpParams, timeoutMs = 5000, signal: AbortSignal = new AbortController().signal) {
  return tcpCheck.probe(params, makeProbeContext({ signal, timeoutMs }));
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

async function eventually(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('tcp check', () => {
  it('is up when the port accepts, and closes its connection', async () => {
    const server = await startTcpServer();
    const r = await probe({ host: '127.0.0.1', port: server.port });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^connected in \d+(\.\d)? ms$/);
    expect(r.latencyMs).toEqual(expect.any(Number));
    expect(server.connections).toBe(1);
    await eventually(() => server.openConnections === 0);
  });

  it('resolves host names (localhost)', async () => {
    const server = await startTcpServer();
    const r = await probe({ host: 'localhost', port: server.port });
    expect(r.status).toBe('up');
  });

  it('is degraded when connecting takes longer than expect.maxLatency', async () => {
    const server = await startTcpServer();
    // Loopback connects take a fraction of a millisecond; any real connect is slower than 0 ms.
    const r = await probe({ host: '127.0.0.1', port: server.port, expect: { maxLatency: '0ms' } });
    expect(r.status).toBe('degraded');
    expect(r.message).toMatch(/^connected in \d+(\.\d)? ms \(slower than 0 ms\)$/);
    const fine = await probe({ host: '127.0.0.1', port: server.port, expect: { maxLatency: '2s' } });
    expect(fine.status).toBe('up');
  });

  it('is down with "connection refused" on a closed port', async () => {
    const port = await closedPort();
    const r = await probe({ host: '127.0.0.1', port });
    expect(r.status).toBe('down');
    expect(r.message).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.latencyMs).toBeNull();
  });

  it('is down with a DNS message for a name that cannot resolve', async () => {
    const r = await probe({ host: 'kaavan-test.invalid', port: 5432 });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^DNS lookup failed for kaavan-test\.invalid \((ENOTFOUND|EAI_AGAIN|EAI_NONAME)\)$/);
  });

  it('is down with "timed out" when the SYN is never answered, within timeout + margin', async () => {
    const hole = await startBlackholeServer();
    const { value: r, ms } = await timed(() => probe({ host: '127.0.0.1', port: hole.port }, 400));
    expect(r.status).toBe('down');
    expect(r.message).toBe(`timed out after 400 ms (connecting to 127.0.0.1:${hole.port})`);
    expect(r.latencyMs).toBeNull();
    expect(ms).toBeGreaterThanOrEqual(390);
    expect(ms).toBeLessThan(400 + 300);
  });

  it('stops promptly when ctx.signal is aborted', async () => {
    const hole = await startBlackholeServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const { value: r, ms } = await timed(() => probe({ host: '127.0.0.1', port: hole.port }, 10_000, controller.signal));
    expect(r.status).toBe('down');
    expect(r.message).toBe(`cancelled before it finished (connecting to 127.0.0.1:${hole.port})`);
    expect(ms).toBeLessThan(1000);
  });

  it('accepts a bracketed IPv6 literal and describes host:port', () => {
    expect(tcpCheck.describe({ host: 'db.example.com', port: 5432 })).toBe('db.example.com:5432');
    expect(tcpCheck.describe({ host: '[::1]', port: 22 })).toBe('[::1]:22');
  });
});

describe('tcp check: a port that accepts and then resets at once', () => {
  it('is up, naming the reset, even when the reset arrives before Node reports the connect', async () => {
    const server = await startResettingServer();
    // Start the connect, then hold this thread until the server has accepted and reset it: when
    // the event loop runs again the reset is already there (what happens on a busy machine).
    const pending = probe({ host: '127.0.0.1', port: server.port });
    await new Promise((resolve) => process.nextTick(resolve));
    expect(server.waitForResetsSync(1)).toBe(1);
    const r = await pending;
    expect(r.status).toBe('up');
    expect(r.message).toMatch(new RegExp(`^connected in \\d+(\\.\\d)? ms, then 127\\.0\\.0\\.1:${server.port} reset the connection at once \\(ECONNRESET\\)$`));
    expect(r.latencyMs).toEqual(expect.any(Number));
  });

  it('does not flap: every probe of such a port is up', async () => {
    const server = await startResettingServer();
    const statuses: string[] = [];
    for (let i = 0; i < 6; i++) {
      const pending = probe({ host: '127.0.0.1', port: server.port });
      // Alternate: let the connect be seen first, or make the reset arrive first.
      if (i % 2 === 1) {
        await new Promise((resolve) => process.nextTick(resolve));
        server.waitForResetsSync(i + 1);
      }
      statuses.push((await pending).status);
      server.waitForResetsSync(i + 1);
    }
    expect(statuses).toEqual(['up', 'up', 'up', 'up', 'up', 'up']);
    expect(server.resets()).toBe(6);
  });
});

describe('tcp check: params schema', () => {
  function issues(check: Record<string, unknown>) {
    const r = checkSchema.safeParse({ name: 'pg', kind: 'tcp', ...check });
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }

  it('accepts host names and IP addresses', () => {
    expect(issues({ host: 'web1.example.com', port: 5432, expect: { maxLatency: '200ms' } })).toEqual([]);
    expect(issues({ host: '10.0.0.7', port: 22 })).toEqual([]);
    expect(issues({ host: '::1', port: 22 })).toEqual([]);
    expect(issues({ host: '[2001:db8::1]', port: 22 })).toEqual([]);
  });

  it('rejects a host with a scheme or a port, naming the field', () => {
    expect(issues({ host: 'tcp://db.example.com', port: 5432 })).toEqual([
      { path: 'host', message: expect.stringContaining('without scheme, path or port') },
    ]);
    expect(issues({ host: 'db.example.com:5432', port: 5432 })[0]).toMatchObject({ path: 'host' });
    expect(issues({ host: '', port: 5432 })[0]).toMatchObject({ path: 'host' });
  });

  it('rejects ports outside 1-65535 and non-numbers', () => {
    expect(issues({ host: 'db', port: 0 })).toEqual([{ path: 'port', message: 'must be at least 1' }]);
    expect(issues({ host: 'db', port: 70000 })).toEqual([{ path: 'port', message: 'must be at most 65535' }]);
    expect(issues({ host: 'db', port: '5432' })).toEqual([{ path: 'port', message: 'must be a port number (1-65535)' }]);
    expect(issues({ host: 'db', port: 22, expect: { maxLatency: 'fast' } })[0]).toMatchObject({ path: 'expect.maxLatency' });
  });
});
