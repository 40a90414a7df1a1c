// Export and import of the whole configuration as a file (Settings → Configuration file).
// Export: JSON, or YAML — the config file itself with its comments when it is a YAML file in step
// with the running document. Import: a YAML file imported into a YAML config file becomes that
// file as written (its comments, order and quoting kept); any other combination is saved as a
// minimal edit of the current file, which keeps the current file's comments on what did not change.
import { readFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { ConfigManager } from '../config/config-manager.js';
import type { KaavanConfig } from '../config/schema.js';
import { isJsonFile, parseConfigText, validateConfig } from '../config/validate.js';
import { parseYamlText } from '../config/yaml-text.js';
import { KaavanError } from './errors.js';

export type ConfigFormat = 'yaml' | 'json';

export interface ExportedConfig {
  fileName: string;
  text: string;
  /** True when the text is the config file as written (comments included). */
  asWritten: boolean;
}

export interface ImportedConfig {
  config: KaavanConfig;
  /** True when the imported file's comments were kept in the config file. */
  keptComments: boolean;
}

/** A store that can write a whole file as given (FileConfigStore). */
interface TextStore {
  location: string;
  saveText(text: string): Promise<void>;
}

function textStore(config: ConfigManager): TextStore | null {
  const store = config.store as Partial<TextStore> & { location: string };
  return typeof store.saveText === 'function' ? (store as TextStore) : null;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export async function exportConfig(config: ConfigManager, format: ConfigFormat): Promise<ExportedConfig> {
  const current = config.current;
  if (format === 'json') return { fileName: 'kaavan-config.json', text: `${JSON.stringify(current, null, 2)}\n`, asWritten: false };
  const location = config.store.location;
  if (!isJsonFile(location)) {
    // The file as the user wrote it, unless a hand edit not applied yet (an invalid one) makes it differ.
    const text = await readFile(location, 'utf8').catch(() => null);
    if (text !== null) {
      const parsed = parseYamlText(text);
      // Compared as validated documents: validation puts keys in the schema's order.
      const valid = parsed.ok ? validateConfig(parsed.value) : null;
      if (valid?.ok && same(valid.value, current)) return { fileName: 'kaavan-config.yaml', text, asWritten: true };
    }
  }
  return { fileName: 'kaavan-config.yaml', text: stringify(current, { lineWidth: 0 }), asWritten: false };
}

export async function importConfig(config: ConfigManager, input: { text: string; fileName: string }): Promise<ImportedConfig> {
  const parsed = parseConfigText(input.text, input.fileName);
  if (!parsed.ok) throw new KaavanError('invalid_input', `${input.fileName} cannot be read`, parsed.issues);
  const result = validateConfig(parsed.value);
  if (!result.ok) throw new KaavanError('invalid_input', `${input.fileName} is not a valid Kaavan configuration`, result.issues);
  const store = textStore(config);
  const yamlIntoYaml = store !== null && !isJsonFile(input.fileName) && !isJsonFile(store.location);
  if (!yamlIntoYaml) return { config: await config.update(() => result.value), keptComments: false };
  // The file becomes the imported text, then is read back like a hand edit (validated, applied).
  await store.saveText(input.text.endsWith('\n') ? input.text : `${input.text}\n`);
  const reloaded = await config.reload();
  if (!reloaded.ok) throw new KaavanError('invalid_input', `${input.fileName} is not a valid Kaavan configuration`, reloaded.issues);
  return { config: config.current, keptComments: true };
}
