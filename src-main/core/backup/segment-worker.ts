// Entry of a backup worker thread: builds segments (read, hash, tar, zstd, age), computes the
// CRC-32 of stored segments and restores segments on request, one task at a time. The protocol is in segment-workers.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { buildSegment, crcFile, isStopped, type BuildRequest } from './segment-build.js';
import { restoreSegmentFile, type RestoreSegmentRequest } from './restore-segment.js';

type Task = { id: number; kind: 'build'; req: BuildRequest } | { id: number; kind: 'crc'; file: string } | { id: number; kind: 'restore'; req: RestoreSegmentRequest };

const stop = new Int32Array(workerData.stop as SharedArrayBuffer);
const port = parentPort!;

port.on('message', (task: Task) => {
  void (async () => {
    try {
      if (task.kind === 'crc') return port.postMessage({ id: task.id, kind: 'done', result: crcFile(task.file) });
      const progress = (files: number, bytes: number) => port.postMessage({ id: task.id, kind: 'progress', files, bytes });
      const stopped = () => Atomics.load(stop, 0) !== 0;
      if (task.kind === 'restore') return port.postMessage({ id: task.id, kind: 'done', result: await restoreSegmentFile(task.req, progress, stopped) });
      const result = await buildSegment(task.req, { progress, stopped });
      port.postMessage({ id: task.id, kind: 'done', result });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      port.postMessage({ id: task.id, kind: 'error', message: e?.message ?? String(err), code: e?.code, stopped: isStopped(err) });
    }
  })();
});
port.postMessage({ kind: 'ready' });
