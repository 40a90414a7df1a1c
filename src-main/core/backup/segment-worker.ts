// Entry of a backup worker thread: builds segments (read, hash, tar, zstd, age) and computes the
// CRC-32 of stored segments on request, one task at a time. The protocol is in segment-workers.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { buildSegment, crcFile, isStopped, type BuildRequest } from './segment-build.js';

type Task = { id: number; kind: 'build'; req: BuildRequest } | { id: number; kind: 'crc'; file: string };

const stop = new Int32Array(workerData.stop as SharedArrayBuffer);
const port = parentPort!;

port.on('message', (task: Task) => {
  void (async () => {
    try {
      if (task.kind === 'crc') return port.postMessage({ id: task.id, kind: 'done', result: crcFile(task.file) });
      const result = await buildSegment(task.req, {
        progress: (files, bytes) => port.postMessage({ id: task.id, kind: 'progress', files, bytes }),
        stopped: () => Atomics.load(stop, 0) !== 0,
      });
      port.postMessage({ id: task.id, kind: 'done', result });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      port.postMessage({ id: task.id, kind: 'error', message: e?.message ?? String(err), code: e?.code, stopped: isStopped(err) });
    }
  })();
});
port.postMessage({ kind: 'ready' });
