// An alert channel delivers notices to people. One channel = one file under alerts/channels/
// (core, plain Node) or src-main/shell/ (Electron-only, e.g. the desktop Notification channel).
import type { Alert } from '../model.js';

export type NoticeKind = 'opened' | 'reminder' | 'recovered' | 'acknowledged' | 'resolved';

export interface AlertNotice {
  kind: NoticeKind;
  alert: Alert;
  /** Short title for a notification: "web1 / homepage is DOWN". */
  title: string;
  /** One or two lines: the reason, or "Recovered after being down for 4 min 12 s". */
  body: string;
  at: number;
}

export interface AlertChannel {
  /** Unique name ("desktop", "email:ops", ...). */
  readonly name: string;
  /** Which notice kinds this channel wants (acknowledged/resolved by hand are often not worth a popup). */
  accepts(kind: NoticeKind): boolean;
  /** Delivers one notice; rejects on failure (the caller records it and carries on). */
  deliver(notice: AlertNotice): Promise<void>;
}
