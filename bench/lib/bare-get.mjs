// One bare node:http GET (new connection, Connection: close), for the process-level comparison with
// curl under hyperfine. Usage: node bench/lib/bare-get.mjs http://127.0.0.1:PORT/
import http from 'node:http';

const req = http.get(process.argv[2], { agent: false, headers: { Connection: 'close' } }, (res) => {
  res.resume();
  res.on('end', () => {
    process.exitCode = res.statusCode === 200 ? 0 : 1;
  });
});
req.on('error', () => {
  process.exitCode = 1;
});
