// The renderer's security rules as pure functions (no Electron), so they are unit-tested in Node.
// window.ts and ipc.ts apply them.

/**
 * Strict Content-Security-Policy for the dashboard, sent as a response header by the app://
 * protocol handler (and on every response of the default session). In Electron the dashboard talks
 * to the core through IPC only, so `connect-src` allows nothing beyond the page's own origin (no
 * WebSocket, no loopback server: the header also narrows the page's <meta> policy, which is written
 * for `kaavan serve`).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The URL without fragment and query: what identifies "our page". */
export function documentUrl(url: string): string | null {
  try {
    const parsed = new URL(url);
    parsed.hash = '';
    parsed.search = '';
    return parsed.href;
  } catch {
    return null;
  }
}

/**
 * True when `url` is our own dashboard document (any #route): the only page the window may show
 * and the only frame whose IPC requests are served. `pageUrl` is app://kaavan/index.html (see
 * app-protocol.ts), or in development (`electron-vite dev`) the local dev server's URL, where any
 * page of that origin counts. file:// pages are never ours.
 */
export function isOwnPage(url: string | null | undefined, pageUrl: string): boolean {
  if (!url) return false;
  let page: URL;
  let candidate: URL;
  try {
    page = new URL(pageUrl);
    candidate = new URL(url);
  } catch {
    return false;
  }
  if (page.protocol === 'app:') return candidate.protocol === 'app:' && documentUrl(url) === documentUrl(pageUrl);
  return isLocalDevServer(pageUrl) && candidate.origin === page.origin;
}

/** The electron-vite dev server (http on the loopback interface) is the only non-app: page allowed. */
export function isLocalDevServer(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'http:' && (hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]');
  } catch {
    return false;
  }
}

/** Response headers with our CSP added (any CSP the response already had is replaced). */
export function withCspHeader(headers: Record<string, string[] | string> | undefined): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY];
  return result;
}

/** Links the dashboard may open in the user's browser (everything else is dropped). */
export function isExternalLinkAllowed(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** Longest link text shown in the confirmation (a URL can be kilobytes long). */
const LINK_DISPLAY_MAX = 300;

/**
 * The question asked before a link leaves the app for the browser. The URL is shown as the parser
 * normalised it (an internationalised host in its xn-- form, so a look-alike host is visible).
 */
export function externalLinkDialog(url: string): {
  type: 'question';
  title: string;
  message: string;
  detail: string;
  buttons: string[];
  defaultId: number;
  cancelId: number;
  noLink: true;
} {
  const href = new URL(url).href;
  const detail = href.length > LINK_DISPLAY_MAX ? `${href.slice(0, LINK_DISPLAY_MAX - 1)}…` : href;
  return {
    type: 'question',
    title: 'Open link',
    message: 'Open this link in your web browser?',
    detail,
    buttons: ['Open in browser', 'Cancel'],
    defaultId: 0,
    cancelId: 1,
    noLink: true,
  };
}

/** "#/alerts/12": the renderer's route for one alert (hash routing, see docs/ARCHITECTURE.md). */
export function alertRoute(alertId: number): string {
  return `/alerts/${alertId}`;
}

/** "#/checks/7": the page of one check. */
export function checkRoute(checkId: number): string {
  return `/checks/${checkId}`;
}
