// The backup benchmarks run Kaavan bundled, as users run it (electron-vite bundles the same way):
// esbuild makes out/bench-backup/{engine,secrets,backup-worker}.js (no tsx in the figures).
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const BUNDLE = fileURLToPath(new URL('../out/bench-backup/', import.meta.url));
export const engineUrl = pathToFileURL(path.join(BUNDLE, 'engine.js')).href;
export const secretsUrl = pathToFileURL(path.join(BUNDLE, 'secrets.js')).href;

export async function buildBundle() {
  const esbuild = await import('esbuild');
  const src = (p) => fileURLToPath(new URL(`../src-main/${p}`, import.meta.url));
  await esbuild.build({
    entryPoints: { engine: src('core/backup/index.ts'), secrets: src('core/secrets/secrets.ts'), 'backup-worker': src('core/backup/segment-worker.ts') },
    outdir: BUNDLE,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
}
