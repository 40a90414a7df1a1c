// Native notification when a backup succeeds, with its size and duration; a click opens the Backups
// page. A failure is not popped up here: it turns the job's check DOWN at once, and that alert goes
// through the notifier like any other (desktop popup with the reason, email, webhook, routes,
// reminders and the recovery notice), so one failure is one notification. A cancel is something the
// user just did: nothing. Honours settings.notifications like the desktop alert channel.
import { Notification, type NativeImage } from 'electron';
import type { BackupRunView } from '../core/api/service.js';
import { humanDuration } from '../core/config/duration.js';
import { formatBytes } from '../core/backup/format-bytes.js';

export function backupNotice(run: BackupRunView): { title: string; body: string } | null {
  if (run.state !== 'succeeded') return null;
  return {
    title: `Backup ${run.job} done`,
    body: `${run.files.toLocaleString('en')} file${run.files === 1 ? '' : 's'}, ${formatBytes(run.bytes)} (${formatBytes(run.storedBytes)} stored) in ${humanDuration(run.durationMs)}${run.warnings ? ` · ${run.warnings} warning${run.warnings === 1 ? '' : 's'}` : ''}`,
  };
}

export interface BackupNotifierOptions {
  enabled: () => boolean;
  onClick: () => void;
  icon?: NativeImage;
}

export class BackupNotifier {
  /** Kept referenced until closed: a collected notification loses its click handler. */
  private readonly live = new Set<Notification>();

  constructor(private readonly options: BackupNotifierOptions) {}

  /** Shows the notice for a finished run; false when none is due (not a success, turned off, unsupported). */
  show(run: BackupRunView): boolean {
    const notice = backupNotice(run);
    if (!notice || !this.options.enabled() || !Notification.isSupported()) return false;
    const notification = new Notification({ ...notice, ...(this.options.icon ? { icon: this.options.icon } : {}), urgency: 'low' });
    const release = () => this.live.delete(notification);
    notification.on('click', () => {
      release();
      this.options.onClick();
    });
    notification.on('close', release);
    notification.on('failed', release);
    if (this.live.size >= 20) this.live.delete(this.live.values().next().value!);
    this.live.add(notification);
    notification.show();
    return true;
  }
}
