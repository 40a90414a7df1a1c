import { afterEach, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AUTOSTART_FILE_NAME,
  autostartDir,
  desktopEntry,
  quoteExecArg,
  setLinuxAutostart,
} from '../../src-main/shell/linux-autostart.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('XDG autostart entry', () => {
  it('quotes Exec arguments per the Desktop Entry spec', () => {
    expect(quoteExecArg('/opt/Kaavan/kaavan')).toBe('/opt/Kaavan/kaavan');
    expect(quoteExecArg('--hidden')).toBe('--hidden');
    expect(quoteExecArg('/home/me/My Apps/Kaavan.AppImage')).toBe('"/home/me/My Apps/Kaavan.AppImage"');
    // `"` and `$` are escaped with a backslash, and every backslash is doubled in the file.
    expect(quoteExecArg('/a "b" $c')).toBe('"/a \\\\"b\\\\" \\\\$c"');
  });

  it('starts the app hidden in the tray', () => {
    const entry = desktopEntry('/opt/Kaavan/kaavan');
    expect(entry).toContain('[Desktop Entry]\n');
    expect(entry).toContain('\nExec=/opt/Kaavan/kaavan --hidden\n');
    expect(entry).toContain('\nType=Application\n');
    expect(entry).toContain('\nName=Kaavan\n');
  });

  it('honours XDG_CONFIG_HOME', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/x/config' })).toBe('/x/config/autostart');
  });

  it('creates, keeps and removes the file, reporting changes', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'kaavan-autostart-')), 'autostart');
    dirs.push(join(dir, '..'));
    const file = join(dir, AUTOSTART_FILE_NAME);
    expect(await setLinuxAutostart(false, '/opt/Kaavan/kaavan', dir)).toBe(false);
    expect(await setLinuxAutostart(true, '/opt/Kaavan/kaavan', dir)).toBe(true);
    expect(await readFile(file, 'utf8')).toBe(desktopEntry('/opt/Kaavan/kaavan'));
    expect(await setLinuxAutostart(true, '/opt/Kaavan/kaavan', dir)).toBe(false);
    // A moved executable (a new AppImage) rewrites the entry.
    expect(await setLinuxAutostart(true, '/home/me/Kaavan.AppImage', dir)).toBe(true);
    expect(await setLinuxAutostart(false, '/home/me/Kaavan.AppImage', dir)).toBe(true);
    expect(existsSync(file)).toBe(false);
  });
});
