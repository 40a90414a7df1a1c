// Integration tests of the http check kind against real servers on 127.0.0.1.
import { makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import { afterAll, describe, expect, it } from 'vitest';
import zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import type http from 'node:http';
import { httpCheck, type HttpParams } from '../../../../src-main/core/checks/kinds/http.js';
import { checkSchema } from '../../../../src-main/core/config/schema.js';
import { createSecretStore } from '../../../../src-main/core/secrets/secrets.js';
import type { SecretReader } from '../../../../src-main/core/checks/types.js';
import {
  closedPort,
  makeCertificate,
  respond,
  startBlackholeServer,
  startGarbageServer,
  startHttpServer,
  startHttpsServer,
  startSilentServer,
  startTcpServer,
  streamBody,
  type StreamResult,
} from '../../../helpers/test-servers.js';

const GB = 1024 ** 3;

function probe(params: HttpParams, timeoutMs = 5000, signal: AbortSignal = new AbortController().signal, secrets?: SecretReader) {
  return httpCheck.probe(params, makeProbeContext({ signal, timeoutMs, ...(secrets ? { secrets } : {}) }));
}

const KEYRING = process.env.KAAVAN_KEYRING_TEST === '1';

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - started };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `condition` holds (servers see a client's close a moment after it happens). */
async function eventually(condition: () => boolean, ms = 2000): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(10);
  }
}

describe('http check: status and latency', () => {
  it('is up on a 200 and reports status code, body size and latency', async () => {
    const server = await startHttpServer(respond(200, 'all good'));
    const r = await probe({ url: server.url('/health') });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms$/);
    expect(r.latencyMs).toEqual(expect.any(Number));
    expect(r.metrics).toMatchObject({ statusCode: 200, bodyBytes: 8 });
    expect(server.requests[0]).toMatchObject({ method: 'GET', url: '/health' });
    expect(server.requests[0]!.headers.connection).toBe('close');
    await eventually(() => server.openConnections === 0);
  });

  it('is degraded when the headers arrive later than expect.maxLatency', async () => {
    const server = await startHttpServer(async (_req, res) => {
      await sleep(300);
      respond(200, 'ok')(_req, res);
    });
    const r = await probe({ url: server.url(), expect: { maxLatency: '100ms' } });
    expect(r.status).toBe('degraded');
    expect(r.latencyMs).toBeGreaterThanOrEqual(280);
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms, slower than 100 ms$/);
  });

  it('is up when under expect.maxLatency', async () => {
    const server = await startHttpServer(respond(200, 'ok'));
    const r = await probe({ url: server.url(), expect: { maxLatency: '2s' } });
    expect(r.status).toBe('up');
  });

  it('is down on a 500 and says what was expected', async () => {
    const server = await startHttpServer(respond(500, 'boom'));
    const r = await probe({ url: server.url() });
    expect(r.status).toBe('down');
    expect(r.message).toBe('HTTP 500 (expected 200-299)');
    expect(r.latencyMs).toEqual(expect.any(Number));
    expect(r.metrics?.statusCode).toBe(500);
  });

  it('matches custom expected statuses: codes, ranges and classes', async () => {
    const server = await startHttpServer(respond(404, 'nope'));
    expect((await probe({ url: server.url(), expect: { status: ['404'] } })).status).toBe('up');
    expect((await probe({ url: server.url(), expect: { status: ['200', '4xx'] } })).status).toBe('up');
    expect((await probe({ url: server.url(), expect: { status: ['400-403', '405-499'] } })).status).toBe('down');
    const r = await probe({ url: server.url(), expect: { status: ['200', '204'] } });
    expect(r.message).toBe('HTTP 404 (expected 200, 204)');
  });

  it('sends method, headers and body as configured', async () => {
    let received = '';
    const server = await startHttpServer(async (req, res) => {
      for await (const chunk of req) received += String(chunk);
      respond(201, 'created')(req, res);
    });
    const r = await probe({
      url: server.url('/items'),
      method: 'POST',
      headers: { 'X-Token': 'abc', 'Content-Type': 'application/json' },
      body: '{"name":"kaavan"}',
      expect: { status: ['201'] },
    });
    expect(r.status).toBe('up');
    expect(received).toBe('{"name":"kaavan"}');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/items' });
    expect(server.requests[0]!.headers['x-token']).toBe('abc');
    expect(server.requests[0]!.headers['content-length']).toBe('17');
  });
});

describe('http check: a server that goes away and comes back', () => {
  it('is down while the server is stopped and up again after it restarts on the same port', async () => {
    const server = await startHttpServer(respond(200, 'ok'));
    expect((await probe({ url: server.url() })).status).toBe('up');
    await server.stop();
    const down = await probe({ url: server.url() });
    expect(down.status).toBe('down');
    expect(down.message).toBe(`connection refused by 127.0.0.1:${server.port} (ECONNREFUSED)`);
    await server.start();
    expect(server.url()).toBe(`http://127.0.0.1:${server.port}/`);
    expect((await probe({ url: server.url() })).status).toBe('up');
  });
});

describe('http check: keywords', () => {
  it('is down when the keyword is missing and shows how the body starts', async () => {
    const server = await startHttpServer(respond(200, 'hello world'));
    const r = await probe({ url: server.url(), expect: { keyword: 'ok' } });
    expect(r.status).toBe('down');
    expect(r.message).toBe('keyword "ok" not found in the body (11 B); body starts: "hello world"');
    expect(r.metrics).toMatchObject({ statusCode: 200, bodyBytes: 11 });
  });

  it('is up when the keyword is present', async () => {
    const server = await startHttpServer(respond(200, '{"status":"ok"}'));
    const r = await probe({ url: server.url(), expect: { keyword: '"status":"ok"' } });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms$/);
  });

  it('finds a keyword split across two network chunks', async () => {
    const server = await startHttpServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('status: hea');
      await sleep(50);
      res.end('lthy');
    });
    expect((await probe({ url: server.url(), expect: { keyword: 'healthy' } })).status).toBe('up');
  });

  it('is down when keywordAbsent appears in the body', async () => {
    const server = await startHttpServer(respond(200, 'status: error'));
    const r = await probe({ url: server.url(), expect: { keywordAbsent: 'error' } });
    expect(r.status).toBe('down');
    expect(r.message).toBe('keyword "error" found in the body (13 B) but must be absent (HTTP 200)');
    const fine = await probe({ url: server.url(), expect: { keywordAbsent: 'panic' } });
    expect(fine.status).toBe('up');
  });

  it('decodes a gzip body before looking for the keyword', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'text/plain' });
      res.end(zlib.gzipSync('all systems nominal'));
    });
    const r = await probe({ url: server.url(), headers: { 'Accept-Encoding': 'gzip' }, expect: { keyword: 'nominal' } });
    expect(r.status).toBe('up');
    expect(r.metrics?.bodyBytes).toBe(19);
  });

  it('does not read a body for HEAD, and says a keyword cannot be checked then', async () => {
    const server = await startHttpServer(respond(200, 'ok'));
    expect((await probe({ url: server.url(), method: 'HEAD' })).status).toBe('up');
    const r = await probe({ url: server.url(), method: 'HEAD', expect: { keyword: 'ok' } });
    expect(r.status).toBe('down');
    expect(r.message).toContain('HEAD responses have no body');
  });
});

describe('http check: body size cap', () => {
  it('reads at most 1 MB of a 1 GB body, closes the connection and reports the cap', async () => {
    let streamed: Promise<StreamResult> | undefined;
    const server = await startHttpServer((_req, res) => {
      streamed = streamBody(res, GB);
    });
    const rssBefore = process.memoryUsage().rss;
    const { value: r, ms } = await timed(() => probe({ url: server.url('/huge') }, 10_000));
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms \(body capped at 1\.0 MB\)$/);
    expect(r.metrics).toMatchObject({ statusCode: 200, bodyBytes: 1024 * 1024, bodyCapped: 1 });
    expect(ms).toBeLessThan(3000);
    const sent = await streamed!;
    expect(sent.completed).toBe(false); // the server saw its client go away mid-body
    expect(sent.bytesSent).toBeLessThan(64 * 1024 * 1024);
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(200 * 1024 * 1024);
    await eventually(() => server.openConnections === 0);
  });

  it('honours maxBodySize and says where a missing keyword was looked for', async () => {
    let streamed: Promise<StreamResult> | undefined;
    const server = await startHttpServer((_req, res) => {
      streamed = streamBody(res, GB, { fill: 'a' });
    });
    const r = await probe({ url: server.url(), maxBodySize: '64KB', expect: { keyword: 'needle' } }, 10_000);
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^keyword "needle" not found in the first 64\.0 KB; body starts: "a+…"$/);
    expect(r.metrics?.bodyBytes).toBe(64 * 1024);
    expect((await streamed!).completed).toBe(false);
  });

  it('does not flag a body that is exactly the cap', async () => {
    const server = await startHttpServer(respond(200, 'x'.repeat(1000)));
    const r = await probe({ url: server.url(), maxBodySize: 1000 });
    expect(r.status).toBe('up');
    expect(r.message).not.toContain('capped');
    expect(r.metrics?.bodyCapped).toBeUndefined();
  });
});

describe('http check: timeouts and cancellation', () => {
  it('is down with "timed out" when the server accepts but never answers', async () => {
    const server = await startSilentServer();
    const { value: r, ms } = await timed(() => probe({ url: `http://127.0.0.1:${server.port}/` }, 500));
    expect(r.status).toBe('down');
    expect(r.message).toBe(`timed out after 500 ms (waiting for the response from 127.0.0.1:${server.port})`);
    expect(r.latencyMs).toBeNull();
    expect(ms).toBeGreaterThanOrEqual(490);
    expect(ms).toBeLessThan(500 + 300);
    await eventually(() => server.openConnections === 0);
  });

  it('says when it timed out while connecting (SYN never answered)', async () => {
    const hole = await startBlackholeServer();
    const { value: r, ms } = await timed(() => probe({ url: `http://127.0.0.1:${hole.port}/` }, 400));
    expect(r.status).toBe('down');
    expect(r.message).toBe(`timed out after 400 ms (connecting to 127.0.0.1:${hole.port})`);
    expect(ms).toBeLessThan(400 + 300);
  });

  it('times out while reading a body that never ends, keeping the header latency', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('partial');
    });
    const r = await probe({ url: server.url(), expect: { keyword: 'done' } }, 500);
    expect(r.status).toBe('down');
    expect(r.message).toBe('timed out after 500 ms (reading the body, 7 B received)');
    expect(r.latencyMs).toEqual(expect.any(Number));
  });

  it('stops promptly when ctx.signal is aborted and closes its connection', async () => {
    const server = await startSilentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('engine stopping')), 100);
    const { value: r, ms } = await timed(() => probe({ url: `http://127.0.0.1:${server.port}/` }, 10_000, controller.signal));
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^cancelled before it finished \(waiting for the response/);
    expect(ms).toBeLessThan(1000);
    await eventually(() => server.openConnections === 0);
  });

  it('does nothing when ctx.signal is already aborted', async () => {
    const server = await startHttpServer();
    const controller = new AbortController();
    controller.abort();
    const r = await probe({ url: server.url() }, 5000, controller.signal);
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^cancelled before it finished/);
    expect(server.requests).toHaveLength(0);
  });
});

describe('http check: connection failures', () => {
  it('is down with "connection refused" on a closed port', async () => {
    const port = await closedPort();
    const r = await probe({ url: `http://127.0.0.1:${port}/` });
    expect(r.status).toBe('down');
    expect(r.message).toBe(`connection refused by 127.0.0.1:${port} (ECONNREFUSED)`);
    expect(r.latencyMs).toBeNull();
  });

  it('is down with a DNS message for a name that cannot resolve', async () => {
    const r = await probe({ url: 'http://kaavan-test.invalid/health' });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^DNS lookup failed for kaavan-test\.invalid \((ENOTFOUND|EAI_AGAIN|EAI_NONAME)\)$/);
  });

  it('is down with "malformed HTTP response" when the server speaks garbage', async () => {
    const server = await startGarbageServer();
    const r = await probe({ url: `http://127.0.0.1:${server.port}/` });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^malformed HTTP response: .+ \(HPE_[A-Z_]+\)$/);
  });

  it('is down when the server closes the connection without answering', async () => {
    const server = await startTcpServer((socket) => socket.once('data', () => socket.destroy()));
    const r = await probe({ url: `http://127.0.0.1:${server.port}/` });
    expect(r.status).toBe('down');
    expect(r.message).toBe(`connection closed by 127.0.0.1:${server.port} before a response (socket hang up)`);
  });

  it('is down when the body is cut off before its announced length', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('only ten b');
      setTimeout(() => res.destroy(), 20);
    });
    const r = await probe({ url: server.url() });
    expect(r.status).toBe('down');
    expect(r.message).toBe('HTTP 200, but the body was cut off: connection closed');
  });

  it('turns a request Node refuses to send into a down outcome, not an exception', async () => {
    const server = await startHttpServer();
    const r = await probe({ url: server.url(), headers: { 'Bad Header': 'x' } });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^invalid request: .*\(ERR_INVALID_HTTP_TOKEN\)$/);
  });
});

describe('http check: TLS', () => {
  it('rejects a self-signed certificate by default, naming the error', async () => {
    const server = await startHttpsServer(respond(200, 'secure'));
    const r = await probe({ url: server.url() });
    expect(r.status).toBe('down');
    expect(r.message).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(r.message).toMatch(/self[- ]signed certificate/);
    expect(r.message).toContain('ignoreTls: true');
    expect(server.requests).toHaveLength(0);
  });

  it('is up on a self-signed certificate with ignoreTls, and reports days left on the certificate', async () => {
    const server = await startHttpsServer(respond(200, 'secure'));
    const r = await probe({ url: server.url(), ignoreTls: true, expect: { keyword: 'secure' } });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms$/);
    expect(r.metrics?.certDaysLeft).toBeGreaterThanOrEqual(5);
    expect(r.metrics?.certDaysLeft).toBeLessThanOrEqual(7);
  });

  it('says the TLS handshake failed when https:// points at a plain HTTP port', async () => {
    const server = await startHttpServer();
    const r = await probe({ url: `https://127.0.0.1:${server.port}/` });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(new RegExp(`^TLS handshake with 127\\.0\\.0\\.1:${server.port} failed: .*wrong version number`));
  });

  it('says the connection was cut during the TLS handshake', async () => {
    const server = await startTcpServer((socket) => socket.once('data', () => socket.destroy()));
    const r = await probe({ url: `https://127.0.0.1:${server.port}/` });
    expect(r.status).toBe('down');
    expect(r.message).toMatch(new RegExp(`^connection (closed|reset) by 127\\.0\\.0\\.1:${server.port} during the TLS handshake \\((ECONNRESET|socket hang up)\\)$`));
  });
});

describe('http check: redirects', () => {
  function redirecting(routes: Record<string, [number, string]>, final: http.RequestListener = respond(200, 'landed')) {
    return (req: http.IncomingMessage, res: http.ServerResponse) => {
      const hop = routes[req.url ?? ''];
      if (hop) {
        res.writeHead(hop[0], { location: hop[1] });
        res.end();
      } else final(req, res);
    };
  }

  it('follows redirects by default and counts them', async () => {
    const server = await startHttpServer(redirecting({ '/a': [302, '/b'], '/b': [301, '/c'] }));
    const r = await probe({ url: server.url('/a'), expect: { keyword: 'landed' } });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms after 2 redirects$/);
    expect(r.metrics).toMatchObject({ statusCode: 200, redirects: 2 });
    expect(server.requests.map((q) => q.url)).toEqual(['/a', '/b', '/c']);
  });

  it('is down on a redirect loop, after maxRedirects hops', async () => {
    const server = await startHttpServer(redirecting({ '/loop': [302, '/loop'] }));
    const r = await probe({ url: server.url('/loop'), maxRedirects: 3 });
    expect(r.status).toBe('down');
    expect(r.message).toBe('too many redirects (more than 3); last: HTTP 302 to /loop');
    expect(server.requests).toHaveLength(4);
    const byDefault = await probe({ url: server.url('/loop') });
    expect(byDefault.message).toContain('too many redirects (more than 5)');
  });

  it('matches the 3xx itself against expect.status when not following', async () => {
    const server = await startHttpServer(redirecting({ '/old': [301, '/new'] }));
    const r = await probe({ url: server.url('/old'), followRedirects: false });
    expect(r.status).toBe('down');
    expect(r.message).toBe('HTTP 301 (expected 200-299)');
    const ok = await probe({ url: server.url('/old'), followRedirects: false, expect: { status: ['301'] } });
    expect(ok.status).toBe('up');
    const zero = await probe({ url: server.url('/old'), maxRedirects: 0, expect: { status: ['3xx'] } });
    expect(zero.status).toBe('up');
    expect(server.requests.every((q) => q.url === '/old')).toBe(true);
  });

  it('switches to GET after a 303 but keeps method and body on a 307', async () => {
    const seen: string[] = [];
    const server = await startHttpServer(
      redirecting({ '/see-other': [303, '/result'], '/temp': [307, '/result'] }, async (req, res) => {
        let body = '';
        for await (const chunk of req) body += String(chunk);
        seen.push(`${req.method} ${body}`);
        respond(200, 'ok')(req, res);
      }),
    );
    expect((await probe({ url: server.url('/see-other'), method: 'POST', body: 'payload' })).status).toBe('up');
    expect((await probe({ url: server.url('/temp'), method: 'POST', body: 'payload' })).status).toBe('up');
    expect(seen).toEqual(['GET ', 'POST payload']);
  });

  it('drops credentials when a redirect leaves the origin', async () => {
    const other = await startHttpServer(respond(200, 'elsewhere'));
    const server = await startHttpServer(redirecting({ '/out': [302, other.url('/landing')], '/in': [302, '/landing'] }));
    const headers = { Authorization: 'Bearer secret', 'X-Trace': '1' };
    expect((await probe({ url: server.url('/out'), headers })).status).toBe('up');
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(other.requests[0]!.headers['x-trace']).toBe('1');
    expect((await probe({ url: server.url('/in'), headers })).status).toBe('up');
    expect(server.requests.at(-1)).toMatchObject({ url: '/landing' });
    expect(server.requests.at(-1)!.headers.authorization).toBe('Bearer secret');
  });

  it('is down on a redirect to a non-HTTP URL', async () => {
    const server = await startHttpServer(redirecting({ '/ftp': [302, 'ftp://files.example/x'] }));
    const r = await probe({ url: server.url('/ftp') });
    expect(r.status).toBe('down');
    expect(r.message).toBe('HTTP 302 redirect to an unsupported URL "ftp://files.example/x"');
  });
});

describe('http check: describe()', () => {
  it('shows method and URL, never a user name or password', () => {
    expect(httpCheck.describe({ url: 'https://ops:hunter2@example.com/health' })).toBe('GET https://example.com/health');
    expect(httpCheck.describe({ url: 'https://example.com/', auth: { user: 'ops', passwordRef: 'web-pw' } })).toBe('GET https://example.com/');
    expect(httpCheck.describe({ url: 'http://example.com/', method: 'HEAD' })).toBe('HEAD http://example.com/');
  });
});

describe('http check: params schema', () => {
  const base = { name: 'homepage', kind: 'http' };
  function issues(check: Record<string, unknown>) {
    const r = checkSchema.safeParse({ ...base, ...check });
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }

  it('accepts the documented example', () => {
    expect(
      issues({
        url: 'https://web1.example.com/health',
        interval: '30s',
        timeout: '5s',
        retries: 2,
        maxBodySize: '512KB',
        headers: { 'X-Api-Key': 'k' },
        expect: { status: ['200-299', '301', '4xx'], keyword: 'ok', keywordAbsent: 'error', maxLatency: '800ms' },
      }),
    ).toEqual([]);
  });

  it('rejects a URL that is not a URL, or not http(s)', () => {
    expect(issues({ url: 'not a url' })).toEqual([{ path: 'url', message: expect.stringContaining('is not a valid URL') }]);
    expect(issues({ url: 'ftp://example.com/file' })).toEqual([{ path: 'url', message: expect.stringContaining('must be an http:// or https:// URL') }]);
    expect(issues({})).toEqual([{ path: 'url', message: expect.stringContaining('must be a URL') }]);
  });

  it('rejects bad status patterns, naming the entry', () => {
    expect(issues({ url: 'http://x.example/', expect: { status: ['200-299', '299-200'] } })).toEqual([
      { path: 'expect.status.1', message: expect.stringContaining('empty range') },
    ]);
    expect(issues({ url: 'http://x.example/', expect: { status: ['abc'] } })).toEqual([
      { path: 'expect.status.0', message: expect.stringContaining('use a code ("204"), a range ("200-299") or a class ("2xx")') },
    ]);
    expect(issues({ url: 'http://x.example/', expect: { status: ['600'] } })[0]).toMatchObject({ path: 'expect.status.0' });
    expect(issues({ url: 'http://x.example/', expect: { status: [200] } })).toEqual([
      { path: 'expect.status.0', message: expect.stringContaining('must be a quoted string') },
    ]);
    expect(issues({ url: 'http://x.example/', expect: { status: [] } })[0]).toMatchObject({ path: 'expect.status' });
  });

  it('rejects bad sizes, durations, headers and unknown fields', () => {
    expect(issues({ url: 'http://x.example/', maxBodySize: 'lots' })).toEqual([{ path: 'maxBodySize', message: expect.stringContaining('is not a size') }]);
    expect(issues({ url: 'http://x.example/', maxBodySize: '2GB' })).toEqual([{ path: 'maxBodySize', message: expect.stringContaining('at most 1GB') }]);
    expect(issues({ url: 'http://x.example/', expect: { maxLatency: 'soon' } })).toEqual([
      { path: 'expect.maxLatency', message: expect.stringContaining('is not a duration') },
    ]);
    expect(issues({ url: 'http://x.example/', headers: { 'Bad Header': 'x' } })).toEqual([
      { path: 'headers.Bad Header', message: expect.stringContaining('not a valid header name') },
    ]);
    expect(issues({ url: 'http://x.example/', expect: { keyword: '' } })[0]).toMatchObject({ path: 'expect.keyword' });
    expect(issues({ url: 'http://x.example/', expect: { statuses: ['200'] } })[0]).toMatchObject({ path: 'expect' });
    expect(issues({ url: 'http://x.example/', method: 'FETCH' })[0]).toMatchObject({ path: 'method' });
  });
});

describe('http check: secrets', () => {
  /** The real secrets module, reading only the environment it is given (no keychain). */
  function envSecrets(values: Record<string, string>) {
    return createSecretStore({ backend: null, env: values });
  }

  /** A server that answers 200 only to the expected Authorization header, and records what it saw. */
  function requiringAuth(expected: string) {
    return startHttpServer((req, res) => {
      if (req.headers.authorization === expected) respond(200, 'welcome')(req, res);
      else respond(401, 'who are you?')(req, res);
    });
  }

  it('is down before connecting when a referenced secret is not set, naming it and how to set it', async () => {
    const server = await startHttpServer(respond(200, 'ok'));
    const header = await probe({ url: server.url(), headers: { 'X-Api-Key': { secretRef: 'api-key' } } });
    expect(header.status).toBe('down');
    expect(header.message).toBe('secret "api-key" is not set (headers.X-Api-Key): kaavan secret set api-key, or set KAAVAN_SECRET_API_KEY for `kaavan serve`');
    const basic = await probe({ url: server.url(), auth: { user: 'ops', passwordRef: 'web-pw' } });
    expect(basic.message).toMatch(/^secret "web-pw" is not set \(auth\.passwordRef\): kaavan secret set web-pw/);
    const bearer = await probe({ url: server.url(), auth: { tokenRef: 'web.token' } }, 5000, undefined, envSecrets({}));
    expect(bearer.message).toMatch(/^secret "web\.token" is not set \(auth\.tokenRef\): kaavan secret set web\.token, or set KAAVAN_SECRET_WEB_TOKEN/);
    expect(server.requests).toHaveLength(0);
  });

  it('sends basic auth, a bearer token and secret header values, and never shows them', async () => {
    const password = `pw-${randomBytes(6).toString('hex')}`;
    const token = `tok-${randomBytes(6).toString('hex')}`;
    const apiKey = `key-${randomBytes(6).toString('hex')}`;
    const secrets = envSecrets({ KAAVAN_SECRET_WEB_PW: password, KAAVAN_SECRET_WEB_TOKEN: token, KAAVAN_SECRET_API_KEY: apiKey });

    const basicServer = await requiringAuth(`Basic ${Buffer.from(`ops:${password}`).toString('base64')}`);
    const basic = await probe({ url: basicServer.url(), auth: { user: 'ops', passwordRef: 'web-pw' } }, 5000, undefined, secrets);
    expect(basic.status).toBe('up');

    const bearerServer = await requiringAuth(`Bearer ${token}`);
    const bearerParams: HttpParams = { url: bearerServer.url(), auth: { tokenRef: 'web-token' }, headers: { 'X-Api-Key': { secretRef: 'api-key' }, 'X-Plain': 'visible' } };
    const bearer = await probe(bearerParams, 5000, undefined, secrets);
    expect(bearer.status).toBe('up');
    expect(bearerServer.requests[0]!.headers['x-api-key']).toBe(apiKey);
    expect(bearerServer.requests[0]!.headers['x-plain']).toBe('visible');

    // A wrong secret is a plain 401, reported without the value.
    const wrong = await probe({ url: basicServer.url(), auth: { user: 'ops', passwordRef: 'api-key' } }, 5000, undefined, secrets);
    expect(wrong).toMatchObject({ status: 'down', message: 'HTTP 401 (expected 200-299)' });

    const shown = JSON.stringify([basic, bearer, wrong, httpCheck.describe(bearerParams)]);
    for (const value of [password, token, apiKey, Buffer.from(`ops:${password}`).toString('base64')]) expect(shown).not.toContain(value);
  });

  it('redacts secrets a server echoes back into the body excerpt, even one cut by the clipping', async () => {
    const apiKey = `key-${randomBytes(16).toString('hex')}`;
    const token = `tok-${randomBytes(16).toString('hex')}`;
    const secrets = envSecrets({ KAAVAN_SECRET_API_KEY: apiKey, KAAVAN_SECRET_WEB_TOKEN: token });
    // Like httpbin's /headers: the request's headers come back in the body.
    const server = await startHttpServer((req, res) => respond(200, `you sent ${String(req.headers['x-api-key'])} and ${String(req.headers.authorization)}`)(req, res));
    const params: HttpParams = { url: server.url(), headers: { 'X-Api-Key': { secretRef: 'api-key' } }, auth: { tokenRef: 'web-token' }, expect: { keyword: 'nope' } };
    const r = await probe(params, 5000, undefined, secrets);
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^keyword "nope" not found in the body \(\d+ B\); body starts: "you sent \[redacted\] and Bearer \[redacted\]/);
    expect(r.message).not.toContain(apiKey.slice(0, 8));
    expect(r.message).not.toContain(token.slice(0, 8));

    // Only the first 256 bytes are kept for the excerpt: one that ends inside the key must not
    // show its first characters either (whitespace is collapsed, so they would be at the front).
    server.setHandler((req, res) => respond(200, `${' '.repeat(240)}${String(req.headers['x-api-key'])} tail`)(req, res));
    const cut = await probe(params, 5000, undefined, secrets);
    expect(cut.message).toBe(`keyword "nope" not found in the body (${240 + apiKey.length + 5} B); body starts: "[redacted]"`);
  });

  it('keeps secret headers and auth on the same origin when following redirects', async () => {
    const apiKey = `key-${randomBytes(6).toString('hex')}`;
    const secrets = envSecrets({ KAAVAN_SECRET_API_KEY: apiKey, KAAVAN_SECRET_WEB_TOKEN: 'tok' });
    const other = await startHttpServer(respond(200, 'elsewhere'));
    const server = await startHttpServer((req, res) => {
      if (req.url === '/out') res.writeHead(302, { location: other.url('/landing') }).end();
      else if (req.url === '/in') res.writeHead(302, { location: '/landing' }).end();
      else respond(200, 'home')(req, res);
    });
    const headers = { 'X-Api-Key': { secretRef: 'api-key' }, 'X-Trace': '1' };
    expect((await probe({ url: server.url('/out'), headers, auth: { tokenRef: 'web-token' } }, 5000, undefined, secrets)).status).toBe('up');
    expect(other.requests[0]!.headers['x-api-key']).toBeUndefined();
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
    expect(other.requests[0]!.headers['x-trace']).toBe('1');
    expect((await probe({ url: server.url('/in'), headers }, 5000, undefined, secrets)).status).toBe('up');
    expect(server.requests.at(-1)).toMatchObject({ url: '/landing' });
    expect(server.requests.at(-1)!.headers['x-api-key']).toBe(apiKey);
  });

  describe.skipIf(!KEYRING)('with the OS keychain (scripts/with-keyring.sh)', () => {
    const service = `kaavan-test-checks-${randomBytes(4).toString('hex')}`;
    const store = createSecretStore({ service, env: {} });
    afterAll(async () => {
      for (const name of ['web-pw', 'api-key']) await store.delete(name).catch(() => false);
    });

    it('resolves passwordRef and secretRef from the keychain at probe time', async () => {
      const password = `pw ${randomBytes(6).toString('hex')} ünïcode`;
      const apiKey = `key-${randomBytes(6).toString('hex')}`;
      const server = await requiringAuth(`Basic ${Buffer.from(`ops:${password}`, 'utf8').toString('base64')}`);
      const params: HttpParams = { url: server.url(), auth: { user: 'ops', passwordRef: 'web-pw' }, headers: { 'X-Api-Key': { secretRef: 'api-key' } } };

      const before = await probe(params, 5000, undefined, store);
      expect(before.message).toMatch(/^secret "api-key" is not set \(headers\.X-Api-Key\): kaavan secret set api-key/);
      await store.set('api-key', apiKey);
      const half = await probe(params, 5000, undefined, store);
      expect(half.message).toMatch(/^secret "web-pw" is not set \(auth\.passwordRef\): kaavan secret set web-pw/);
      expect(server.requests).toHaveLength(0);

      await store.set('web-pw', password);
      const after = await probe(params, 5000, undefined, store);
      expect(after.status).toBe('up');
      expect(server.requests.at(-1)!.headers['x-api-key']).toBe(apiKey);
      expect(JSON.stringify(after)).not.toContain(apiKey);

      // A value changed in the keychain is used by the next probe: nothing is cached.
      await store.set('web-pw', 'rotated');
      expect((await probe(params, 5000, undefined, store)).message).toBe('HTTP 401 (expected 200-299)');
    });
  });
});

describe('http check: judged like a browser', () => {
  it('accepts a response with 40 KB of headers (over Node\'s 16 KB default)', async () => {
    const cookies = Array.from({ length: 40 }, (_, i) => `c${i}=${'v'.repeat(1000)}`);
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'set-cookie': cookies });
      res.end('big headers, small body');
    });
    const r = await probe({ url: server.url(), expect: { keyword: 'small body' } });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms$/);
  });

  it('still calls headers beyond 256 KB malformed', async () => {
    const server = await startHttpServer((_req, res) => {
      res.writeHead(200, { 'x-huge': 'h'.repeat(300 * 1024) });
      res.end('ok');
    });
    const r = await probe({ url: server.url() });
    expect(r).toMatchObject({ status: 'down', message: 'malformed HTTP response: headers too large (HPE_HEADER_OVERFLOW)' });
  });

  it('names the final URL when a keyword is missing after redirects', async () => {
    const server = await startHttpServer((req, res) => {
      if (req.url === '/') res.writeHead(301, { location: '/en/' }).end();
      else if (req.url === '/en/') res.writeHead(302, { location: '/en/maintenance' }).end();
      else respond(200, 'down for maintenance')(req, res);
    });
    const missing = await probe({ url: server.url('/'), expect: { keyword: 'Welcome' } });
    expect(missing.status).toBe('down');
    expect(missing.message).toBe(
      `keyword "Welcome" not found in the body (20 B) of ${server.url('/en/maintenance')} (reached after 2 redirects); body starts: "down for maintenance"`,
    );
    const present = await probe({ url: server.url('/'), expect: { keywordAbsent: 'maintenance' } });
    expect(present.message).toBe(`keyword "maintenance" found in the body (20 B) but must be absent (HTTP 200 from ${server.url('/en/maintenance')} after 2 redirects)`);
  });

  it('with ignoreTls, is up on an expired certificate but says so, with the days', async () => {
    const server = await startHttpServer(respond(200, 'old cert'), { tls: await makeCertificate({ validFromDays: -30, validUntilDays: -3 }) });
    const r = await probe({ url: server.url(), ignoreTls: true });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms; certificate expired 3 days ago \(ignored\)$/);
    expect(r.metrics?.certDaysLeft).toBe(-3);
    const strict = await probe({ url: server.url() });
    expect(strict.status).toBe('down');
  });

  it('with ignoreTls, is up on a certificate for another host but says so, with the days left', async () => {
    const server = await startHttpServer(respond(200, 'wrong host'), { tls: await makeCertificate({ hosts: ['other.example'], validUntilDays: 30 }) });
    const r = await probe({ url: server.url(), ignoreTls: true });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^HTTP 200 in \d+(\.\d)? ms; certificate does not match 127\.0\.0\.1 \(ignored, 29 days left\)$/);
    expect(r.metrics?.certDaysLeft).toBe(29);
  });

  it('reports invalid chunked encoding as such, naming host and port', async () => {
    const broken = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nZZ\r\nnot a chunk\r\n';
    const server = await startGarbageServer(broken, { keepOpen: true });
    const r = await probe({ url: `http://127.0.0.1:${server.port}/` });
    expect(r.status).toBe('down');
    expect(r.message).toBe(`HTTP 200, but the body is broken: invalid chunked encoding from 127.0.0.1:${server.port} (HPE_INVALID_CHUNK_SIZE)`);
    expect(r.metrics?.statusCode).toBe(200);
  });
});

describe('http check: params schema for secrets and HEAD', () => {
  function issues(check: Record<string, unknown>) {
    const r = checkSchema.safeParse({ name: 'api', kind: 'http', ...check });
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  }

  it('refuses a password in the URL, pointing to passwordRef', () => {
    expect(issues({ url: 'https://ops:hunter2@example.com/health' })).toEqual([
      { path: 'url', message: expect.stringContaining('must not contain a password') },
    ]);
    expect(issues({ url: 'https://ops:hunter2@example.com/health' })[0]!.message).toContain('passwordRef');
    expect(JSON.stringify(issues({ url: 'https://ops:hunter2@example.com/health' }))).not.toContain('hunter2');
    // Not even when the URL is invalid anyway and gets quoted back.
    const invalid = issues({ url: 'https://ops:hunter2@exa mple.com/' });
    expect(invalid).toEqual([{ path: 'url', message: expect.stringContaining('is not a valid URL') }]);
    expect(JSON.stringify(invalid)).not.toContain('hunter2');
  });

  it('refuses a keyword with HEAD, at expect.keyword', () => {
    const message = 'HEAD responses have no body; use GET to check for a keyword';
    expect(issues({ url: 'https://example.com/', method: 'HEAD', expect: { keyword: 'ok' } })).toEqual([{ path: 'expect.keyword', message }]);
    expect(issues({ url: 'https://example.com/', method: 'HEAD', expect: { keywordAbsent: 'error' } })).toEqual([{ path: 'expect.keywordAbsent', message }]);
    expect(issues({ url: 'https://example.com/', method: 'HEAD', expect: { status: ['200'] } })).toEqual([]);
  });

  it('accepts basic and bearer auth and secret header values', () => {
    expect(issues({ url: 'https://example.com/', auth: { user: 'ops', passwordRef: 'web-pw' } })).toEqual([]);
    expect(issues({ url: 'https://example.com/', auth: { tokenRef: 'web.token' } })).toEqual([]);
    expect(issues({ url: 'https://example.com/', headers: { 'X-Api-Key': { secretRef: 'api-key' }, Accept: 'text/html' } })).toEqual([]);
  });

  it('names what is wrong with auth and secret references', () => {
    const url = 'https://example.com/';
    expect(issues({ url, auth: { user: 'ops' } })).toEqual([{ path: 'auth.passwordRef', message: expect.stringContaining('basic auth needs passwordRef') }]);
    expect(issues({ url, auth: { passwordRef: 'pw' } })).toEqual([{ path: 'auth.user', message: expect.stringContaining('needs a user name') }]);
    expect(issues({ url, auth: { user: 'ops', passwordRef: 'pw', tokenRef: 't' } })).toEqual([{ path: 'auth', message: expect.stringContaining('not both') }]);
    expect(issues({ url, auth: {} })).toEqual([{ path: 'auth', message: expect.stringContaining('tokenRef') }]);
    expect(issues({ url, auth: { tokenRef: 'not a name' } })).toEqual([{ path: 'auth.tokenRef', message: expect.stringContaining('must be a secret name') }]);
    expect(issues({ url, auth: { user: 'a:b', passwordRef: 'pw' } })).toEqual([{ path: 'auth.user', message: expect.stringContaining('":"') }]);
    expect(issues({ url, auth: { password: 'x' } })[0]).toMatchObject({ path: 'auth' });
    expect(issues({ url, headers: { 'X-Api-Key': 5 } })).toEqual([{ path: 'headers.X-Api-Key', message: 'header values must be text or { secretRef: NAME }' }]);
    expect(issues({ url, headers: { 'X-Api-Key': { secretRef: 'bad/name' } } })).toEqual([
      { path: 'headers.X-Api-Key.secretRef', message: expect.stringContaining('must be a secret name') },
    ]);
    expect(issues({ url, auth: { tokenRef: 't' }, headers: { authorization: { secretRef: 'x' } } })).toEqual([
      { path: 'headers.authorization', message: expect.stringContaining('auth already sets the Authorization header') },
    ]);
  });

  it('refuses a credential written as a plain Authorization header, without echoing it', () => {
    const found = issues({ url: 'https://example.com/', headers: { Authorization: 'Bearer s3cr3t-token' } });
    expect(found).toEqual([{ path: 'headers.Authorization', message: expect.stringContaining('use auth: { tokenRef: NAME }') }]);
    expect(JSON.stringify(found)).not.toContain('s3cr3t');
    expect(issues({ url: 'https://example.com/', headers: { 'Proxy-Authorization': 'Basic eA==' } })[0]).toMatchObject({ path: 'headers.Proxy-Authorization' });
    expect(issues({ url: 'https://example.com/', headers: { Authorization: { secretRef: 'api-auth' } } })).toEqual([]);
  });
});
