// The demo configuration shipped in resources/demo-config.yaml, used to seed the config file on
// first start. Pure Node (no Electron), so a test can load it exactly as the app does.
import { readFile } from 'node:fs/promises';
import type { KaavanConfig } from '../core/config/schema.js';
import { assertValidConfig, invalidConfigError, parseConfigText } from '../core/config/validate.js';

export const DEMO_CONFIG_FILE = 'demo-config.yaml';

/** Reads, parses and validates the demo configuration; throws KaavanError with field issues. */
export async function loadDemoConfig(file: string): Promise<KaavanConfig> {
  return (await readDemo(file)).config;
}

/** The demo file's text as shipped (its comments explain the fields), after checking it is valid. */
export async function loadDemoConfigText(file: string): Promise<string> {
  return (await readDemo(file)).text;
}

async function readDemo(file: string): Promise<{ text: string; config: KaavanConfig }> {
  const text = await readFile(file, 'utf8');
  const parsed = parseConfigText(text, file);
  if (!parsed.ok) throw invalidConfigError(file, parsed.issues);
  return { text, config: assertValidConfig(parsed.value, file) };
}
