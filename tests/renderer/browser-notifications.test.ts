// Which alert events become a browser notification, what it says, and where a click leads.
import { describe, expect, it } from 'vitest';
import type { Alert } from '../../src-main/core/model';
import { notificationFor } from '../../src-renderer/src/components/BrowserNotifications';

const alert: Alert = {
  id: 41,
  checkId: 7,
  key: 'check:web1/homepage',
  target: 'web1',
  check: 'homepage',
  severity: 'error',
  state: 'open',
  title: 'web1 / homepage is down',
  message: 'connection refused',
  openedAt: 1,
  lastSeenAt: 1,
  ackedAt: null,
  ackNote: null,
  resolvedAt: null,
  resolvedBy: null,
  count: 1,
  metadata: {},
};

describe('notificationFor', () => {
  it('names target and check when an alert opens, and opens the check page on click', () => {
    expect(notificationFor({ type: 'alert.opened', alert, text: 'web1:443 refused the connection' })).toEqual({
      title: 'web1 / homepage is down',
      body: 'web1:443 refused the connection',
      tag: 'kaavan-alert-41',
      href: '#/checks/7',
    });
  });

  it('replaces the same notification when the alert resolves', () => {
    const note = notificationFor({ type: 'alert.resolved', alert: { ...alert, state: 'resolved' }, text: 'Recovered after being down for 4 min' });
    expect(note).toMatchObject({ title: 'web1 / homepage recovered', tag: 'kaavan-alert-41' });
  });

  it('opens the alert page for an alert about no check', () => {
    expect(notificationFor({ type: 'alert.opened', alert: { ...alert, checkId: null }, text: 'x' })?.href).toBe('#/alerts/41');
  });

  it('stays silent for reminders, acknowledgements and other events', () => {
    expect(notificationFor({ type: 'alert.reminder', alert, text: 'still down' })).toBeNull();
    expect(notificationFor({ type: 'alert.acknowledged', alert, text: 'ack' })).toBeNull();
    expect(notificationFor({ type: 'config.changed' })).toBeNull();
  });
});
