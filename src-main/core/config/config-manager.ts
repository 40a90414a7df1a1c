// Holds the current configuration document; every change is validated as a whole, saved, then
// published. Changes are serialised so two quick edits cannot overwrite each other.
import type { ConfigStore } from './config-store.js';
import type { KaavanConfig } from './schema.js';
import { assertValidConfig, emptyConfig } from './validate.js';

export class ConfigManager {
  private doc: KaavanConfig = emptyConfig();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly store: ConfigStore,
    private readonly onChange: (config: KaavanConfig) => void | Promise<void>,
  ) {}

  get current(): KaavanConfig {
    return this.doc;
  }

  /** Loads and validates the stored document (an absent one is an empty config). */
  async load(): Promise<KaavanConfig> {
    const raw = await this.store.load();
    this.doc = raw === null ? emptyConfig() : assertValidConfig(raw, this.store.location);
    return this.doc;
  }

  /** Applies `change` to a copy, validates, saves and publishes; rejects with field issues. */
  update(change: (draft: KaavanConfig) => KaavanConfig | void): Promise<KaavanConfig> {
    const run = async () => {
      const draft = structuredClone(this.doc);
      const next = change(draft) ?? draft;
      const valid = assertValidConfig(next, 'configuration');
      await this.store.save(valid);
      this.doc = valid;
      await this.onChange(valid);
      return valid;
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
