// Backups in the desktop shell, with the real core (runtime, engine, local destination, store) and
// the recording Electron stand-in: "Back up now" per job in the tray menu runs the job, the tooltip
// shows the running backup's progress, a native notification tells a success (size, duration), and
// a failure arrives once, with its reason, as the job check's alert through the desktop channel.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupJobView, BackupProgress, BackupRunView } from '../../src-main/core/api/service.js';
import { createKaavan } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { createSecretStore } from '../../src-main/core/secrets/secrets.js';
import { RecordingChannel, waitFor } from '../helpers/core-harness.js';
import { FakeNotification, FakeTray } from './fake-electron.js';

vi.mock('electron', async () => {
  const { fakeElectron } = await import('./fake-electron.js');
  return { ...fakeElectron, default: fakeElectron };
});

const { KaavanTray } = await import('../../src-main/shell/tray.js');
const { ShellBackups } = await import('../../src-main/shell/backup-shell.js');
const { backupNotice } = await import('../../src-main/shell/backup-notifications.js');
const { trayModel } = await import('../../src-main/shell/tray-model.js');
const { DesktopChannel } = await import('../../src-main/shell/desktop-channel.js');
const iconDir = new URL('../../resources/tray', import.meta.url).pathname;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  FakeNotification.shown.length = 0;
});

const job = (name: string): BackupJobView => ({ name, type: 'intelligent', schedule: null, nextRunAt: null, destination: '/mnt/b', encrypted: true, sources: ['~/x'], lastRun: null, lastSuccess: null, running: null });
const progress = (p: Partial<BackupProgress>): BackupProgress => ({ runId: 'r', job: 'docs', state: 'archiving', files: 0, filesTotal: 0, bytes: 0, bytesTotal: 0, storedBytes: 0, rateBytesPerSec: 0, etaMs: null, ...p });

describe('tray model: backups', () => {
  it('puts "Back up now" with one entry per job above "Open dashboard"; a running job shows its progress instead', () => {
    const model = trayModel(null, null, { backups: { jobs: [job('docs'), job('photos & videos')], running: [progress({ job: 'docs', bytes: 45, bytesTotal: 100, rateBytesPerSec: 12 * 1024 * 1024 })] } });
    const at = model.menu.findIndex((i) => i.type === 'submenu' && i.label === 'Back up now');
    expect(model.menu[at + 2]).toMatchObject({ type: 'action', action: 'open-dashboard' });
    expect(model.menu[at]).toEqual({
      type: 'submenu',
      label: 'Back up now',
      items: [
        { type: 'label', label: 'docs — 45% (12.0 MiB/s)' },
        { type: 'action', label: 'photos && videos', action: 'backup-now:photos & videos' },
      ],
    });
    expect(model.tooltip).toBe('Kaavan — Backing up docs 45% (12.0 MiB/s) · starting…');
    expect(trayModel(null, null, { backups: { jobs: [], running: [] } }).menu.some((i) => i.type === 'submenu')).toBe(false);
  });

  it('words the success notice with size and duration; nothing of its own for a failure or a cancel', () => {
    const run: BackupRunView = { id: 'r', job: 'docs', kind: 'full', state: 'succeeded', startedAt: 0, finishedAt: 83_000, files: 1204, bytes: 3 * 1024 ** 3, storedBytes: 2.5 * 1024 ** 3, durationMs: 83_000, warnings: 0, error: null };
    expect(backupNotice(run)).toEqual({ title: 'Backup docs done', body: '1,204 files, 3.0 GiB (2.5 GiB stored) in 1 min 23 s' });
    expect(backupNotice({ ...run, state: 'failed', error: 'no space left on /mnt/b' })).toBeNull();
    expect(backupNotice({ ...run, state: 'cancelled' })).toBeNull();
  });
});

describe('tray and notifications against the real core', () => {
  it('runs a job from the tray menu; success is notified with size and duration, a failure once with its reason', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaavan-tray-bk-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    mkdirSync(join(dir, 'src'));
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, 'src', `f${i}.txt`), 'x'.repeat(1000));
    const configFile = join(dir, 'kaavan.yaml');
    writeFileSync(
      configFile,
      `version: 1\nbackups:\n  - { name: docs, sources: [{ path: "${join(dir, 'src')}" }], destination: { kind: local, path: "${join(dir, 'dest')}" } }\n  - { name: gone, sources: [{ path: "${join(dir, 'missing')}" }], destination: { kind: local, path: "${join(dir, 'dest2')}" } }\n`,
    );
    let notifications = true;
    const desktop = new DesktopChannel({ enabled: () => notifications, onClick: () => undefined });
    const rt = await createKaavan({ configStore: new FileConfigStore(configFile), dataDir: join(dir, 'data'), mode: 'electron', channels: [desktop, new RecordingChannel()], secrets: createSecretStore({ backend: null, env: {} }) });
    cleanups.push(() => rt.stop());
    await rt.start();

    const actions: string[] = [];
    let opened = 0;
    const logged: string[] = [];
    let shell: InstanceType<typeof ShellBackups> | null = null;
    const tray = new KaavanTray(iconDir, (action) => {
      if (typeof action !== 'string') return;
      actions.push(action);
      if (action.startsWith('backup-now:')) shell!.runNow(action.slice('backup-now:'.length));
    });
    cleanups.push(() => tray.destroy());
    const fake = FakeTray.all.at(-1)!;
    shell = new ShellBackups({ service: rt.service, tray, notificationsEnabled: () => notifications, openBackups: () => opened++, log: (m) => logged.push(m) });
    const tooltips: string[] = [];
    rt.service.subscribe((event) => {
      shell!.onEvent(event);
      tooltips.push(fake.tooltip);
    });
    await shell.refresh();

    const submenu = () => (fake.menu!.template.find((i) => i.label === 'Back up now')!.submenu as Array<{ label: string; click?: () => void }>);
    expect(submenu().map((i) => i.label)).toEqual(['docs', 'gone']);
    submenu().find((i) => i.label === 'docs')!.click!();
    expect(actions).toEqual(['backup-now:docs']);

    await waitFor(() => FakeNotification.shown.length === 1);
    const done = FakeNotification.shown[0]!;
    expect(done.options.title).toBe('Backup docs done');
    expect(done.options.body).toMatch(/^3 files, 2\.9 KiB \(.+ stored\) in \d/);
    // While it ran, the tooltip said so; afterwards it no longer does.
    expect(tooltips.some((t) => t.startsWith('Kaavan — Backing up docs'))).toBe(true);
    await waitFor(() => !fake.tooltip.includes('Backing up'));
    done.emit('click');
    expect(opened).toBe(1);

    submenu().find((i) => i.label === 'gone')!.click!();
    await waitFor(() => FakeNotification.shown.length === 2);
    expect(FakeNotification.shown[1]!.options).toMatchObject({ title: expect.stringContaining('Backups / gone'), body: expect.stringContaining('last run failed:') });
    expect(FakeNotification.shown[1]!.options.body).toContain('cannot be read (ENOENT)');

    // Turned off in the settings: the run still happens, no popup.
    notifications = false;
    submenu().find((i) => i.label === 'docs')!.click!();
    await waitFor(async () => (await rt.service.listBackupRuns({ job: 'docs' })).length === 2 && !fake.tooltip.includes('Backing up'));
    expect(FakeNotification.shown).toHaveLength(2);
    expect(logged).toEqual([]);
  });
});
