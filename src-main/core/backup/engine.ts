// The backup engine: runs a job (scan → archive → upload → verify → manifest), lists, restores,
// verifies, forgets and prunes. Effects live here; decisions (state machine, retention, manifest
// invariants) are pure modules. Format: docs/backup-format.md.
import { constants, open, rm } from 'node:fs/promises';
import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from '../log/logger.js';
import { silentLogger } from '../log/logger.js';
import { isFolderSource, isRemoteFolder, type RemoteFolderSource, type BackupDestination, type BackupJob, type DatabaseSource } from './job-schema.js';
import { appendDumpPart, dumpDatabase } from './pg-dump.js';
import type { Destination } from './destination.js';
import { LocalDestination } from './local-destination.js';
import { BackupError, errText } from './errors.js';
import { newRunId, Repository } from './repository.js';
import { matcher, scanSources, type ScannedEntry } from './scan.js';
import { SegmentWriter, readSegment } from './segment-io.js';
import { paddingBytes, tarHeader, TAR_END } from './tar.js';
import { readRemoteFolder, remotePrefix } from './remote-source.js';
import type { Host } from '../hosts/host.js';
import { MANIFEST_FORMAT, MANIFEST_VERSION, type Manifest, type ManifestEntry, type RunKind, type RunSummary, type SegmentRecord } from './manifest.js';
import { queuedRun, transition, isTerminal, runDuration, type RunState, type RunStateRecord } from './run-state-machine.js';
import { RunJournal, processAlive, type JournalRecord } from './journal.js';
import { restoreRun, type RestoreOptions, type RestoreResult } from './restore.js';
import { pool } from './pool.js';
import { BuildStopped, startSegmentWorkers, type SegmentWorkers } from './segment-workers.js';
import { applyRetention, type RetentionDecision, type RetentionPolicy } from './retention.js';

export interface SecretSource {
  get(name: string): Promise<string | null>;
}

export interface BackupEngineOptions {
  /** Kaavan's data folder: the run journal and S3 staging files live below it. */
  dataDir: string;
  secrets: SecretSource;
  now?: () => number;
  logger?: Logger;
  /** log2 of scrypt's N when a destination is initialised (default 16: 64 MiB, restic's cost class). */
  scryptLogN?: number;
  /** File data per segment before a new one starts (default 16 MiB). */
  segmentBytes?: number;
  /** Segments built at once (default: the number of cores, at least 2). */
  concurrency?: number;
  /**
   * What a run re-reads before it succeeds: 'stored' (default) re-reads every new segment and checks
   * the SHA-256 of its stored bytes; 'deep' also decrypts, decompresses and checks every file's SHA-256
   * (what verify() always does).
   */
  verify?: 'stored' | 'deep';
  /** Worker threads building and restoring segments (default: one per core, at most 8; 0: the main thread). */
  workers?: number;
  /** Runs at once across all jobs (default 1); more wait in the queued state. One per job always. */
  maxRuns?: number;
  /**
   * The Host of a config target (src-main/core/hosts), for sources with `target:`: remote folders
   * (tar over SSH) and pg_dump on the target. Undefined when there is no such target.
   */
  hostFor?: (targetName: string) => Host | undefined | Promise<Host | undefined>;
  /** Builds a destination from its config; the default knows local folders and S3. */
  openDestination?: (cfg: BackupDestination, secrets: SecretSource, dataDir: string) => Promise<Destination>;
}

export interface RunProgress {
  runId: string;
  job: string;
  state: RunState;
  files: number;
  filesTotal: number;
  bytes: number;
  bytesTotal: number;
  /** Files unchanged since the parent run (not read). */
  reusedFiles: number;
  storedBytes: number;
  rateBytesPerSec: number;
  etaMs: number | null;
}

export interface RunOptions {
  signal?: AbortSignal;
  onProgress?: (p: RunProgress) => void;
  /** Overrides the job's type for this run (e.g. a "full backup now" button). */
  type?: 'full' | 'incremental' | 'intelligent';
}

export interface RunResult {
  id: string;
  job: string;
  status: RunState;
  kind: RunKind | null;
  files: number;
  bytes: number;
  storedBytes: number;
  durationMs: number;
  transitions: RunStateRecord['transitions'];
  warnings: string[];
  error?: string;
}

export interface VerifyResult {
  run: string;
  ok: boolean;
  segments: number;
  files: number;
  problems: string[];
}

export interface ForgetResult {
  dryRun: boolean;
  decision: RetentionDecision;
  /** Segments no remaining run needs (deleted unless dryRun). */
  prunedSegments: string[];
  freedBytes: number;
}

const PROGRESS_EVERY_MS = 200;

async function defaultOpenDestination(cfg: BackupDestination, secrets: SecretSource, dataDir: string): Promise<Destination> {
  if (cfg.kind === 'local') return new LocalDestination(path.resolve(cfg.path));
  const { S3Destination } = await import('./s3-destination.js');
  return S3Destination.fromConfig(cfg, secrets, path.join(dataDir, 'backup', 'staging'));
}

export interface BackupEngine {
  run(job: BackupJob, opts?: RunOptions): Promise<RunResult>;
  /** Restorable runs of a job on its destination, oldest first. */
  list(job: BackupJob): Promise<RunSummary[]>;
  /** Every run this machine started (the local journal), including failed ones. */
  history(job?: string): Promise<JournalRecord[]>;
  restore(job: BackupJob, runId: string, toDir: string, opts?: RestoreOptions): Promise<RestoreResult>;
  verify(job: BackupJob, runId: string, opts?: { signal?: AbortSignal }): Promise<VerifyResult>;
  forget(job: BackupJob, opts?: { dryRun?: boolean; policy?: RetentionPolicy; timeZone?: 'utc' | 'local' }): Promise<ForgetResult>;
  prune(job: BackupJob, opts?: { dryRun?: boolean }): Promise<{ segments: string[]; freedBytes: number }>;
  /** Marks runs a crash left behind as interrupted and deletes their partial objects. */
  recover(): Promise<string[]>;
}

export function createBackupEngine(options: BackupEngineOptions): BackupEngine {
  const now = options.now ?? Date.now;
  const log = options.logger ?? silentLogger;
  const journal = new RunJournal(options.dataDir);
  const openDest = options.openDestination ?? defaultOpenDestination;
  const segmentBytes = options.segmentBytes ?? 16 * 1024 * 1024;
  // Twice the cores: a segment waits on reads and on zstd (thread pool) in turn, so two per core
  // keep the CPUs busy (measured in bench/backup.mjs).
  const concurrency = options.concurrency ?? Math.max(2, os.availableParallelism()) * 2;
  const deepVerify = options.verify === 'deep';
  // One worker thread per core builds segments; the main thread scans, uploads and verifies. At
  // most 8: each holds ~20 MiB of frames and buffers, and storage rarely feeds more.
  const workerCount = options.workers ?? Math.min(8, Math.max(1, os.availableParallelism()));
  const active = new Set<string>(); // run ids running in this process
  const activeJobs = new Set<string>();
  let recovered: Promise<string[]> | null = null;
  const maxRuns = options.maxRuns ?? 1;
  let running = 0;
  const waiting: (() => void)[] = [];
  /** Waits for a run slot; rejects when the signal aborts while waiting. */
  const acquireSlot = (signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      if (running < maxRuns) {
        running++;
        return resolve();
      }
      const onAbort = () => {
        waiting.splice(waiting.indexOf(start), 1);
        reject(signal.reason);
      };
      const start = () => {
        signal.removeEventListener('abort', onAbort);
        running++;
        resolve();
      };
      signal.addEventListener('abort', onAbort, { once: true });
      waiting.push(start);
    });
  const releaseSlot = () => {
    running--;
    waiting.shift()?.();
  };

  async function passphraseOf(job: BackupJob): Promise<string | null> {
    if (!job.encryption) return null;
    const value = await options.secrets.get(job.encryption.passphraseRef);
    if (value === null || value === '') throw new BackupError('config', `job "${job.name}": the secret "${job.encryption.passphraseRef}" (its passphrase) is not set`);
    return value;
  }

  async function dbPassword(src: DatabaseSource): Promise<string | null> {
    if (!src.passwordRef) return null;
    const value = await options.secrets.get(src.passwordRef);
    if (value === null) throw new BackupError('config', `the secret "${src.passwordRef}" (password of database ${src.database}) is not set`);
    return value;
  }

  async function openRepo(job: BackupJob, create: boolean): Promise<Repository> {
    const dest = await openDest(job.destination, options.secrets, options.dataDir);
    return Repository.open(dest, { passphrase: await passphraseOf(job), create, now, scryptLogN: options.scryptLogN ?? 16 });
  }

  async function deleteRunObjects(dest: Destination, runId: string): Promise<void> {
    await dest.cleanStaging(runId).catch(() => undefined);
    const objs = await dest.list(`segments/${runId}`);
    if (objs.length) await dest.delete(objs.map((o) => o.key));
  }

  async function recover(): Promise<string[]> {
    const out: string[] = [];
    for (const rec of await journal.all()) {
      if (active.has(rec.id)) continue;
      if (isTerminal(rec.record.state)) {
        if (rec.cleanupPending) {
          try {
            await deleteRunObjects(await openDest(rec.destination, options.secrets, options.dataDir), rec.id);
            rec.cleanupPending = false;
            await journal.save(rec);
          } catch (err) {
            log.warn('objects of a failed backup run are still to be removed', { run: rec.id, error: errText(err) });
          }
        }
        continue;
      }
      if (rec.pid !== process.pid && processAlive(rec.pid)) continue; // another Kaavan is running it
      try {
        const dest = await openDest(rec.destination, options.secrets, options.dataDir);
        // A manifest means the crash came after the commit point: the run is complete.
        const hasManifest = (await dest.list('manifests')).some((o) => o.key.startsWith(`manifests/${rec.id}.`));
        if (hasManifest) {
          rec.record = transition(rec.record, 'succeeded', now());
        } else {
          await deleteRunObjects(dest, rec.id);
          rec.record = transition(rec.record, 'interrupted', now(), 'Kaavan stopped while this run was in progress');
        }
      } catch (err) {
        rec.record = transition(rec.record, 'interrupted', now(), `Kaavan stopped while this run was in progress; cleaning up failed: ${errText(err)}`);
      }
      await journal.save(rec);
      out.push(rec.id);
      log.warn('backup run interrupted by a previous stop', { run: rec.id, job: rec.job });
    }
    return out;
  }
  const ensureRecovered = () => (recovered ??= recover());

  async function run(job: BackupJob, opts: RunOptions = {}): Promise<RunResult> {
    // Claimed before the first await, so two calls for one job cannot both pass.
    if (activeJobs.has(job.name)) throw new BackupError('busy', `job "${job.name}" is already running`);
    activeJobs.add(job.name);
    const runId = newRunId(now());
    const rec: JournalRecord = { id: runId, job: job.name, pid: process.pid, destination: job.destination, record: queuedRun(now()) };
    active.add(runId);
    try {
      await ensureRecovered();
      for (const r of await journal.all()) {
        if (r.job === job.name && !isTerminal(r.record.state) && processAlive(r.pid) && r.pid !== process.pid)
          throw new BackupError('busy', `job "${job.name}" is already running in another Kaavan process (pid ${r.pid})`);
      }
      await journal.save(rec);
    } catch (err) {
      active.delete(runId);
      activeJobs.delete(job.name);
      throw err;
    }
    const abort = new AbortController();
    const onUserAbort = () => abort.abort(new BackupError('cancelled', `run ${runId} of job "${job.name}" was cancelled`));
    if (opts.signal?.aborted) onUserAbort();
    opts.signal?.addEventListener('abort', onUserAbort, { once: true });
    const signal = abort.signal;
    const warnings: string[] = [];
    const p: RunProgress = { runId, job: job.name, state: 'queued', files: 0, filesTotal: 0, bytes: 0, bytesTotal: 0, reusedFiles: 0, storedBytes: 0, rateBytesPerSec: 0, etaMs: null };
    let archiveStart = 0;
    let lastEmit = 0;
    const emit = (force = false) => {
      const t = now();
      if (!force && t - lastEmit < PROGRESS_EVERY_MS) return;
      lastEmit = t;
      const elapsed = archiveStart ? (t - archiveStart) / 1000 : 0;
      p.rateBytesPerSec = elapsed > 0 ? Math.round(p.bytes / elapsed) : 0;
      p.etaMs = p.rateBytesPerSec > 0 ? Math.round(((p.bytesTotal - p.bytes) / p.rateBytesPerSec) * 1000) : null;
      opts.onProgress?.({ ...p });
    };
    const go = async (to: RunState, reason?: string) => {
      rec.record = transition(rec.record, to, now(), reason);
      p.state = to;
      await journal.save(rec);
      emit(true);
    };
    let dest: Destination | null = null;
    let kind: RunKind | null = null;
    let summary: RunSummary | null = null;
    let slot = false;
    let workers: SegmentWorkers | null = null;
    try {
      await acquireSlot(signal);
      slot = true;
      await go('scanning');
      const folderSources = job.sources.filter(isFolderSource).filter((s) => !isRemoteFolder(s));
      const remoteSources = job.sources.filter(isFolderSource).filter(isRemoteFolder);
      const dbSources = job.sources.filter((x): x is DatabaseSource => !isFolderSource(x));
      // The SSH connection of every target a source names, before anything is read.
      const hosts = new Map<string, Host>();
      for (const s of [...remoteSources, ...dbSources]) {
        if (s.target === undefined || hosts.has(s.target)) continue;
        const host = await options.hostFor?.(s.target);
        if (!host?.execStream) throw new BackupError('config', `job "${job.name}": target "${s.target}" ${host ? 'has no ssh: section' : 'is not in the configuration'}, so its sources cannot be read`);
        hosts.set(s.target, host);
      }
      for (const s of folderSources) {
        const abs = path.resolve(s.path.replace(/^~(?=$|\/)/, process.env.HOME ?? '~'));
        try {
          await open(abs, constants.O_RDONLY).then((fh) => fh.close());
        } catch (err) {
          throw new BackupError('source', `job "${job.name}": the source ${abs} cannot be read (${(err as NodeJS.ErrnoException).code ?? errText(err)})`);
        }
      }
      // The walk runs while the destination opens (scrypt of the key file, the parent manifest).
      const scanning = scanSources(folderSources, signal);
      scanning.catch(() => undefined); // awaited below; a failure to open the destination wins
      const repo = await openRepo(job, true);
      dest = repo.dest;
      // parent: the newest restorable run of this job
      const runs = (await repo.summaries()).filter((r) => r.job === job.name);
      const parentSummary = runs[runs.length - 1] ?? null;
      kind = chooseKind(opts.type ?? job.type ?? 'intelligent', runs, now(), job.maxChain ?? 7, (job.maxFullAgeDays ?? 30) * 86_400_000);
      const parent = kind === 'incremental' && parentSummary ? await repo.readManifest(parentSummary.id) : null;
      const scan = await scanning;
      p.filesTotal += dbSources.length;
      warnings.push(...scan.warnings);

      // plan: reuse unchanged entries (files, and folders and links too, so an unchanged tree
      // writes no segment at all), store the rest
      const segments: SegmentRecord[] = [];
      const segIndex = new Map<string, number>();
      const entries = new Map<string, ManifestEntry>();
      const parentEntries = new Map<string, ManifestEntry>();
      if (parent) for (const e of parent.entries) if (e.segment !== undefined && e.offset !== undefined) parentEntries.set(e.path, e);
      const unchanged = (prev: ManifestEntry | undefined, e: ScannedEntry): prev is ManifestEntry =>
        !!prev &&
        prev.type === e.type &&
        prev.size === e.size &&
        prev.mtimeNs === String(e.mtimeNs) &&
        prev.ctimeNs === String(e.ctimeNs) &&
        prev.ino === String(e.ino) &&
        (e.type !== 'symlink' || prev.target === e.target);
      const toStore: ScannedEntry[] = [];
      for (const e of scan.entries) {
        const prev = parentEntries.get(e.path);
        if (unchanged(prev, e)) {
          const copy: ManifestEntry = { ...prev, mode: e.mode, uid: e.uid, gid: e.gid };
          const seg = parent!.segments[prev.segment!]!;
          let idx = segIndex.get(seg.key);
          if (idx === undefined) {
            idx = segments.push(seg) - 1;
            segIndex.set(seg.key, idx);
          }
          copy.segment = idx;
          entries.set(e.path, copy);
          if (e.type === 'file') p.reusedFiles++;
        } else {
          toStore.push(e);
          if (e.type === 'file') {
            p.filesTotal++;
            p.bytesTotal += e.size;
          }
        }
      }
      const batches: ScannedEntry[][] = [];
      let cur: ScannedEntry[] = [];
      let curBytes = 0;
      for (const e of toStore) {
        if (e.size > segmentBytes && cur.length) {
          batches.push(cur);
          cur = [];
          curBytes = 0;
        }
        cur.push(e);
        curBytes += e.size;
        if (curBytes >= segmentBytes) {
          batches.push(cur);
          cur = [];
          curBytes = 0;
        }
      }
      if (cur.length) batches.push(cur);

      await go('archiving');
      archiveStart = now();
      const newSegments: { idx: number; entries: ManifestEntry[]; crc32: number }[] = [];
      const streamedEntries: ManifestEntry[] = []; // database dumps and remote folders, in stream order
      let nextSeq = 1;
      let tasksBuilt = 0; // tasks whose segments are all built
      const tasksTotal = batches.length + dbSources.length + remoteSources.length;
      /** An open segment: entries go in with add(), close() uploads it and records it. */
      const openSegment = async () => {
        const seq = nextSeq++;
        const key = repo.segmentKey(runId, seq);
        const staged = await repo.dest.stagingFile(runId, String(seq).padStart(6, '0'));
        const w = await SegmentWriter.create(staged, repo.header.encryption?.recipient ?? null);
        const written: ManifestEntry[] = [];
        return {
          w,
          written,
          close: async (lastOfTask: boolean) => {
            await w.write(TAR_END);
            const info = await w.finish();
            if (lastOfTask && ++tasksBuilt === tasksTotal && p.state === 'archiving') await go('uploading');
            await repo.dest.putFile(key, staged, signal);
            p.storedBytes += info.storedSize;
            emit(true); // a segment landed: worth a progress event of its own
            const idx = segments.push({ key, run: runId, ...info }) - 1;
            for (const me of written) me.segment = idx;
            newSegments.push({ idx, entries: written, crc32: w.storedCrc32 });
          },
          abort: async () => {
            await w.abort();
            await rm(staged, { force: true });
          },
        };
      };
      const fileTask = (batch: ScannedEntry[]) => async () => {
        const seq = nextSeq++;
        const key = repo.segmentKey(runId, seq);
        const staged = await repo.dest.stagingFile(runId, String(seq).padStart(6, '0'));
        let built;
        try {
          built = await workers!.build({ entries: batch, staged, recipient: repo.header.encryption?.recipient ?? null }, (files, bytes) => {
            p.files += files;
            p.bytes += bytes;
            emit();
          });
        } catch (err) {
          await rm(staged, { force: true });
          throw err instanceof BuildStopped && signal.aborted ? signal.reason : err;
        }
        warnings.push(...built.warnings);
        if (++tasksBuilt === tasksTotal && p.state === 'archiving') await go('uploading');
        await repo.dest.putFile(key, staged, signal);
        p.storedBytes += built.info.storedSize;
        emit(true); // a segment landed: worth a progress event of its own
        const idx = segments.push({ key, run: runId, ...built.info }) - 1;
        for (const me of built.entries) me.segment = idx;
        newSegments.push({ idx, entries: built.entries, crc32: built.crc32 });
      };
      const dbTask = (src: DatabaseSource) => async () => {
        let seg: Awaited<ReturnType<typeof openSegment>> | null = null;
        try {
          await dumpDatabase(src, await dbPassword(src), segmentBytes, signal, src.target !== undefined ? hosts.get(src.target)! : null, async (part) => {
            seg ??= await openSegment();
            const me = await appendDumpPart(seg.w, part, now());
            seg.written.push(me);
            streamedEntries.push(me);
            p.bytes += part.data.length;
            emit();
            if (seg.w.offset >= segmentBytes) {
              const full = seg;
              seg = null;
              await full.close(false);
            }
          });
          // the task's last segment (possibly holding only the dump's tail)
          if (seg) await (seg as Awaited<ReturnType<typeof openSegment>>).close(true);
          else if (++tasksBuilt === tasksTotal && p.state === 'archiving') await go('uploading');
          p.files++;
        } catch (err) {
          if (seg) await (seg as Awaited<ReturnType<typeof openSegment>>).abort();
          throw err;
        }
      };
      /** A remote folder: the target's tar, re-packed into segments as it streams in. */
      const remoteTask = (src: RemoteFolderSource) => async () => {
        type Seg = Awaited<ReturnType<typeof openSegment>>;
        let seg: Seg | null = null;
        let file: { me: ManifestEntry; hash: Hash; seg: Seg } | null = null;
        let skipping = false;
        const root = src.path.replace(/^\/+/, '').replace(/\/+$/, '');
        const exclude = matcher(src.exclude);
        const include = matcher(src.include);
        const excludedDirs: string[] = [];
        try {
          await readRemoteFolder(hosts.get(src.target)!, src.target, src.path, signal, warnings, async (ev) => {
            if (ev.kind === 'entry') {
              const h = ev.header;
              const rel = h.path === root ? '' : h.path.startsWith(`${root}/`) || root === '' ? h.path.slice(root ? root.length + 1 : 0) : null;
              skipping =
                rel === null ||
                excludedDirs.some((d) => rel.startsWith(d)) ||
                (rel !== '' && !!exclude?.(rel)) ||
                (rel !== '' && !!include && h.type !== 'dir' && !include(rel));
              if (rel && h.type === 'dir' && exclude?.(rel)) excludedDirs.push(`${rel}/`);
              if (skipping) return;
              // a new segment once this one is full (between entries: a file never spans two)
              if (seg && seg.w.offset >= segmentBytes) {
                const full: Seg = seg;
                seg = null;
                await full.close(false);
              }
              seg ??= await openSegment();
              const me: ManifestEntry = {
                path: `${remotePrefix(src.target)}/${h.path}`,
                type: h.type,
                size: h.size,
                mode: h.mode & 0o7777,
                mtimeNs: String(h.mtimeNs),
                ctimeNs: String(h.mtimeNs),
                ino: '0',
                dev: '0',
                uid: h.uid,
                gid: h.gid,
                ...(h.target !== undefined ? { target: h.target } : {}),
                offset: seg.w.offset,
              };
              await seg.w.write(tarHeader({ ...h, path: me.path, mode: me.mode }));
              seg.written.push(me);
              streamedEntries.push(me);
              if (h.type === 'file') {
                p.filesTotal++;
                p.bytesTotal += h.size;
                file = { me, hash: createHash('sha256'), seg };
              }
            } else if (ev.kind === 'data') {
              if (skipping || !file) return;
              file.hash.update(ev.chunk);
              await file.seg.w.write(ev.chunk);
              p.bytes += ev.chunk.length;
              emit();
            } else if (ev.kind === 'entry-end') {
              if (skipping || !file) return;
              await file.seg.w.write(paddingBytes(file.me.size));
              file.me.sha256 = file.hash.digest('hex');
              file = null;
              p.files++;
              emit();
            }
          });
          if (seg) await (seg as Seg).close(true);
          else if (++tasksBuilt === tasksTotal && p.state === 'archiving') await go('uploading');
        } catch (err) {
          if (seg) await (seg as Seg).abort();
          throw err;
        }
      };
      const tasks = [...dbSources.map(dbTask), ...remoteSources.map(remoteTask), ...batches.map(fileTask)];
      workers = await startSegmentWorkers(batches.length ? Math.min(workerCount, batches.length) : 0, (why) =>
        log.warn('backup worker threads could not start; building segments on the main thread', { error: why }),
      );
      signal.addEventListener('abort', () => workers?.stop(), { once: true });
      await pool(tasks, concurrency, async (t) => {
        try {
          await t();
        } catch (err) {
          if (!signal.aborted) abort.abort(err); // stop the other segments at once
          throw err;
        }
      });
      if (signal.aborted) throw signal.reason; // cancelled while the last segment was finishing
      if (p.state === 'archiving') await go('uploading');
      for (const s of newSegments) for (const me of s.entries) entries.set(me.path, me);

      await go('verifying');
      // Re-read every new segment from the destination and compare it with the SHA-256 of what was
      // written (deep mode also decrypts and checks every file's SHA-256); reused ones must still be there.
      await pool(newSegments, concurrency, async (s) => {
        const seg = segments[s.idx]!;
        const problems = deepVerify ? await verifySegment(repo, seg, s.entries, signal) : await verifyStored(repo.dest, seg, s.crc32, signal, workers);
        if (problems.length) throw new BackupError('corrupt', `run ${runId}: ${seg.key} did not read back intact from ${repo.dest.label}: ${problems[0]}`);
      });
      const reused = segments.filter((s) => s.run !== runId);
      if (reused.length) {
        const present = new Map<string, number>();
        for (const run of new Set(reused.map((s) => s.run))) for (const o of await repo.dest.list(`segments/${run}`)) present.set(o.key, o.size);
        for (const s of reused) if (present.get(s.key) !== s.storedSize) throw new BackupError('corrupt', `run ${runId}: segment ${s.key} of the parent run is missing or has the wrong size`);
      }
      const ordered = [...scan.entries.map((e) => entries.get(e.path)).filter((e): e is ManifestEntry => !!e), ...streamedEntries];
      const files = ordered.filter((e) => e.type === 'file');
      summary = {
        id: runId,
        job: job.name,
        kind,
        parent: kind === 'incremental' ? (parentSummary?.id ?? null) : null,
        startedAt: new Date(rec.record.transitions[0]!.at).toISOString(),
        finishedAt: new Date(now()).toISOString(),
        host: os.hostname(),
        files: files.length,
        dirs: ordered.filter((e) => e.type === 'dir').length,
        symlinks: ordered.filter((e) => e.type === 'symlink').length,
        bytes: files.reduce((s, e) => s + e.size, 0),
        newBytes: p.bytes,
        storedBytes: p.storedBytes,
        warnings,
      };
      const manifest: Manifest = {
        format: MANIFEST_FORMAT,
        version: MANIFEST_VERSION,
        run: summary,
        sources: job.sources.map((s) =>
          isFolderSource(s) ? (s.target !== undefined ? `${s.target}:${s.path}` : s.path) : `postgres://${s.target !== undefined ? `${s.target}/` : ''}${s.host ?? 'localhost'}:${s.port ?? 5432}/${s.database}`,
        ),
        segments,
        entries: ordered,
      };
      if (signal.aborted) throw signal.reason;
      // The commit point: from here on the run exists.
      const m = await repo.writeManifest(manifest);
      summary.storedBytes += m.storedSize;
      await repo.writeIndex(summary).catch((err) => warnings.push(`the index entry could not be written (${errText(err)}); list rebuilds it from the manifest`));
      rec.result = { files: summary.files, bytes: summary.bytes, storedBytes: summary.storedBytes, warnings };
      await go('succeeded');
    } catch (err) {
      const cancelled = signal.aborted && (opts.signal?.aborted ?? false);
      if (!signal.aborted) abort.abort(err); // stops what still runs (a scan, the workers)
      const code = (err as NodeJS.ErrnoException)?.code;
      const reason = cancelled
        ? 'cancelled'
        : code === 'ENOSPC' || code === 'EDQUOT'
          ? `no space left on ${dest?.label ?? 'the destination'} (or its staging folder); nothing of this run was kept`
          : errText(err);
      if (dest)
        await deleteRunObjects(dest, runId).catch((e) => {
          rec.cleanupPending = true;
          log.error('could not remove the objects of a failed backup run; will retry', { run: runId, error: errText(e) });
        });
      rec.result = { files: p.files, bytes: p.bytes, storedBytes: 0, error: reason, warnings };
      await go(cancelled ? 'cancelled' : 'failed', reason);
      log.warn('backup run did not succeed', { job: job.name, run: runId, reason });
    } finally {
      await workers?.close();
      if (slot) releaseSlot();
      opts.signal?.removeEventListener('abort', onUserAbort);
      active.delete(runId);
      activeJobs.delete(job.name);
    }
    return {
      id: runId,
      job: job.name,
      status: rec.record.state,
      kind,
      files: summary?.files ?? p.files,
      bytes: summary?.bytes ?? p.bytes,
      storedBytes: summary?.storedBytes ?? 0,
      durationMs: runDuration(rec.record, now()),
      transitions: rec.record.transitions,
      warnings,
      ...(rec.result?.error ? { error: rec.result.error } : {}),
    };
  }

  async function verify(job: BackupJob, runId: string, opts: { signal?: AbortSignal } = {}): Promise<VerifyResult> {
    const repo = await openRepo(job, false);
    const m = await repo.readManifest(runId);
    const problems: string[] = [];
    let files = 0;
    for (let i = 0; i < m.segments.length; i++) {
      const inSeg = m.entries.filter((e) => e.segment === i);
      files += inSeg.filter((e) => e.type === 'file').length;
      problems.push(...(await verifySegment(repo, m.segments[i]!, inSeg, opts.signal)).map((x) => `${m.segments[i]!.key}: ${x}`));
    }
    return { run: runId, ok: problems.length === 0, segments: m.segments.length, files, problems };
  }

  async function restore(job: BackupJob, runId: string, toDir: string, opts: RestoreOptions = {}): Promise<RestoreResult> {
    const repo = await openRepo(job, false);
    const m = await repo.readManifest(runId);
    if (m.run.job !== job.name) throw new BackupError('not-found', `run ${runId} belongs to job "${m.run.job}", not "${job.name}"`);
    return restoreRun(repo, m, toDir, opts, workerCount);
  }

  async function prune(job: BackupJob, opts: { dryRun?: boolean } = {}): Promise<{ segments: string[]; freedBytes: number }> {
    const repo = await openRepo(job, false);
    const referenced = new Set<string>();
    const withManifest = new Set<string>();
    for (const id of await repo.runIds()) {
      withManifest.add(id);
      for (const s of (await repo.readManifest(id)).segments) referenced.add(s.key);
    }
    const inProgress = new Set((await journal.all()).filter((r) => !isTerminal(r.record.state)).map((r) => r.id));
    const graceMs = 6 * 3_600_000; // a run of another machine may still be writing its segments
    const doomed = (await repo.dest.list('segments')).filter((o) => {
      if (referenced.has(o.key)) return false;
      const run = o.key.split('/')[1] ?? '';
      if (inProgress.has(run)) return false;
      if (!withManifest.has(run)) {
        const t = Date.parse(`${run.slice(0, 4)}-${run.slice(4, 6)}-${run.slice(6, 8)}T${run.slice(9, 11)}:${run.slice(11, 13)}:${run.slice(13, 15)}Z`);
        if (!Number.isFinite(t) || now() - t < graceMs) return false;
      }
      return true;
    });
    if (!opts.dryRun && doomed.length) await repo.dest.delete(doomed.map((o) => o.key));
    return { segments: doomed.map((o) => o.key), freedBytes: doomed.reduce((s, o) => s + o.size, 0) };
  }

  async function forget(job: BackupJob, opts: { dryRun?: boolean; policy?: RetentionPolicy; timeZone?: 'utc' | 'local' } = {}): Promise<ForgetResult> {
    const repo = await openRepo(job, false);
    const runs = (await repo.summaries()).filter((r) => r.job === job.name);
    const decision = applyRetention(runs.map((r) => ({ id: r.id, time: Date.parse(r.startedAt) })), opts.policy ?? job.retention ?? {}, { timeZone: opts.timeZone });
    if (!opts.dryRun && decision.remove.length) {
      // Manifest first: once it is gone the run no longer exists; the index entry is only a cache.
      await repo.dest.delete(decision.remove.map((id) => repo.manifestKey(id)));
      await repo.dest.delete(decision.remove.map((id) => repo.indexKey(id)));
    }
    let pruned: { segments: string[]; freedBytes: number };
    if (opts.dryRun) {
      // What prune would remove once these runs are gone: segments only removed runs reference.
      const keepRefs = new Set<string>();
      const removed = new Set(decision.remove);
      for (const id of await repo.runIds()) if (!removed.has(id)) for (const s of (await repo.readManifest(id)).segments) keepRefs.add(s.key);
      const candidates = (await repo.dest.list('segments')).filter((o) => removed.has(o.key.split('/')[1] ?? '') && !keepRefs.has(o.key));
      pruned = { segments: candidates.map((o) => o.key), freedBytes: candidates.reduce((s, o) => s + o.size, 0) };
    } else {
      pruned = await prune(job);
    }
    return { dryRun: !!opts.dryRun, decision, prunedSegments: pruned.segments, freedBytes: pruned.freedBytes };
  }

  return {
    run,
    list: async (job) => (await (await openRepo(job, false)).summaries()).filter((r) => r.job === job.name),
    history: async (jobName) => (await journal.all()).filter((r) => !jobName || r.job === jobName),
    restore,
    verify,
    forget,
    prune,
    recover: () => {
      recovered = recover();
      return recovered;
    },
  };
}

/** full / incremental / intelligent → what this run is (docs/backup-format.md §5.1). Pure. */
export function chooseKind(type: 'full' | 'incremental' | 'intelligent', runs: Pick<RunSummary, 'kind' | 'startedAt'>[], at: number, maxChain: number, maxFullAgeMs: number): RunKind {
  if (type === 'full' || runs.length === 0) return 'full';
  if (type === 'incremental') return 'incremental';
  let chain = 0;
  for (let i = runs.length - 1; i >= 0; i--) {
    const r = runs[i]!;
    if (r.kind === 'full') {
      if (at - Date.parse(r.startedAt) >= maxFullAgeMs) return 'full';
      return chain >= maxChain ? 'full' : 'incremental';
    }
    chain++;
  }
  return 'full';
}

/**
 * Re-reads a stored segment and compares its size and CRC-32 with what was written (a check
 * against storage and transfer faults; `verify` checks the SHA-256s).
 */
async function verifyStored(dest: Destination, seg: SegmentRecord, crc: number, signal?: AbortSignal, workers?: SegmentWorkers | null): Promise<string[]> {
  const mismatch = ['its stored bytes differ from what was written (size or CRC-32)'];
  const local = dest.localPath?.(seg.key);
  try {
    if (local && workers) {
      // A local destination: a worker re-reads the file, off the main thread.
      const back = await workers.crc(local);
      return back.size === seg.storedSize && back.crc32 === crc ? [] : mismatch;
    }
    let size = 0;
    let got = 0;
    for await (const chunk of (await dest.read(seg.key)) as AsyncIterable<Buffer>) {
      if (signal?.aborted) throw signal.reason;
      got = crc32(chunk, got);
      size += chunk.length;
    }
    return size === seg.storedSize && got === crc ? [] : mismatch;
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    return [errText(err)];
  }
}

/** Re-reads a stored segment and checks every entry the manifest places in it. */
async function verifySegment(repo: Repository, seg: SegmentRecord, inSegment: ManifestEntry[], signal?: AbortSignal): Promise<string[]> {
  const byOffset = new Map<number, ManifestEntry>();
  for (const e of inSegment) if (e.offset !== undefined) byOffset.set(e.offset, e);
  const problems: string[] = [];
  const seen = new Set<ManifestEntry>();
  try {
    await readSegment(await repo.dest.read(seg.key), seg, repo.identity, {
      entry: (h, offset) => {
        const e = byOffset.get(offset);
        if (!e) return null; // entries of other runs' manifests may share this segment
        if (h.path !== e.path || h.type !== e.type) {
          problems.push(`entry at offset ${offset} is "${h.path}", expected "${e.path}"`);
          return null;
        }
        seen.add(e);
        if (e.type !== 'file') return null;
        const hash = createHash('sha256');
        let n = 0;
        return {
          data: (c) => {
            hash.update(c);
            n += c.length;
          },
          end: () => {
            if (n !== e.size || hash.digest('hex') !== e.sha256) problems.push(`"${e.path}" does not match its recorded SHA-256`);
          },
        };
      },
    }, signal);
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    problems.push(errText(err));
    return problems;
  }
  for (const e of byOffset.values()) if (!seen.has(e)) problems.push(`"${e.path}" is missing`);
  return problems;
}
