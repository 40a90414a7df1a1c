// Hash routes (#/, #/alerts, #/alerts/<id>, #/targets, #/targets/<id>, #/checks/<id>, #/backups,
// #/delivery, #/report, #/settings, #/audit), so notifications and
// the tray can deep-link into the dashboard and the page works from file:// in Electron.
import { useSyncExternalStore } from 'react';

export type Route =
  | { name: 'dashboard' }
  | { name: 'alerts' }
  | { name: 'alert'; id: number }
  | { name: 'targets' }
  | { name: 'settings' }
  | { name: 'audit' }
  | { name: 'check'; id: number }
  | { name: 'target'; id: number }
  | { name: 'backups' }
  | { name: 'delivery' }
  | { name: 'report' }
  | { name: 'notFound'; path: string };

export function parseRoute(hash: string): Route {
  // A query ("#/targets?add=target") asks the screen for something; it is not part of the path.
  const path = hash.replace(/^#/, '').split('?')[0]!.replace(/\/+$/, '') || '/';
  if (path === '/' || path === '') return { name: 'dashboard' };
  if (path === '/alerts') return { name: 'alerts' };
  const alert = /^\/alerts\/(\d+)$/.exec(path);
  if (alert) return { name: 'alert', id: Number(alert[1]) };
  if (path === '/targets') return { name: 'targets' };
  if (path === '/settings') return { name: 'settings' };
  if (path === '/audit') return { name: 'audit' };
  const check = /^\/checks\/(\d+)$/.exec(path);
  if (check) return { name: 'check', id: Number(check[1]) };
  const target = /^\/targets\/(\d+)$/.exec(path);
  if (target) return { name: 'target', id: Number(target[1]) };
  if (path === '/backups') return { name: 'backups' };
  if (path === '/delivery') return { name: 'delivery' };
  if (path === '/report') return { name: 'report' };
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
