// The demo configuration shipped in resources/ must stay valid against the config schema: the app
// seeds its settings from it on first start and `npm start` falls back to serving it.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configSchema } from '../../src-main/core/config/schema.js';
import { loadDemoConfig } from '../../src-main/shell/demo-config.js';

const file = new URL('../../resources/demo-config.yaml', import.meta.url);

describe('resources/demo-config.yaml', () => {
  it('is valid against configSchema', () => {
    const parsed = configSchema.safeParse(parse(readFileSync(file, 'utf8')));
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it('watches public endpoints on two named servers with http and tcp checks', async () => {
    const config = await loadDemoConfig(file.pathname);
    expect(config.version).toBe(1);
    const targets = config.targets ?? [];
    expect(targets.map((t) => t.name)).toEqual(['example-web', 'public-dns']);
    const kinds = new Set(targets.flatMap((t) => (t.checks ?? []).map((c) => c.kind)));
    expect(kinds).toEqual(new Set(['http', 'tcp']));
    const checks = targets.flatMap((t) => t.checks ?? []);
    expect(checks.length).toBeGreaterThanOrEqual(4);
    for (const check of checks) {
      // Durations are strings, as users write them.
      expect(typeof check.interval).toBe('string');
      expect(typeof check.timeout).toBe('string');
    }
    const example = targets[0]!.checks!.find((c) => (c as { url?: string }).url === 'https://example.com') as
      | { kind: string; expect?: { keyword?: string } }
      | undefined;
    expect(example?.kind).toBe('http');
    expect(example?.expect?.keyword).toBe('Example Domain');
    // Launch at login stays off until the user turns it on.
    expect(config.settings?.launchAtLogin).toBe(false);
  });
});
