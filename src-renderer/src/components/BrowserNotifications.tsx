// Browser notifications for the headless dashboard (the desktop app has native ones). Off until the
// person turns them on with a button in Settings: the browser's permission prompt appears only
// then, once, never on load. While on, an alert that opens or resolves shows a notification naming
// the target and the check, when this tab is not in view (in view, the toast says it already);
// clicking it brings the tab forward on the check's page (or the alert's, for other subjects).
import { useEffect, useState } from 'react';
import type { KaavanEvent } from '../../../src-main/core/api/service';
import { useApp } from '../state/store';
import { Icon } from './icons';
import '../styles/headless.css';

const PREFERENCE_KEY = 'kaavan.browserNotifications';

type Support = 'unsupported' | NotificationPermission;

function support(): Support {
  return typeof window !== 'undefined' && 'Notification' in window ? Notification.permission : 'unsupported';
}

function readPreference(): boolean {
  try {
    return localStorage.getItem(PREFERENCE_KEY) === 'on';
  } catch {
    return false;
  }
}

function writePreference(on: boolean): void {
  try {
    localStorage.setItem(PREFERENCE_KEY, on ? 'on' : 'off');
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
  window.dispatchEvent(new Event('kaavan-notifications-changed'));
}

/** The notification for an event, or null for events that get none. Pure: tested as it is. */
export function notificationFor(event: KaavanEvent): { title: string; body: string; tag: string; href: string } | null {
  if (event.type !== 'alert.opened' && event.type !== 'alert.resolved') return null;
  const { alert } = event;
  const name = `${alert.target} / ${alert.check}`;
  return {
    title: event.type === 'alert.opened' ? `${name} is down` : `${name} recovered`,
    body: event.text,
    // One notification per alert: the recovery replaces the "down" one.
    tag: `kaavan-alert-${alert.id}`,
    href: alert.checkId !== null ? `#/checks/${alert.checkId}` : `#/alerts/${alert.id}`,
  };
}

/** Mounted once in App: shows notifications for alert events while they are turned on. */
export function BrowserNotifications() {
  const client = useApp((s) => s.client);
  const headless = useApp((s) => s.info?.mode === 'headless');
  const [enabled, setEnabled] = useState(readPreference);

  useEffect(() => {
    const sync = () => setEnabled(readPreference());
    window.addEventListener('kaavan-notifications-changed', sync);
    window.addEventListener('storage', sync);
    return () => {
      window.removeEventListener('kaavan-notifications-changed', sync);
      window.removeEventListener('storage', sync);
    };
  }, []);

  useEffect(() => {
    if (!client || !headless || !enabled || support() !== 'granted') return;
    return client.subscribe((event) => {
      const note = notificationFor(event);
      if (!note || (document.visibilityState === 'visible' && document.hasFocus())) return;
      try {
        const shown = new Notification(note.title, { body: note.body, tag: note.tag });
        shown.onclick = () => {
          window.focus();
          window.location.hash = note.href;
          shown.close();
        };
      } catch {
        // Some browsers only allow notifications from a service worker: nothing to show then.
      }
    });
  }, [client, headless, enabled]);

  return null;
}

/** The Settings row: turn browser notifications on or off; asks the browser's permission on the first click. */
export function BrowserNotificationsSetting() {
  const [permission, setPermission] = useState<Support>(support);
  const [enabled, setEnabled] = useState(readPreference);
  const [asking, setAsking] = useState(false);
  const on = enabled && permission === 'granted';

  const turnOn = async () => {
    let result = permission;
    if (result === 'default') {
      setAsking(true);
      try {
        result = await Notification.requestPermission();
      } finally {
        setAsking(false);
      }
      setPermission(result);
    }
    if (result === 'granted') {
      writePreference(true);
      setEnabled(true);
    }
  };

  const turnOff = () => {
    writePreference(false);
    setEnabled(false);
  };

  let hint: string;
  if (permission === 'unsupported') hint = 'This browser cannot show notifications.';
  else if (permission === 'denied') hint = 'This browser blocks notifications from this page. Allow them in the site settings (the icon left of the address), then reload.';
  else if (on) hint = 'An alert that opens or recovers shows a notification while this tab is in the background. Click it to open the check.';
  else hint = 'Get a notification when an alert opens or recovers while this tab is in the background. The browser asks for permission once.';

  return (
    <div className="setting-row" data-testid="browser-notifications">
      <div>
        <div className="setting-label">Browser notifications {on ? '(on)' : ''}</div>
        <div className="field-hint">{hint}</div>
      </div>
      {permission !== 'unsupported' && permission !== 'denied' && (
        <button type="button" className={`btn ${on ? '' : 'btn-primary'} headless-notify-button`} onClick={on ? turnOff : () => void turnOn()} disabled={asking}>
          <Icon name="bell" />
          {asking ? 'Waiting for the browser\u2026' : on ? 'Turn off' : 'Turn on'}
        </button>
      )}
    </div>
  );
}
