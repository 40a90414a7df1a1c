#!/usr/bin/env node
// Entry of the `kaavan` command: runs the CLI from the built bundle (npm run build).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../out/main/cli.js', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('kaavan: not built yet; run "npm run build" first\n');
  process.exit(1);
}
const { main } = await import(cli.href);
const staticDir = fileURLToPath(new URL('../out/renderer/', import.meta.url));
process.exitCode = await main(process.argv.slice(2), { staticDir });
