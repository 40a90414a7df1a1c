// Acknowledge and silence from where the operator is (issue 8): the tray's "Open alerts" submenu
// and the desktop notification's buttons (macOS and Windows; none on Linux), through the recording
// Electron stand-in.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Alert } from '../../src-main/core/model.js';
import type { AlertNotice } from '../../src-main/core/alerts/channel.js';
import { FakeNotification, FakeTray } from './fake-electron.js';
import { openAlertsMenu, TRAY_ALERTS_MAX, type TrayAction } from '../../src-main/shell/tray-model.js';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron.js');
  return { ...fakeElectron, default: fakeElectron };
});

const { KaavanTray } = await import('../../src-main/shell/tray.js');
const { DesktopChannel } = await import('../../src-main/shell/desktop-channel.js');
const iconDir = new URL('../../resources/tray', import.meta.url).pathname;

const NOW = 1_700_000_000_000;
const alert = (id: number, over: Partial<Alert> = {}): Alert => ({
  id,
  checkId: id,
  key: `check:${id}`,
  target: 'web1',
  check: `check${id}`,
  severity: 'error',
  state: 'open',
  title: `web1 / check${id} is down`,
  message: 'connection refused',
  openedAt: NOW - 60_000,
  lastSeenAt: NOW,
  ackedAt: null,
  ackNote: null,
  resolvedAt: null,
  resolvedBy: null,
  count: 3,
  metadata: {},
  silencedUntil: null,
  ...over,
});

beforeEach(() => {
  FakeNotification.shown.length = 0;
});

describe('tray: open alerts', () => {
  it('lists active alerts with Acknowledge and Silence 1 h / 8 h; acknowledged and silenced ones say so', () => {
    const [menu] = openAlertsMenu([alert(1), alert(2, { state: 'acknowledged', silencedUntil: NOW + 60_000 }), alert(3, { state: 'resolved' })], NOW);
    expect(menu).toEqual({
      type: 'submenu',
      label: 'Open alerts (2)',
      items: [
        {
          type: 'submenu',
          label: '✕  web1 / check1',
          items: [
            { type: 'action', label: 'Acknowledge', action: { alert: 1, do: 'acknowledge' } },
            { type: 'action', label: 'Silence 1 h', action: { alert: 1, do: 'silence', forMs: 3_600_000 } },
            { type: 'action', label: 'Silence 8 h', action: { alert: 1, do: 'silence', forMs: 28_800_000 } },
          ],
        },
        {
          type: 'submenu',
          label: '✕  web1 / check2 (acknowledged, silenced)',
          items: [
            { type: 'action', label: 'Silence 1 h', action: { alert: 2, do: 'silence', forMs: 3_600_000 } },
            { type: 'action', label: 'Silence 8 h', action: { alert: 2, do: 'silence', forMs: 28_800_000 } },
          ],
        },
      ],
    });
    expect(openAlertsMenu([alert(1, { state: 'resolved' })], NOW)).toEqual([]);
    const many = openAlertsMenu(Array.from({ length: TRAY_ALERTS_MAX + 3 }, (_, i) => alert(i + 1)), NOW)[0]!;
    expect(many.type === 'submenu' && many.items.at(-1)).toEqual({ type: 'label', label: 'and 3 more on the dashboard' });
  });

  it('clicking Silence 1 h in the tray hands the alert and the duration to the app', () => {
    const actions: TrayAction[] = [];
    const tray = new KaavanTray(iconDir, (a) => actions.push(a));
    const fake = FakeTray.all.at(-1)!;
    tray.update({ paused: false, level: 'error', counts: { pending: 0, up: 1, degraded: 0, down: 1, paused: 0 }, openAlerts: 1, targets: [], generatedAt: 0 });
    tray.setAlerts([alert(7)]);
    type Item = { label?: string; click?: () => void; submenu?: Item[] };
    const template = fake.menu!.template as Item[];
    const open = template.find((i) => i.label === 'Open alerts (1)')!;
    const silence = open.submenu![0]!.submenu!.find((i) => i.label === 'Silence 1 h')!;
    silence.click!();
    expect(actions).toEqual([{ alert: 7, do: 'silence', forMs: 3_600_000 }]);
    tray.setAlerts([]);
    expect((fake.menu!.template as Item[]).some((i) => i.label?.startsWith('Open alerts'))).toBe(false);
    tray.destroy();
  });
});

describe('notification buttons', () => {
  const notice = (kind: AlertNotice['kind']): AlertNotice => ({ kind, alert: alert(42), title: 'web1 / check42 is DOWN', body: 'connection refused', at: NOW });

  it('on macOS and Windows an alert notification has Acknowledge and Silence 1 h', async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      FakeNotification.shown.length = 0;
      const chosen: unknown[] = [];
      const channel = new DesktopChannel({ enabled: () => true, onClick: () => {}, onAction: (id, a) => chosen.push([id, a]), platform, now: () => NOW });
      await channel.deliver(notice('opened'));
      const shown = FakeNotification.shown[0]!;
      expect((shown.options as { actions?: unknown }).actions).toEqual([
        { type: 'button', text: 'Acknowledge' },
        { type: 'button', text: 'Silence 1 h' },
      ]);
      shown.emit('action', { actionIndex: 1 }, 1);
      shown.emit('action', { actionIndex: 0 }, 0);
      expect(chosen).toEqual([
        [42, { do: 'silence', forMs: 3_600_000 }],
        [42, { do: 'acknowledge' }],
      ]);
    }
  });

  it('no buttons on Linux (notification daemons differ), nor on a recovery', async () => {
    const linux = new DesktopChannel({ enabled: () => true, onClick: () => {}, onAction: () => {}, platform: 'linux', now: () => NOW });
    await linux.deliver(notice('opened'));
    const mac = new DesktopChannel({ enabled: () => true, onClick: () => {}, onAction: () => {}, platform: 'darwin', now: () => NOW });
    await mac.deliver(notice('recovered'));
    expect(FakeNotification.shown.map((n) => (n.options as { actions?: unknown }).actions)).toEqual([undefined, undefined]);
  });
});
