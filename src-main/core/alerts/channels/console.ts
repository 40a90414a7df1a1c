// Writes notices as log lines: the headless server's always-on channel, so no notice is lost
// when no browser is connected.
import type { AlertChannel, AlertNotice, NoticeKind } from '../channel.js';

export class ConsoleChannel implements AlertChannel {
  readonly name = 'console';
  constructor(private readonly write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {}

  accepts(kind: NoticeKind): boolean {
    return kind === 'opened' || kind === 'reminder' || kind === 'recovered';
  }

  async deliver(notice: AlertNotice): Promise<void> {
    this.write(`${new Date(notice.at).toISOString()} [${notice.kind}] ${notice.title}: ${notice.body}`);
  }
}
