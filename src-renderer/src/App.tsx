// The shell of the dashboard: navigation, connection and self-health banners, the routed screen, toasts.
import { useEffect, useRef } from 'react';
import { useApp } from './state/store';
import { useRoute, type Route } from './lib/router';
import { Icon, type IconName } from './components/icons';
import { LEVEL_META } from './components/status';
import { ConnectionBanner } from './components/ConnectionBanner';
import { HealthBanner } from './components/HealthBanner';
import { Toasts } from './components/Toasts';
import { BrowserNotifications } from './components/BrowserNotifications';
import { ThemeToggle } from './components/ThemeToggle';
import { DashboardScreen } from './screens/Dashboard';
import { AlertsScreen } from './screens/Alerts';
import { AlertDetailScreen } from './screens/AlertDetail';
import { TargetsScreen } from './screens/Targets';
import { SettingsScreen } from './screens/Settings';
import { AuditScreen } from './screens/Audit';
import { CheckPageScreen } from './screens/CheckPage';
import { TargetPageScreen } from './screens/TargetPage';
import { BackupsScreen } from './screens/Backups';
import { DeliveryScreen } from './screens/Delivery';
import { ReportScreen } from './screens/Report';

const NAV: Array<{ href: string; label: string; icon: IconName; match: Route['name'][] }> = [
  { href: '#/', label: 'Dashboard', icon: 'gauge', match: ['dashboard', 'check', 'target'] },
  { href: '#/alerts', label: 'Alerts', icon: 'bell', match: ['alerts', 'alert'] },
  { href: '#/targets', label: 'Targets & checks', icon: 'server', match: ['targets'] },
  { href: '#/backups', label: 'Backups', icon: 'archive', match: ['backups'] },
  { href: '#/delivery', label: 'Delivery queue', icon: 'send', match: ['delivery'] },
  { href: '#/report', label: 'Report', icon: 'list', match: ['report'] },
  { href: '#/settings', label: 'Settings', icon: 'settings', match: ['settings'] },
  { href: '#/audit', label: 'Audit log', icon: 'list', match: ['audit'] },
];

const TITLES: Record<Route['name'], string> = {
  dashboard: 'Dashboard',
  alerts: 'Alerts',
  alert: 'Alert',
  targets: 'Targets & checks',
  settings: 'Settings',
  audit: 'Audit log',
  check: 'Check',
  target: 'Target',
  backups: 'Backups',
  delivery: 'Delivery queue',
  report: 'Report',
  notFound: 'Not found',
};

export function App() {
  const route = useRoute();
  const fatal = useApp((s) => s.fatal);
  const overview = useApp((s) => s.overview);
  const info = useApp((s) => s.info);
  const stale = useApp((s) => s.connection.status === 'reconnecting' || s.connection.status === 'unauthorized');
  const mainRef = useRef<HTMLElement>(null);

  const openAlerts = overview?.openAlerts ?? 0;
  useEffect(() => {
    document.title = `${openAlerts > 0 ? `(${openAlerts}) ` : ''}${TITLES[route.name]} \u00b7 Kaavan`;
  }, [route.name, openAlerts]);

  // Move focus to the new screen's content on navigation (screen readers announce the change).
  const first = useRef(true);
  const routeKey = 'id' in route ? `${route.name}:${route.id}` : route.name;
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [routeKey]);

  const level = overview ? LEVEL_META[overview.paused ? 'idle' : overview.level] : null;

  return (
    <div className="app">
      <a className="skip-link" href="#main" onClick={(e) => (e.preventDefault(), mainRef.current?.focus())}>
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="sidebar-inner">
          <div className="brand">
            <span className={`brand-mark tone-${level?.tone ?? 'muted'}`} aria-hidden="true">
              <Icon name="gauge" size={18} />
            </span>
            <span className="brand-name">Kaavan</span>
          </div>
          <nav aria-label="Main">
            <ul className="nav-list">
              {NAV.map((item) => {
                const active = item.match.includes(route.name);
                return (
                  <li key={item.href}>
                    <a className={`nav-link${active ? ' active' : ''}`} href={item.href} aria-current={active ? 'page' : undefined}>
                      <Icon name={item.icon} />
                      <span>{item.label}</span>
                      {item.href === '#/alerts' && overview && overview.openAlerts > 0 && (
                        <span className="nav-count" aria-label={`${overview.openAlerts} open`}>
                          {overview.openAlerts}
                        </span>
                      )}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="sidebar-footer">
            <ThemeToggle />
            {info && (
              <div className="sidebar-meta">
                v{info.version} &middot; {info.mode === 'electron' ? 'desktop' : 'headless'}
              </div>
            )}
          </div>
        </div>
      </aside>
      <div className="main-column">
        <ConnectionBanner />
        <HealthBanner />
        <main id="main" ref={mainRef} tabIndex={-1} className="main" data-stale={stale || undefined} aria-busy={stale || undefined}>
          {fatal ? <FatalScreen message={fatal} /> : !overview || !info ? <LoadingScreen /> : <Screen route={route} />}
        </main>
      </div>
      <Toasts />
      <BrowserNotifications />
    </div>
  );
}

function Screen({ route }: { route: Route }) {
  switch (route.name) {
    case 'dashboard':
      return <DashboardScreen />;
    case 'alerts':
      return <AlertsScreen />;
    case 'alert':
      return <AlertDetailScreen id={route.id} />;
    case 'targets':
      return <TargetsScreen />;
    case 'settings':
      return <SettingsScreen />;
    case 'audit':
      return <AuditScreen />;
    case 'check':
      return <CheckPageScreen id={route.id} />;
    case 'target':
      return <TargetPageScreen id={route.id} />;
    case 'backups':
      return <BackupsScreen />;
    case 'delivery':
      return <DeliveryScreen />;
    case 'report':
      return <ReportScreen />;
    case 'notFound':
      return (
        <div className="empty-state">
          <h1>Nothing here</h1>
          <p>
            There is no page at <code>{route.path}</code>.
          </p>
          <a className="btn" href="#/">
            Go to the dashboard
          </a>
        </div>
      );
  }
}

function LoadingScreen() {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Connecting to Kaavan&hellip;
    </div>
  );
}

function FatalScreen({ message }: { message: string }) {
  return (
    <div className="empty-state" role="alert" data-testid="fatal">
      <span className="empty-icon tone-danger">
        <Icon name="key" size={28} />
      </span>
      <h1>Cannot open the dashboard</h1>
      <p>{message}</p>
    </div>
  );
}
