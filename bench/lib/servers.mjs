// Starts local HTTP servers (127.0.0.1 only) in a child process, so they do not share the event loop
// of the code being measured. They stop by themselves after `lifetimeMs`, or when stop() is called,
// or when this process exits (their stdin closes).
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';

const CHILD = fileURLToPath(new URL('./server-child.mjs', import.meta.url));

/** @returns {Promise<{ ports: number[], pid: number, stop: () => Promise<void> }>} */
export async function startServers({ count = 1, lifetimeMs = 180_000 } = {}) {
  const child = spawn(process.execPath, [CHILD, String(count), String(lifetimeMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const first = await new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      rl.close();
      resolve(JSON.parse(line));
    });
    child.once('exit', (code) => reject(new Error(`bench server exited early (code ${code})`)));
  });
  return {
    ports: first.ports,
    pid: child.pid,
    stop: async () => {
      child.stdin.end();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
