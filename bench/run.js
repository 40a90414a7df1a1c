// Runs every benchmark in turn (npm run bench). Each prints markdown tables on stdout and writes
// bench/results/<name>.json. Not part of the test suite: nothing here asserts on timings.
//
//   node bench/run.js [--quick] [--only latency,scheduler,memory]
//
// --quick runs shorter windows (for trying the harness; quote the full runs, not these).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHES = {
  latency: { file: 'latency.mjs', quick: ['--iterations', '100', '--rounds', '2', '--warmup', '50', '--hyperfine-runs', '10'] },
  scheduler: { file: 'scheduler.mjs', quick: ['--seconds', '2', '--slices', '1'] },
  memory: { file: 'memory.mjs', quick: ['--seconds', '20', '--baseline-seconds', '5'] },
};

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyAt = argv.indexOf('--only');
const only = onlyAt >= 0 ? (argv[onlyAt + 1] ?? '').split(',').filter(Boolean) : Object.keys(BENCHES);
const unknown = only.filter((n) => !(n in BENCHES));
if (unknown.length) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(BENCHES).join(', ')}`);
  process.exit(64);
}

let failed = 0;
for (const name of only) {
  const { file, quick: quickArgs } = BENCHES[name];
  const script = fileURLToPath(new URL(file, import.meta.url));
  const extra = quick ? quickArgs : [];
  console.error(`\n== ${name}: node bench/${file}${extra.length ? ` ${extra.join(' ')}` : ''}`);
  const started = Date.now();
  const code = await new Promise((resolve) => {
    // Quick runs write bench/results/<name>.quick.json, leaving the full runs' files alone.
    const env = quick ? { ...process.env, KAAVAN_BENCH_TAG: 'quick' } : process.env;
    const child = spawn(process.execPath, [script, ...extra], { stdio: 'inherit', env });
    child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
  });
  console.error(`== ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (code !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
