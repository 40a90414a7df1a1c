// The demo configuration shipped in resources/demo-config.yaml, used to seed the app's settings on
// first start. Pure Node (no Electron), so a test can load it exactly as the app does.
import { readFile } from 'node:fs/promises';
import type { KaavanConfig } from '../core/config/schema.js';
import { assertValidConfig, invalidConfigError, parseConfigText } from '../core/config/validate.js';

export const DEMO_CONFIG_FILE = 'demo-config.yaml';

/** Reads, parses and validates the demo configuration; throws KaavanError with field issues. */
export async function loadDemoConfig(file: string): Promise<KaavanConfig> {
  const text = await readFile(file, 'utf8');
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) throw invalidConfigError(file, parsed.issues);
  return assertValidConfig(parsed.value, file);
}
