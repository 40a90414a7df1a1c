// The desktop side of backups: keeps the tray's "Back up now" menu and progress tooltip current from
// the service's events, runs a job from the tray, and shows a native notification when a run ends.
import type { NativeImage } from 'electron';
import type { BackupJobView, BackupProgress, KaavanEvent, KaavanService } from '../core/api/service.js';
import type { TrayBackups } from './tray-model.js';
import { BackupNotifier } from './backup-notifications.js';

export interface ShellBackupsOptions {
  service: Pick<KaavanService, 'listBackupJobs' | 'runBackup'>;
  tray: { setBackups(backups: TrayBackups | null): void };
  notificationsEnabled: () => boolean;
  openBackups: () => void;
  log: (message: string, error?: unknown) => void;
  icon?: NativeImage;
}

export class ShellBackups {
  private jobs: BackupJobView[] = [];
  private readonly running = new Map<string, BackupProgress>();
  private readonly notifier: BackupNotifier;

  constructor(private readonly options: ShellBackupsOptions) {
    this.notifier = new BackupNotifier({ enabled: options.notificationsEnabled, onClick: options.openBackups, ...(options.icon ? { icon: options.icon } : {}) });
  }

  /** Re-reads the jobs (start, configuration change, a run ended). */
  async refresh(): Promise<void> {
    try {
      this.jobs = await this.options.service.listBackupJobs();
    } catch (error) {
      this.options.log('cannot list backup jobs', error);
      return;
    }
    this.running.clear();
    for (const job of this.jobs) if (job.running) this.running.set(job.name, job.running);
    this.render();
  }

  onEvent(event: KaavanEvent): void {
    if (event.type === 'backup.progress') {
      this.running.set(event.progress.job, event.progress);
      this.render();
    } else if (event.type === 'backup.finished') {
      this.running.delete(event.run.job);
      this.render();
      this.notifier.show(event.run);
      void this.refresh();
    } else if (event.type === 'config.changed') {
      void this.refresh();
    }
  }

  /** "Back up now" from the tray; a refusal (already running, unknown job) is logged, the tray shows the state. */
  runNow(job: string): void {
    this.options.service.runBackup({ job }).catch((error: unknown) => this.options.log(`cannot start backup ${job}`, error));
  }

  private render(): void {
    this.options.tray.setBackups({ jobs: this.jobs, running: [...this.running.values()] });
  }
}
