// A child process that serves plain HTTP on 127.0.0.1 only, for the benchmarks.
// Usage: node bench/lib/server-child.mjs <count> <lifetimeMs>
// Prints one JSON line {"ports":[...]} once listening. Stops by itself after <lifetimeMs>, when its
// parent closes stdin (the parent died or is done), or on SIGTERM/SIGINT. Every response is
// "200 ok\n" with a Content-Length; the connection is closed when the client asked for it.
import http from 'node:http';

const count = Math.max(1, Math.min(64, Number(process.argv[2] ?? 1)));
const lifetimeMs = Math.max(1000, Math.min(15 * 60_000, Number(process.argv[3] ?? 180_000)));
const body = Buffer.from('ok\n');

const servers = [];
for (let i = 0; i < count; i++) {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain', 'Content-Length': body.length });
    res.end(body);
  });
  server.keepAliveTimeout = 1000;
  servers.push(server);
}

await Promise.all(servers.map((s) => new Promise((resolve, reject) => {
  s.once('error', reject);
  s.listen({ host: '127.0.0.1', port: 0, backlog: 1024 }, resolve);
})));
process.stdout.write(`${JSON.stringify({ ports: servers.map((s) => s.address().port), pid: process.pid })}\n`);

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const s of servers) {
    s.close();
    s.closeAllConnections?.();
  }
  setTimeout(() => process.exit(0), 200).unref();
}
setTimeout(stop, lifetimeMs).unref();
process.stdin.on('end', stop);
process.stdin.on('error', stop);
process.stdin.resume();
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
