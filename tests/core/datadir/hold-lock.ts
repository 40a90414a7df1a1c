// Child process for lock.test.ts: takes the data-folder lock and reports on stdout, then waits
// to be killed. Argument: the data folder and the mode.
import { acquireDataDirLock } from '../../../src-main/core/datadir/lock.js';

const [dir, mode] = process.argv.slice(2) as [string, 'app' | 'serve'];
acquireDataDirLock(dir, { mode }).then(
  (lock) => {
    process.stdout.write(`locked ${JSON.stringify(lock.info)}\n`);
    setInterval(() => undefined, 60_000);
  },
  (error: Error & { code?: string }) => {
    process.stdout.write(`refused ${JSON.stringify({ code: error.code, message: error.message })}\n`);
    process.exit(0);
  },
);
