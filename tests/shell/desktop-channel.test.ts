import { beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeNotification } from './fake-electron.js';
import type { AlertNotice } from '../../src-main/core/alerts/channel.js';
import type { Alert } from '../../src-main/core/model.js';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron.js');
  return { ...fakeElectron, default: fakeElectron };
});

const { DesktopChannel, STALE_NOTICE_MS } = await import('../../src-main/shell/desktop-channel.js');

const NOW = 1_700_000_000_000;
const alert = { id: 42, checkId: 7, key: 'check:web1/homepage', target: 'web1', check: 'homepage' } as Alert;
const notice = (kind: AlertNotice['kind'], at = NOW): AlertNotice => ({
  kind,
  alert,
  title: 'web1 / homepage is DOWN',
  body: 'connection refused',
  at,
});

beforeEach(() => {
  FakeNotification.shown.length = 0;
});

describe('desktop notification channel', () => {
  it('wants openings, reminders and recoveries, not what the user just did by hand', () => {
    const channel = new DesktopChannel({ enabled: () => true, onClick: () => {} });
    expect(channel.name).toBe('desktop');
    expect(['opened', 'reminder', 'recovered', 'acknowledged', 'resolved'].filter((k) => channel.accepts(k as AlertNotice['kind']))).toEqual([
      'opened',
      'reminder',
      'recovered',
    ]);
  });

  it('shows a notification; clicking it opens the page of its check', async () => {
    const clicks: Array<[number, number | null]> = [];
    const channel = new DesktopChannel({ enabled: () => true, onClick: (id, checkId) => clicks.push([id, checkId]), now: () => NOW });
    await channel.deliver(notice('opened'));
    expect(FakeNotification.shown).toHaveLength(1);
    const shown = FakeNotification.shown[0]!;
    expect(shown.options).toMatchObject({ title: 'web1 / homepage is DOWN', body: 'connection refused', urgency: 'normal' });
    shown.emit('click');
    expect(clicks).toEqual([[42, 7]]);
  });

  it('stays quiet when notifications are off, and for notices gone stale while the app was closed', async () => {
    let enabled = false;
    const channel = new DesktopChannel({ enabled: () => enabled, onClick: () => {}, now: () => NOW });
    await channel.deliver(notice('opened'));
    expect(FakeNotification.shown).toHaveLength(0);
    enabled = true;
    await channel.deliver(notice('reminder', NOW - STALE_NOTICE_MS - 1));
    expect(FakeNotification.shown).toHaveLength(0);
    await channel.deliver(notice('recovered', NOW - 1000));
    expect(FakeNotification.shown).toHaveLength(1);
    expect(FakeNotification.shown[0]!.options).toMatchObject({ urgency: 'low' });
  });

  it('fails (so the outbox retries and records it) where notifications are unsupported', async () => {
    const spy = vi.spyOn(FakeNotification, 'isSupported').mockReturnValue(false);
    const channel = new DesktopChannel({ enabled: () => true, onClick: () => {}, now: () => NOW });
    await expect(channel.deliver(notice('opened'))).rejects.toThrow(/not supported/);
    spy.mockRestore();
  });
});
