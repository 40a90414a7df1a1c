// electron-builder.yml as electron-builder itself loads and validates it: the fuses of the packaged
// binary are set the hardened way, and the file passes the builder's own schema (a misspelt fuse
// name fails here, not silently at packaging time).
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const require = createRequire(`${root}package.json`);

interface BuilderConfig {
  electronFuses?: Record<string, unknown> | null;
  asar?: boolean;
}
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
  getConfig(dir: string, file: string, options: null): Promise<BuilderConfig>;
  validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('packaging (electron-builder.yml)', () => {
  it('turns off run-as-Node, NODE_OPTIONS and the inspector, and loads only an integrity-checked app.asar', async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // onlyLoadAppFromAsar needs an asar archive: it must not be switched off.
    expect(config.asar).not.toBe(false);
  });

  it("rejects a misspelt fuse (the builder's schema is what this test relies on)", async () => {
    const config = await getConfig(root, 'electron-builder.yml', null);
    const broken = { ...config, electronFuses: { ...config.electronFuses, runAsNod: false } };
    await expect(validateConfiguration(broken, new DebugLogger(false))).rejects.toThrow(/electronFuses/);
  });
});
