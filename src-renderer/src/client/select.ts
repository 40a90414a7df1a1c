// Chooses the transport at start: window.kaavan (Electron preload) → IPC; otherwise HTTP with the
// token from the URL fragment (#token=…), which is kept in sessionStorage and removed from the
// address bar so it does not linger in history or screenshots.
import { createHttpClient } from './http-client';
import { createIpcClient } from './ipc-client';
import type { KaavanClient } from './client';

const TOKEN_KEY = 'kaavan.token';

export type ClientChoice = { client: KaavanClient } | { error: string };

export function takeTokenFromLocation(): string | null {
  const match = /^#token=([^&]+)/.exec(window.location.hash);
  if (match) {
    const token = decodeURIComponent(match[1]!);
    try {
      sessionStorage.setItem(TOKEN_KEY, token);
    } catch {
      // Storage disabled: the token lives only in this page.
    }
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
    return token;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function chooseClient(): ClientChoice {
  if (window.kaavan) return { client: createIpcClient(window.kaavan) };
  const token = takeTokenFromLocation();
  if (!token) {
    return {
      error:
        'This dashboard needs the access token from the link that \u201ckaavan serve\u201d printed (it ends in #token=\u2026). Open that link again.',
    };
  }
  return { client: createHttpClient({ token }) };
}
