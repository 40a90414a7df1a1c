// The desktop alert channel: native notifications through Electron's Notification. Clicking one
// opens the page of the check it is about (its alerts are linked from there). Sits behind the same
// AlertChannel interface as email/webhook.
import { Notification, type NativeImage } from 'electron';
import type { AlertChannel, AlertNotice, NoticeKind } from '../core/alerts/channel.js';

/**
 * Notices older than this are not shown: the outbox keeps undelivered notices across restarts, and
 * a popup about something that happened hours ago (while the app was closed) only misleads.
 */
export const STALE_NOTICE_MS = 15 * 60_000;

export interface DesktopChannelOptions {
  /** settings.notifications (default on); read at delivery time. */
  enabled: () => boolean;
  /** Opens the dashboard on the alert's check (its page), or on the alert when it has no check. */
  onClick: (alertId: number, checkId: number | null) => void;
  /** App icon shown in the notification (Linux/Windows). */
  icon?: NativeImage;
  now?: () => number;
  /** The channel's name (a `kind: desktop` entry of the config's `channels:`); "desktop" by default. */
  name?: string;
  /**
   * Acknowledge / Silence 1 h from the notification's buttons (issue 8). Only macOS and Windows
   * show notification buttons; Linux notification daemons get none (use the tray menu there).
   */
  onAction?: (alertId: number, action: NotificationAlertAction) => void;
  /** process.platform, injectable for tests. */
  platform?: NodeJS.Platform;
}

export type NotificationAlertAction = { do: 'acknowledge' } | { do: 'silence'; forMs: number };

/** The buttons of a notice's notification, in order; none for a recovery. */
export function notificationActions(kind: NoticeKind, platform: NodeJS.Platform): Array<{ text: string; action: NotificationAlertAction }> {
  if (platform !== 'darwin' && platform !== 'win32') return [];
  if (kind !== 'opened' && kind !== 'reminder') return [];
  return [
    { text: 'Acknowledge', action: { do: 'acknowledge' } },
    { text: 'Silence 1 h', action: { do: 'silence', forMs: 3_600_000 } },
  ];
}

export class DesktopChannel implements AlertChannel {
  readonly name: string;
  /** Notifications are kept referenced until closed: a collected one loses its click handler. */
  private readonly live = new Set<Notification>();

  constructor(private readonly options: DesktopChannelOptions) {
    this.name = options.name ?? 'desktop';
  }

  accepts(kind: NoticeKind): boolean {
    // Acknowledging or resolving by hand is something the user just did: no popup for that.
    return kind === 'opened' || kind === 'reminder' || kind === 'recovered';
  }

  async deliver(notice: AlertNotice): Promise<void> {
    if (!this.options.enabled()) return;
    const now = (this.options.now ?? Date.now)();
    if (now - notice.at > STALE_NOTICE_MS) return;
    if (!Notification.isSupported()) throw new Error('desktop notifications are not supported on this system');

    const buttons = this.options.onAction ? notificationActions(notice.kind, this.options.platform ?? process.platform) : [];
    const notification = new Notification({
      title: notice.title,
      body: notice.body,
      ...(this.options.icon ? { icon: this.options.icon } : {}),
      urgency: notice.kind === 'recovered' ? 'low' : 'normal',
      ...(buttons.length ? { actions: buttons.map((b) => ({ type: 'button' as const, text: b.text })) } : {}),
    });
    if (buttons.length) {
      // Electron 45 passes the index on the event; older versions as the second argument.
      notification.on('action', (details: { actionIndex?: number } | undefined, index?: number) => {
        const chosen = buttons[details?.actionIndex ?? index ?? -1];
        if (chosen) this.options.onAction?.(notice.alert.id, chosen.action);
      });
    }
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      this.options.onClick(notice.alert.id, notice.alert.checkId);
    });
    notification.on('close', release);
    notification.on('failed', release);
    // Bound the set in case a platform never reports "close".
    if (this.live.size >= 50) {
      const oldest = this.live.values().next().value;
      if (oldest) this.live.delete(oldest);
    }
    this.live.add(notification);
    notification.show();
  }
}
