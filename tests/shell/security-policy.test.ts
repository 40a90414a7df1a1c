import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  alertRoute,
  checkRoute,
  documentUrl,
  externalLinkDialog,
  isExternalLinkAllowed,
  isLocalDevServer,
  isOwnPage,
  withCspHeader,
} from '../../src-main/shell/security-policy.js';

const page = 'app://kaavan/index.html';

describe('content security policy', () => {
  it('is strict: only our own scripts, styles and connections; no objects, base or framing', () => {
    const directives = Object.fromEntries(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toEqual({
      'default-src': "'self'",
      'script-src': "'self'",
      'style-src': "'self'",
      'img-src': "'self' data:",
      'connect-src': "'self'",
      'object-src': "'none'",
      'base-uri': "'none'",
      'form-action': "'none'",
      'frame-ancestors': "'none'",
    });
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('is added to response headers, replacing a weaker one in any letter case', () => {
    const headers = withCspHeader({ 'content-type': 'text/html', 'content-security-policy': ["default-src *"] });
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
    expect(headers['content-security-policy']).toBeUndefined();
    expect(headers['content-type']).toEqual(['text/html']);
    expect(withCspHeader(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('own page', () => {
  it('accepts our app:// index.html with any route, nothing else (no file:// page at all)', () => {
    expect(isOwnPage(page, page)).toBe(true);
    expect(isOwnPage(`${page}#/alerts/12`, page)).toBe(true);
    expect(isOwnPage(`${page}?x=1#/`, page)).toBe(true);
    expect(isOwnPage('file:///etc/passwd', page)).toBe(false);
    expect(isOwnPage('file:///opt/Kaavan/resources/app.asar/out/renderer/index.html', page)).toBe(false);
    expect(isOwnPage('app://kaavan/other.html', page)).toBe(false);
    expect(isOwnPage('app://evil/index.html', page)).toBe(false);
    expect(isOwnPage('https://evil.example/index.html', page)).toBe(false);
    expect(isOwnPage('about:blank', page)).toBe(false);
    expect(isOwnPage('', page)).toBe(false);
    expect(isOwnPage(null, page)).toBe(false);
    expect(isOwnPage('not a url', page)).toBe(false);
  });

  it('in development, accepts the loopback dev server origin only', () => {
    const dev = 'http://localhost:5173/';
    expect(isLocalDevServer(dev)).toBe(true);
    expect(isLocalDevServer('http://example.com:5173/')).toBe(false);
    expect(isOwnPage('http://localhost:5173/#/alerts', dev)).toBe(true);
    expect(isOwnPage('http://localhost:5174/', dev)).toBe(false);
    expect(isOwnPage(page, dev)).toBe(false);
    expect(isOwnPage('https://example.com/', 'https://example.com/')).toBe(false);
  });

  it('strips fragment and query to compare documents', () => {
    expect(documentUrl(`${page}?a=b#/x`)).toBe(page);
    expect(documentUrl('::')).toBeNull();
  });
});

describe('external links and routes', () => {
  it('opens only http(s) links in the browser', () => {
    expect(isExternalLinkAllowed('https://example.com')).toBe(true);
    expect(isExternalLinkAllowed('http://example.com')).toBe(true);
    expect(isExternalLinkAllowed('file:///etc/passwd')).toBe(false);
    expect(isExternalLinkAllowed('javascript:alert(1)')).toBe(false);
    expect(isExternalLinkAllowed('smb://server/share')).toBe(false);
    expect(isExternalLinkAllowed('nonsense')).toBe(false);
  });

  it('asks before a link leaves for the browser, showing the address as parsed (look-alike hosts in xn-- form)', () => {
    expect(externalLinkDialog('https://example.com/status')).toEqual({
      type: 'question',
      title: 'Open link',
      message: 'Open this link in your web browser?',
      detail: 'https://example.com/status',
      buttons: ['Open in browser', 'Cancel'],
      defaultId: 0,
      cancelId: 1,
      noLink: true,
    });
    expect(externalLinkDialog('https://еxample.com/').detail).toBe('https://xn--xample-2of.com/');
    const long = externalLinkDialog(`https://example.com/${'a'.repeat(5000)}`).detail;
    expect(long).toHaveLength(300);
    expect(long.endsWith('…')).toBe(true);
  });

  it('routes a notification click to the alert', () => {
    expect(alertRoute(12)).toBe('/alerts/12');
    expect(checkRoute(7)).toBe('/checks/7');
  });
});
