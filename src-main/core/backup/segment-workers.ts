// A run's worker threads (one per core): segments are built in them in parallel while the main
// thread scans, uploads and keeps the UI responsive. When no worker can start (an unusual
// packaging), the same code runs on the main thread instead (docs/backup-format.md §8).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { buildSegment, crcFile, isStopped, type BuildRequest, type BuildResult } from './segment-build.js';
import { restoreSegmentFile, type RestoreSegmentRequest, type RestoreSegmentResult } from './restore-segment.js';

export interface SegmentWorkers {
  /** Threads in use (0: building on the main thread). */
  readonly threads: number;
  build(req: BuildRequest, progress: (files: number, bytes: number) => void): Promise<BuildResult>;
  /** CRC-32 and size of a local file (a stored segment read back). */
  crc(file: string): Promise<{ size: number; crc32: number }>;
  /** Restores the wanted entries of a locally stored segment into a staging folder. */
  restore(req: RestoreSegmentRequest, progress: (files: number, bytes: number) => void): Promise<RestoreSegmentResult>;
  /** Makes every build stop at its next file (it then rejects). */
  stop(): void;
  close(): Promise<void>;
}

/** Thrown by build() when stop() ended it. */
export class BuildStopped extends Error {}

/** How to start a worker: the bundled JS next to the app's code, or the TypeScript source through tsx. */
function workerSource(): { file: URL } | { code: string } | null {
  const here = import.meta.url;
  if (here.endsWith('.ts')) {
    // Running from the sources (tests, benchmarks): a worker needs tsx's loader of its own.
    const tsxDir = path.dirname(createRequire(here).resolve('tsx/package.json'));
    const api = pathToFileURL(path.join(tsxDir, 'dist', 'esm', 'api', 'index.mjs')).href;
    const entry = new URL('./segment-worker.ts', here).href;
    return { code: `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` };
  }
  // Built: electron-vite emits the entry "backup-worker" beside index.js and cli.js (their shared
  // chunks may live one folder down).
  for (const rel of ['./backup-worker.js', '../backup-worker.js']) {
    const file = new URL(rel, here);
    if (existsSync(fileURLToPath(file))) return { file };
  }
  return null;
}

interface Pending {
  resolve: (v: never) => void;
  reject: (e: Error) => void;
  progress?: (files: number, bytes: number) => void;
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

type Reply =
  | { kind: 'ready' }
  | { id: number; kind: 'progress'; files: number; bytes: number }
  | { id: number; kind: 'done'; result: never }
  | { id: number; kind: 'error'; message: string; code?: string; stopped: boolean };

function startWorker(source: { file: URL } | { code: string }, stop: SharedArrayBuffer): Promise<Worker> {
  return new Promise((resolve, reject) => {
    const opts = { workerData: { stop }, stdout: false, stderr: false };
    const worker = 'file' in source ? new Worker(source.file, opts) : new Worker(source.code, { ...opts, eval: true });
    const onError = (err: Error) => reject(err);
    worker.once('error', onError);
    worker.once('exit', (code) => reject(new Error(`the worker exited (${code}) before it started`)));
    worker.once('message', (m: Reply) => {
      if (m.kind !== 'ready') return reject(new Error('unexpected first message from a worker'));
      worker.removeAllListeners('error');
      worker.removeAllListeners('exit');
      resolve(worker);
    });
  });
}

/** Starts `count` workers; falls back to the main thread when they cannot start (onFallback says why). */
export async function startSegmentWorkers(count: number, onFallback?: (why: string) => void): Promise<SegmentWorkers> {
  const stopBuf = new SharedArrayBuffer(4);
  const stopFlag = new Int32Array(stopBuf);
  const source = workerSource();
  let workers: Worker[] = [];
  if (source && count > 0) {
    const started = await Promise.allSettled(Array.from({ length: count }, () => startWorker(source, stopBuf)));
    workers = started.filter((s): s is PromiseFulfilledResult<Worker> => s.status === 'fulfilled').map((s) => s.value);
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (!workers.length && failed) onFallback?.(String((failed.reason as Error)?.message ?? failed.reason));
  } else if (count > 0) onFallback?.('the worker entry (backup-worker.js) is not next to the app');

  if (!workers.length) {
    return {
      threads: 0,
      build: (req, progress) =>
        buildSegment(req, { progress, stopped: () => Atomics.load(stopFlag, 0) !== 0 }).catch((err: unknown) => {
          throw isStopped(err) ? new BuildStopped('stopped') : err;
        }),
      crc: async (file) => crcFile(file),
      restore: (req, progress) => restoreSegmentFile(req, progress, () => Atomics.load(stopFlag, 0) !== 0),
      stop: () => Atomics.store(stopFlag, 0, 1),
      close: async () => undefined,
    };
  }

  const slots: Slot[] = workers.map((worker) => ({ worker, busy: false }));
  const pending = new Map<number, Pending & { slot: Slot }>();
  const queue: (() => void)[] = [];
  let nextId = 1;
  let closed = false;
  const release = (slot: Slot) => {
    slot.busy = false;
    queue.shift()?.();
  };
  for (const slot of slots) {
    slot.worker.on('message', (m: Reply) => {
      if (m.kind === 'ready') return;
      const p = pending.get(m.id);
      if (!p) return;
      if (m.kind === 'progress') return p.progress?.(m.files, m.bytes);
      pending.delete(m.id);
      release(slot);
      if (m.kind === 'done') p.resolve(m.result);
      else p.reject(m.stopped ? new BuildStopped('stopped') : Object.assign(new Error(m.message), m.code ? { code: m.code } : {}));
    });
    // A worker that dies (out of memory, a native crash) fails what it was doing.
    const fail = (err: Error) => {
      for (const [id, p] of pending) {
        if (p.slot !== slot) continue;
        pending.delete(id);
        p.reject(err);
      }
    };
    slot.worker.on('error', fail);
    slot.worker.on('exit', (code) => {
      if (!closed) fail(new Error(`a backup worker thread stopped unexpectedly (exit ${code})`));
    });
  }
  const submit = <T>(msg: object, progress?: (files: number, bytes: number) => void) =>
    new Promise<T>((resolve, reject) => {
      const go = () => {
        const slot = slots.find((s) => !s.busy)!;
        slot.busy = true;
        const id = nextId++;
        pending.set(id, { resolve: resolve as (v: never) => void, reject, progress, slot });
        slot.worker.postMessage({ ...msg, id });
      };
      if (closed) return reject(new Error('the backup workers were closed'));
      if (slots.some((s) => !s.busy)) go();
      else queue.push(go);
    });
  return {
    threads: slots.length,
    build: (req, progress) => submit<BuildResult>({ kind: 'build', req }, progress),
    restore: (req, progress) => submit<RestoreSegmentResult>({ kind: 'restore', req }, progress),
    crc: (file) => submit<{ size: number; crc32: number }>({ kind: 'crc', file }),
    stop: () => Atomics.store(stopFlag, 0, 1),
    close: async () => {
      closed = true;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
