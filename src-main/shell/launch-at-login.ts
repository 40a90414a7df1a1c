// settings.launchAtLogin → the OS: login items on macOS/Windows, an XDG autostart entry on Linux.
// Only packaged builds register themselves (a development build would register the bare Electron
// binary). Started at login, the app stays in the tray without opening its window.
import { app } from 'electron';
import { HIDDEN_ARG, setLinuxAutostart } from './linux-autostart.js';

export type LaunchAtLoginResult = 'changed' | 'unchanged' | 'skipped';

export async function applyLaunchAtLogin(enabled: boolean): Promise<LaunchAtLoginResult> {
  if (!app.isPackaged) return 'skipped';
  if (process.platform === 'linux') {
    // An AppImage runs from a temporary mount: autostart must point at the AppImage file itself.
    const executable = process.env.APPIMAGE || process.execPath;
    return (await setLinuxAutostart(enabled, executable)) ? 'changed' : 'unchanged';
  }
  const current = app.getLoginItemSettings({ args: [HIDDEN_ARG] }).openAtLogin;
  if (current === enabled) return 'unchanged';
  app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_ARG] });
  return 'changed';
}

/** True when this start came from the login item (then no window is opened). */
export function startedAtLogin(): boolean {
  if (process.argv.includes(HIDDEN_ARG)) return true;
  if (process.platform === 'darwin') return app.getLoginItemSettings().wasOpenedAtLogin;
  return false;
}
