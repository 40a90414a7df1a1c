// Hash routes (#/, #/alerts, #/alerts/<id>, #/targets, #/settings, #/audit), so notifications and
// the tray can deep-link into the dashboard and the page works from file:// in Electron.
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'dashboard' }
  | { name: 'alerts' }
  | { name: 'alert'; id: number }
  | { name: 'targets' }
  | { name: 'settings' }
  | { name: 'audit' }
  | { name: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\/+$/, '') || '/';
  if (path === '/' || path === '') return { name: 'dashboard' };
  if (path === '/alerts') return { name: 'alerts' };
  const alert = /^\/alerts\/(\d+)$/.exec(path);
  if (alert) return { name: 'alert', id: Number(alert[1]) };
  if (path === '/targets') return { name: 'targets' };
  if (path === '/settings') return { name: 'settings' };
  if (path === '/audit') return { name: 'audit' };
  return { name: 'notFound', path };
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}

export function useRoute(): Route {
  return parseRoute(useHash());
}

export function navigate(hash: string): void {
  window.location.hash = hash;
}
