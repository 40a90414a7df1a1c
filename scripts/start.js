#!/usr/bin/env node
// `npm start`: builds when out/ is missing, then launches the Kaavan tray app in Electron. Where
// Electron's runtime cannot be obtained (no binary, and it cannot be downloaded), it says so in one
// line and starts the headless dashboard instead: `kaavan serve` on the user's config file
// (<data>/config.yaml, seeded from resources/demo-config.yaml when it does not exist yet, so edits
// made in the dashboard never touch the repo's demo file), which prints the dashboard URL. Extra arguments (`npm start -- --port 8080`) go to whichever runs.
// Signals are forwarded to the child and its exit code becomes ours.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const args = process.argv.slice(2);
const DEMO_CONFIG = join('resources', 'demo-config.yaml');
/** How long a first-start download of the runtime may take before we give up on it. */
const RESOLVE_TIMEOUT_MS = Number(process.env.KAAVAN_ELECTRON_TIMEOUT_MS) || 10 * 60_000;

const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/cli.js', 'out/preload/index.cjs', 'out/renderer/index.html'];

function ensureBuilt() {
  const missing = BUILD_OUTPUTS.filter((file) => !existsSync(join(root, file)));
  if (missing.length === 0) return;
  console.error(`kaavan: building first (${missing.join(', ')} missing): npx electron-vite build`);
  const result = spawnSync('npx', ['electron-vite', 'build'], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) {
    console.error('kaavan: the build failed; see the output above');
    process.exit(result.status ?? 1);
  }
}

/** The installed binary, found without triggering electron's lazy download; null when absent. */
function installedElectron() {
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) return null;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const full = override ? join(override, relative || 'electron') : join(dir, 'dist', relative);
  return existsSync(full) ? full : null;
}

/**
 * require('electron') returns the binary's path, downloading it on first use. It runs in a child
 * with its output captured, so a failed download is reported by us in one line, not as a stack.
 */
function resolveElectron() {
  const fast = installedElectron();
  if (fast) return Promise.resolve({ path: fast });
  let entry;
  try {
    entry = require.resolve('electron');
  } catch {
    return Promise.resolve({ reason: 'the electron package is not installed' });
  }
  return new Promise((resolvePromise) => {
    const child = spawn(process.execPath, ['-e', `process.stdout.write(require(${JSON.stringify(entry)}))`], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    // Only say something when it is a real download (a failure here is immediate).
    const notice = setTimeout(() => console.error('kaavan: fetching the Electron runtime (first start)…'), 3_000);
    const deadline = setTimeout(() => child.kill(), RESOLVE_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(notice);
      clearTimeout(deadline);
      const path = stdout.trim();
      if (code === 0 && path && existsSync(path)) return resolvePromise({ path });
      if (code === 0 && path) return resolvePromise({ reason: `its binary is missing at ${path}` });
      const cause = /ENOTFOUND|EAI_AGAIN|ECONNREFUSED|fetch failed|ETIMEDOUT/.test(stderr)
        ? 'the binary is not installed and cannot be downloaded from this machine'
        : 'the binary is not installed and could not be obtained';
      resolvePromise({ reason: cause });
    });
  });
}

/** Runs the child in the foreground: forwards signals once, exits with its code. */
function run(command, commandArgs, env) {
  const detached = process.platform !== 'win32';
  // Own process group: Ctrl+C reaches only us, and we pass it on exactly once (a second SIGINT
  // would cut the child's clean shutdown short).
  const child = spawn(command, commandArgs, { cwd: root, stdio: 'inherit', env, detached });
  const forward = (signal) => () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, forward(signal));
  child.on('error', (error) => {
    console.error(`kaavan: cannot start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => {
    process.exit(code ?? (signal ? 128 + (constants.signals[signal] ?? 1) : 1));
  });
}

ensureBuilt();
const electron = await resolveElectron();
if (electron.path) {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // would turn the app into a plain Node process
  run(electron.path, ['.', ...args], env);
} else {
  const { defaultDataDir, defaultConfigFile } = await import(pathToFileURL(join(root, 'out', 'main', 'cli.js')).href);
  const configFile = defaultConfigFile(defaultDataDir());
  const seeded = !existsSync(configFile);
  if (seeded) {
    mkdirSync(dirname(configFile), { recursive: true });
    copyFileSync(join(root, DEMO_CONFIG), configFile);
  }
  console.error(
    `kaavan: Electron's runtime is not available (${electron.reason}); starting the headless dashboard instead: kaavan serve --config ${configFile}${seeded ? ` (seeded from ${DEMO_CONFIG})` : ''}`,
  );
  run(process.execPath, [join(root, 'bin', 'kaavan.js'), 'serve', '--config', configFile, ...args], process.env);
}
