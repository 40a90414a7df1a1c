// Holds the current configuration document; every change is validated as a whole, saved, then
// published. Edits from the UI and API run one at a time in one queue, each as read-modify-write:
// when the file changed since it was read (a hand edit, another process), it is read again and the
// edit re-applied to what is there now, so neither side's change is lost. The file is watched:
// a valid hand edit is applied live, an invalid one is reported and the running config kept.
import type { ConfigStore } from './config-store.js';
import type { KaavanConfig } from './schema.js';
import { assertValidConfig, emptyConfig, validateConfig } from './validate.js';
import { ConfigChangedOnDiskError } from './file-config-store.js';
import { KaavanError, type FieldIssue } from '../api/errors.js';

export interface ConfigManagerOptions {
  /** A watched file changed and is now invalid: the running configuration is kept. */
  onInvalid?: (issues: FieldIssue[]) => void;
  /** A watched file changed and its valid document was applied (after onChange). */
  onReloaded?: (config: KaavanConfig) => void;
  /** Quiet time after the last file event before reading (editors write in several steps). */
  watchDebounceMs?: number;
}

export type ReloadResult = { ok: true; changed: boolean } | { ok: false; issues: FieldIssue[] };

/** A save that keeps meeting a file changed underneath gives up after this many rounds. */
const MAX_SAVE_ATTEMPTS = 5;

function sameDocument(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function issuesOf(error: unknown): FieldIssue[] {
  if (error instanceof KaavanError && error.issues?.length) return error.issues;
  return [{ path: '(file)', message: error instanceof Error ? error.message : String(error) }];
}

export class ConfigManager {
  private doc: KaavanConfig = emptyConfig();
  private queue: Promise<unknown> = Promise.resolve();
  private stopWatch: (() => void) | null = null;
  private debounce: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly store: ConfigStore,
    private readonly onChange: (config: KaavanConfig) => void | Promise<void>,
    private readonly options: ConfigManagerOptions = {},
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
    return this.enqueue(async () => {
      for (let attempt = 1; ; attempt++) {
        // Read-modify-write: an edit made by hand since the last read is the base of this one.
        if (await this.store.changedSinceRead?.()) await this.reloadForEdit();
        const draft = structuredClone(this.doc);
        const next = change(draft) ?? draft;
        const valid = assertValidConfig(next, 'configuration');
        try {
          await this.store.save(valid);
        } catch (error) {
          if (error instanceof ConfigChangedOnDiskError && attempt < MAX_SAVE_ATTEMPTS) continue;
          throw error;
        }
        await this.publish(valid);
        return valid;
      }
    });
  }

  /**
   * Reads the file again (SIGHUP): a valid document is applied (onChange when it differs); an
   * invalid one is returned with its issues (the caller reports it) and the running config kept.
   */
  reload(): Promise<ReloadResult> {
    return this.enqueue(() => this.reloadNow());
  }

  /** Watches the store's file and reloads after changes (debounced). No-op for stores that cannot. */
  startWatching(): void {
    if (this.stopWatch || !this.store.watch) return;
    const delay = this.options.watchDebounceMs ?? 200;
    this.stopWatch = this.store.watch(() => {
      if (this.debounce) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        void this.enqueue(async () => {
          // Our own saves wake the watcher too: only a real change is read.
          if (this.store.changedSinceRead && !(await this.store.changedSinceRead())) return;
          const result = await this.reloadNow();
          if (!result.ok) this.options.onInvalid?.(result.issues);
          else if (result.changed) this.options.onReloaded?.(this.doc);
        });
      }, delay);
    });
  }

  stopWatching(): void {
    if (this.debounce) clearTimeout(this.debounce);
    this.debounce = null;
    this.stopWatch?.();
    this.stopWatch = null;
  }

  /**
   * `forEdit`: a file that is gone or emptied is no reason to refuse an edit (the save writes the
   * running document back); for a reload it is never taken as "monitor nothing".
   */
  private async reloadNow(forEdit = false): Promise<ReloadResult> {
    let raw: unknown;
    try {
      raw = await this.store.load();
    } catch (error) {
      return { ok: false, issues: issuesOf(error) };
    }
    if (raw === null && forEdit) return { ok: true, changed: false };
    const missing: FieldIssue[] = [{ path: '(file)', message: `${this.store.location} is missing or empty; keeping the running configuration` }];
    const result = raw === null ? { ok: false as const, issues: missing } : validateConfig(raw);
    if (!result.ok) return { ok: false, issues: result.issues };
    if (sameDocument(result.value, this.doc)) return { ok: true, changed: false };
    await this.publish(result.value);
    return { ok: true, changed: true };
  }

  /** Before an edit: the file changed by hand; take it as the base, or refuse while it is invalid. */
  private async reloadForEdit(): Promise<void> {
    const result = await this.reloadNow(true);
    if (!result.ok)
      throw new KaavanError(
        'conflict',
        `${this.store.location} was changed by hand and is not valid now; fix it (or undo the edit) before changing the configuration here`,
        result.issues,
      );
  }

  /** The engine has applied the document when this resolves (callers see it reconciled). */
  private async publish(config: KaavanConfig): Promise<void> {
    this.doc = config;
    await this.onChange(config);
  }

  private enqueue<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }
}
