// `kaavan backup run|list|forget|verify` and `kaavan restore` (DESIGN §4): the backup engine
// (src-main/core/backup) driven from the configuration's `backups:` jobs. Progress goes to stderr;
// with --json, stdout carries exactly one JSON document.
import { KaavanError } from '../core/api/errors.js';
import { createBackupEngine, type BackupEngine, type BackupJob, type RunProgress } from '../core/backup/index.js';
import { createSecretStore } from '../core/secrets/secrets.js';
import { nearest } from '../core/config/messages.js';
import type { KaavanConfig } from '../core/config/schema.js';
import { createHostForTarget } from '../core/hosts/create-host.js';
import type { Host } from '../core/hosts/host.js';
import { consoleLogger } from '../core/log/logger.js';

export interface BackupCliContext {
  json: boolean;
  dataDir: string;
  configFile: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Aborted by Ctrl+C: a run is cancelled cleanly (no partial object stays behind). */
  signal?: AbortSignal;
}

export class BackupUsageError extends Error {}

const MB = 1024 * 1024;

function jobNamed(config: KaavanConfig, name: string, configFile: string): BackupJob {
  const jobs = (config.backups ?? []) as BackupJob[];
  const job = jobs.find((j) => j.name.toLowerCase() === name.toLowerCase());
  if (job) return job;
  const guess = nearest(name, jobs.map((j) => j.name));
  throw new KaavanError('not_found', `no backup job "${name}" in ${configFile}${guess ? `; did you mean "${guess}"?` : jobs.length ? '' : ' (it has no backups: section)'}`);
}

/** Finds the job whose destination holds a run, for commands that take only the run id. */
async function jobOfRun(engine: BackupEngine, config: KaavanConfig, runId: string): Promise<BackupJob> {
  let unreadable: unknown = null;
  for (const job of (config.backups ?? []) as BackupJob[]) {
    let runs;
    try {
      runs = await engine.list(job);
    } catch (error) {
      // A destination that cannot be read (wrong passphrase, offline) may well hold the run: its
      // error is the useful answer when no other destination has it.
      unreadable ??= error;
      continue;
    }
    if (runs.some((r) => r.id === runId)) return job;
  }
  if (unreadable) throw unreadable;
  throw new KaavanError('not_found', `no restorable run "${runId}" in the destinations of the configured backup jobs (see kaavan backup list)`);
}

/**
 * The engine of one command, with the SSH connections of the targets that remote sources name
 * (built from the loaded config, so each target's pinned hostKey applies), opened on first use
 * and closed by dispose().
 */
function commandEngine(ctx: BackupCliContext, config: KaavanConfig): { engine: BackupEngine; dispose: () => Promise<void> } {
  const secrets = createSecretStore();
  const hosts = new Map<string, Host & { close?: () => Promise<void> }>();
  const hostFor = (name: string): Host | undefined => {
    const target = (config.targets ?? []).find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (!target) return undefined;
    let host = hosts.get(target.name);
    if (!host) hosts.set(target.name, (host = createHostForTarget(target, { secrets, log: consoleLogger() })));
    return host;
  };
  return {
    engine: createBackupEngine({ dataDir: ctx.dataDir, secrets, hostFor }),
    dispose: async () => {
      await Promise.all([...hosts.values()].map((h) => h.close?.().catch(() => undefined)));
    },
  };
}

function progressLine(p: RunProgress): string {
  const pct = p.bytesTotal > 0 ? ` ${Math.min(100, Math.round((p.bytes / p.bytesTotal) * 100))}%` : '';
  const eta = p.etaMs !== null ? `, ${Math.ceil(p.etaMs / 1000)} s left` : '';
  return `${p.job}: ${p.state}${pct} — ${p.files}/${p.filesTotal} files, ${(p.bytes / MB).toFixed(1)} MiB at ${(p.rateBytesPerSec / MB).toFixed(1)} MiB/s${eta}`;
}

export async function backupCommand(ctx: BackupCliContext, config: KaavanConfig, sub: string | undefined, rest: string[], flags: { dryRun?: boolean }): Promise<number> {
  const { engine, dispose } = commandEngine(ctx, config);
  try {
    return await backupSubcommand(ctx, config, engine, sub, rest, flags);
  } finally {
    await dispose();
  }
}

async function backupSubcommand(ctx: BackupCliContext, config: KaavanConfig, engine: BackupEngine, sub: string | undefined, rest: string[], flags: { dryRun?: boolean }): Promise<number> {
  await engine.recover();
  switch (sub) {
    case 'run': {
      if (rest.length !== 1) throw new BackupUsageError('usage: kaavan backup run JOB');
      const job = jobNamed(config, rest[0]!, ctx.configFile);
      let last = 0;
      const result = await engine.run(job, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        onProgress: (p) => {
          const now = Date.now();
          if (now - last < 1000 && p.state === 'archiving') return;
          last = now;
          ctx.stderr(`${progressLine(p)}\n`);
        },
      });
      const out = { id: result.id, job: result.job, status: result.status, kind: result.kind, files: result.files, bytes: result.bytes, storedBytes: result.storedBytes, durationMs: result.durationMs, warnings: result.warnings, ...(result.error ? { error: result.error } : {}) };
      if (ctx.json) ctx.stdout(`${JSON.stringify(out)}\n`);
      else if (result.status === 'succeeded')
        ctx.stdout(`Backed up ${result.files} files (${(result.bytes / MB).toFixed(1)} MiB, ${(result.storedBytes / MB).toFixed(1)} MiB stored) in ${(result.durationMs / 1000).toFixed(1)} s: run ${result.id}\n`);
      for (const warning of result.warnings) ctx.stderr(`kaavan: warning: ${warning}\n`);
      if (result.status !== 'succeeded') {
        ctx.stderr(`kaavan: backup ${result.job} ${result.status}${result.error ? `: ${result.error}` : ''}\n`);
        return 1;
      }
      return 0;
    }
    case 'list': {
      const jobs = rest.length ? [jobNamed(config, rest[0]!, ctx.configFile)] : ((config.backups ?? []) as BackupJob[]);
      const rows = [];
      for (const job of jobs) {
        for (const run of await engine.list(job)) {
          const durationMs = Date.parse(run.finishedAt) - Date.parse(run.startedAt);
          rows.push({ id: run.id, job: run.job, status: 'succeeded', kind: run.kind, files: run.files, bytes: run.bytes, storedBytes: run.storedBytes, durationMs, startedAt: run.startedAt });
        }
      }
      if (ctx.json) ctx.stdout(`${JSON.stringify(rows)}\n`);
      else if (rows.length === 0) ctx.stdout('No restorable runs.\n');
      else ctx.stdout(`${rows.map((r) => `${r.id}  ${r.job}  ${r.kind}  ${r.startedAt}  ${r.files} files  ${(r.bytes / MB).toFixed(1)} MiB`).join('\n')}\n`);
      return 0;
    }
    case 'forget': {
      if (rest.length !== 1) throw new BackupUsageError('usage: kaavan backup forget JOB [--dry-run]');
      const job = jobNamed(config, rest[0]!, ctx.configFile);
      const result = await engine.forget(job, { dryRun: flags.dryRun ?? false });
      if (ctx.json) ctx.stdout(`${JSON.stringify(result)}\n`);
      else ctx.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    }
    case 'verify': {
      if (rest.length !== 1) throw new BackupUsageError('usage: kaavan backup verify RUN');
      const job = await jobOfRun(engine, config, rest[0]!);
      const result = await engine.verify(job, rest[0]!, ctx.signal ? { signal: ctx.signal } : {});
      if (ctx.json) ctx.stdout(`${JSON.stringify(result)}\n`);
      else if (result.ok) ctx.stdout(`Run ${result.run} is intact: ${result.files} files in ${result.segments} segments checked.\n`);
      for (const problem of result.problems) ctx.stderr(`kaavan: ${problem}\n`);
      return result.ok ? 0 : 1;
    }
    default:
      throw new BackupUsageError(`unknown command "backup ${sub ?? ''}"; use run JOB, list [JOB], forget JOB [--dry-run] or verify RUN`);
  }
}

export async function restoreCommand(ctx: BackupCliContext, config: KaavanConfig, runId: string | undefined, flags: { to?: string; include?: string[] }): Promise<number> {
  if (!runId || !flags.to) throw new BackupUsageError('usage: kaavan restore RUN --to DIR [--include GLOB]');
  // Restore reads only the destination: no target is contacted.
  const engine = createBackupEngine({ dataDir: ctx.dataDir, secrets: createSecretStore() });
  const job = await jobOfRun(engine, config, runId);
  let last = 0;
  const result = await engine.restore(job, runId, flags.to, {
    ...(flags.include?.length ? { include: flags.include } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < 1000 && p.files < p.filesTotal) return;
      last = now;
      ctx.stderr(`restore ${runId}: ${p.files}/${p.filesTotal} files, ${(p.bytes / MB).toFixed(1)}/${(p.bytesTotal / MB).toFixed(1)} MiB\n`);
    },
  });
  if (ctx.json) ctx.stdout(`${JSON.stringify(result)}\n`);
  else ctx.stdout(`Restored ${result.restored} files (${(result.bytes / MB).toFixed(1)} MiB) from run ${result.run} into ${flags.to}.\n`);
  return result.failed > 0 ? 1 : 0;
}
