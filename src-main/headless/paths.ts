import { homedir } from 'node:os';
import { join } from 'node:path';

/** The OS app-data folder Electron would use for "Kaavan" (so the CLI and the app agree). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.KAAVAN_DATA) return env.KAAVAN_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Kaavan');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Kaavan');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Kaavan');
}

export function defaultConfigFile(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.KAAVAN_CONFIG ?? join(dataDir, 'config.yaml');
}
