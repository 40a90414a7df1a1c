import { describe, expect, it } from 'vitest';
import { CONFIG_KEY, DocumentConfigStore, seedIfEmpty, type KeyValueBackend } from '../../src-main/shell/config-document-store.js';
import { KaavanError } from '../../src-main/core/api/errors.js';
import type { KaavanConfig } from '../../src-main/core/config/schema.js';

function memory(): KeyValueBackend & { data: Map<string, unknown> } {
  const data = new Map<string, unknown>();
  return { data, get: (k) => data.get(k), set: (k, v) => void data.set(k, v), delete: (k) => void data.delete(k) };
}

const demo: KaavanConfig = { version: 1, targets: [{ name: 'example-web', checks: [{ name: 'home', kind: 'tcp', host: 'example.com', port: 443 }] }] };

describe('DocumentConfigStore', () => {
  it('loads null when nothing is stored, then what was saved (as plain JSON)', async () => {
    const kv = memory();
    const store = new DocumentConfigStore(() => kv, 'app settings (test)');
    expect(await store.load()).toBeNull();
    await store.save({ version: 1, settings: { launchAtLogin: undefined }, targets: [] });
    expect(kv.data.get(CONFIG_KEY)).toEqual({ version: 1, settings: {}, targets: [] });
    expect(await store.load()).toEqual({ version: 1, settings: {}, targets: [] });
    await store.clear();
    expect(await store.load()).toBeNull();
  });

  it('opens the backend lazily and reports an unreadable file as a clear error', async () => {
    let opened = 0;
    const store = new DocumentConfigStore(() => {
      opened++;
      throw new SyntaxError('Unexpected token } in JSON at position 12');
    }, 'app settings (/tmp/config.json)');
    expect(opened).toBe(0);
    const error = await store.load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KaavanError);
    expect((error as KaavanError).code).toBe('unavailable');
    expect((error as KaavanError).message).toContain('/tmp/config.json');
    expect((error as KaavanError).message).toContain('Unexpected token');
  });
});

describe('seedIfEmpty', () => {
  it('stores the demo configuration on first start only', async () => {
    const kv = memory();
    const store = new DocumentConfigStore(() => kv, 'test');
    let seeds = 0;
    const seed = async () => {
      seeds++;
      return demo;
    };
    expect(await seedIfEmpty(store, seed)).toBe(true);
    expect(await store.load()).toEqual(demo);
    expect(await seedIfEmpty(store, seed)).toBe(false);
    expect(seeds).toBe(1);
  });

  it('never replaces a document the user emptied', async () => {
    const kv = memory();
    const store = new DocumentConfigStore(() => kv, 'test');
    await store.save({ version: 1, targets: [] });
    expect(await seedIfEmpty(store, async () => demo)).toBe(false);
    expect(await store.load()).toEqual({ version: 1, targets: [] });
  });
});
