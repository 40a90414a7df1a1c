// The app:// handler against a real renderer folder on disk, with a secret file next to it that
// every traversal attempt aims at.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_PAGE_URL, resolveAppFile, serveAppRequest } from '../../src-main/shell/app-protocol.js';
import { CONTENT_SECURITY_POLICY } from '../../src-main/shell/security-policy.js';

const temp = mkdtempSync(join(tmpdir(), 'kaavan-app-protocol-'));
const renderer = join(temp, 'out', 'renderer');
const get = (url: string) => serveAppRequest(new Request(url), renderer);

beforeAll(() => {
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Kaavan</title>');
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(renderer, 'assets', 'logo.svg'), '<svg/>');
  // What an escape from out/renderer would reach.
  writeFileSync(join(temp, 'out', 'secret.txt'), 'SECRET');
  writeFileSync(join(temp, 'renderer-evil.txt'), 'SECRET');
});
afterAll(() => rmSync(temp, { recursive: true, force: true }));

describe('app:// protocol', () => {
  it('serves the dashboard page and its assets with the CSP header and the right type', async () => {
    const page = await get(APP_PAGE_URL);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Kaavan</title>');
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await get('app://kaavan/')).status).toBe(200);
    expect((await get('app://kaavan/index.html#/alerts/3')).status).toBe(200);
    const script = await get('app://kaavan/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
    expect((await get('app://kaavan/assets/logo.svg')).headers.get('content-type')).toBe('image/svg+xml');
    const head = await serveAppRequest(new Request(APP_PAGE_URL, { method: 'HEAD' }), renderer);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('never serves a file outside the renderer folder, however the path is encoded', async () => {
    const attempts = [
      'app://kaavan/..%2Fsecret.txt',
      'app://kaavan/..%2f..%2frenderer-evil.txt',
      'app://kaavan/assets/..%2F..%2Fsecret.txt',
      'app://kaavan/..%5Csecret.txt',
      'app://kaavan/%2e%2e%2fsecret.txt',
      'app://kaavan/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      `app://kaavan/${encodeURIComponent(join(temp, 'out', 'secret.txt'))}`,
    ];
    for (const url of attempts) {
      // The URL parser keeps these as one segment: only the handler's own check stands in the way.
      expect(new URL(url).pathname.startsWith('/'), url).toBe(true);
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('SECRET');
    }
    // The check is on the decoded path: without it, the first attempt would resolve to the secret.
    expect(join(renderer, decodeURIComponent('..%2Fsecret.txt'))).toBe(join(temp, 'out', 'secret.txt'));
  });

  it('refuses other hosts and schemes, folders, missing files, bad escapes and writes', async () => {
    expect((await get('app://other/index.html')).status).toBe(404);
    expect((await get('app://kaavan/assets')).status).toBe(404);
    expect((await get('app://kaavan/missing.js')).status).toBe(404);
    expect((await get('app://kaavan/%E0%A4%A.js')).status).toBe(404);
    expect((await get('app://kaavan/index.html%00.js')).status).toBe(404);
    expect((await serveAppRequest(new Request(APP_PAGE_URL, { method: 'POST', body: 'x' }), renderer)).status).toBe(405);
    expect(resolveAppFile('file:///etc/passwd', renderer)).toBeNull();
    expect(resolveAppFile('not a url', renderer)).toBeNull();
    expect(resolveAppFile('app://kaavan/assets/index-abc.js', renderer)).toBe(join(renderer, 'assets', 'index-abc.js'));
  });
});
