// Launch at login on Linux (Electron's app.setLoginItemSettings covers macOS and Windows only):
// an XDG autostart entry, ~/.config/autostart/kaavan.desktop. Pure Node, unit-tested.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const AUTOSTART_FILE_NAME = 'kaavan.desktop';

/** Argument the app gets when started at login: it then stays in the tray without a window. */
export const HIDDEN_ARG = '--hidden';

export function autostartDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart');
}

/** Quotes one Exec argument per the Desktop Entry spec (then escapes backslashes for the file). */
export function quoteExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  const inner = arg.replace(/(["`$\\])/g, '\\$1');
  return `"${inner}"`.replace(/\\/g, '\\\\');
}

export function desktopEntry(executable: string, args: string[] = [HIDDEN_ARG]): string {
  const exec = [executable, ...args].map(quoteExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Kaavan',
    'Comment=Watch your servers from the tray',
    `Exec=${exec}`,
    'Icon=kaavan',
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Creates or removes the autostart entry; returns true when the file changed. */
export async function setLinuxAutostart(
  enabled: boolean,
  executable: string,
  dir: string = autostartDir(),
): Promise<boolean> {
  const file = join(dir, AUTOSTART_FILE_NAME);
  const current = await readFile(file, 'utf8').catch(() => null);
  if (!enabled) {
    if (current === null) return false;
    await rm(file, { force: true });
    return true;
  }
  const wanted = desktopEntry(executable);
  if (current === wanted) return false;
  await mkdir(dir, { recursive: true });
  await writeFile(file, wanted, 'utf8');
  return true;
}
