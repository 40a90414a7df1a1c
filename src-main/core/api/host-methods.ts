// The hosts section of the service (issue 7): a target's SSH connection and host key (see and
// trust), accepting a files check's current state as its baseline, the host panel's figures and the
// status report. kaavan-service.ts keeps one-line methods that call these.
import type { KaavanConfig, TargetConfig } from '../config/schema.js';
import type { ConfigManager } from '../config/config-manager.js';
import type { MonitorEngine } from '../engine/monitor-engine.js';
import type { Store } from '../store/store.js';
import type { SecretReader, CheckMemory, ProbeContext } from '../checks/types.js';
import type { CheckStatus, CheckView } from '../model.js';
import { KaavanError, formatPath } from './errors.js';
import { sshConfigSchema, sshLabel, type SshConfig } from '../hosts/ssh-config.js';
import { fetchHostKeyFingerprint } from '../hosts/ssh-host.js';
import { percentValue } from '../hosts/host-probe.js';
import { acceptBaseline, type FilesParams } from '../checks/kinds/files.js';
import { silentLogger } from '../log/logger.js';
import { buildReport, type StatusReport } from '../report/report.js';
import { collectReportInput } from '../report/collect.js';

export interface HostMethodDeps {
  config: ConfigManager;
  engine: MonitorEngine;
  store: Store;
  secrets: SecretReader;
  now: () => number;
  /** Records an action in the audit log. */
  audit: (action: string, subject: string, detail: Record<string, unknown>) => void;
}

/** What a server offers as its host key, beside what the configuration pins. */
export interface HostKeyOffer {
  /** "web1.example.com:22". */
  address: string;
  /** The fingerprint the server showed, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
  /** The target's hostKey in the configuration, if any. */
  pinned: string | null;
  /** 'unknown': nothing pinned yet; 'trusted': the same key; 'changed': a different key is pinned. */
  state: 'unknown' | 'trusted' | 'changed';
}

export interface HostSystemView {
  checkId: number;
  name: string;
  status: CheckStatus;
  at: number | null;
  cpuPercent: number | null;
  memoryPercent: number | null;
  swapPercent: number | null;
  loadPerCore: number | null;
  cores: number | null;
  temperatureC: number | null;
  /** The check's thresholds, for the gauges' marks. */
  limits: { cpu: [number, number]; memory: [number, number]; swap: [number, number]; load: [number, number] };
}

export interface HostDiskView {
  checkId: number;
  name: string;
  path: string;
  status: CheckStatus;
  message: string | null;
  /** The samples the forecast is computed from (the disk check's own trend, up to 7 days). */
  samples: Array<{ at: number; usedBytes: number }>;
  totalBytes: number | null;
  usedPercent: number | null;
  warnPercent: number;
  criticalPercent: number;
  daysUntilFull: number | null;
  daysUntilCritical: number | null;
}

export interface HostFilesView {
  checkId: number;
  name: string;
  paths: string[];
  status: CheckStatus;
  message: string | null;
  baseline: { recordedAt: number; files: number } | null;
  /** The last difference found (cleared when the files match the baseline again, or on accept). */
  diff: { at: number; modified: string[]; missing: string[]; added: string[]; unreadable: string[] } | null;
}

export interface HostLogsView {
  checkId: number;
  name: string;
  path: string;
  status: CheckStatus;
  message: string | null;
  /** Matching lines within the check's window, oldest first. */
  matches: Array<{ at: number; severity: string; line: string }>;
}

export interface HostDetail {
  targetId: number;
  target: string;
  connection: { kind: 'local' } | { kind: 'ssh'; label: string; hostKey: string | null };
  system: HostSystemView[];
  disks: HostDiskView[];
  files: HostFilesView[];
  logs: HostLogsView[];
}

function targetNamed(config: KaavanConfig, name: string): TargetConfig {
  const target = (config.targets ?? []).find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (!target) throw new KaavanError('not_found', `no target named "${name}"`);
  return target;
}

function checkViewById(engine: MonitorEngine, id: number): CheckView {
  for (const target of engine.overview().targets) {
    const view = target.checks.find((c) => c.id === id);
    if (view) return view;
  }
  throw new KaavanError('not_found', `no check with id ${id}`);
}

function storeMemory(store: Store, checkId: number, now: () => number): CheckMemory {
  return {
    get: (key) => store.checkKv.get(checkId, key),
    set: (key, value) => store.checkKv.set(checkId, key, value, now()),
    delete: (key) => store.checkKv.delete(checkId, key),
  };
}

/** Shows the key a server offers (a saved target's, or any host:port typed in the form before saving). */
export async function offeredHostKey(deps: Pick<HostMethodDeps, 'config'>, input: { target?: string; host?: string; port?: number }): Promise<HostKeyOffer> {
  let host = input.host;
  let port = input.port ?? 22;
  let pinned: string | null = null;
  if (input.target !== undefined) {
    const ssh = targetNamed(deps.config.current, input.target).ssh;
    if (!ssh) throw new KaavanError('invalid_input', `target "${input.target}" has no SSH connection; add one (host, user, login) first`, [{ path: 'ssh', message: 'not set' }]);
    host ??= ssh.host;
    port = input.port ?? ssh.port ?? 22;
    pinned = ssh.hostKey ?? null;
  }
  if (!host) throw new KaavanError('invalid_input', 'give a target or a host', [{ path: 'host', message: 'is required' }]);
  let fingerprint: string;
  try {
    fingerprint = await fetchHostKeyFingerprint(host, port, { timeoutMs: 10_000 });
  } catch (error) {
    throw new KaavanError('unavailable', error instanceof Error ? error.message : String(error));
  }
  return { address: `${host}:${port}`, fingerprint, pinned, state: pinned === null ? 'unknown' : pinned === fingerprint ? 'trusted' : 'changed' };
}

/**
 * Pins the key the person saw: the server is asked again and must still offer `fingerprint`, so a
 * key swapped between showing and trusting is never written.
 */
export async function trustHostKey(deps: Pick<HostMethodDeps, 'config' | 'audit'>, input: { target: string; fingerprint: string }): Promise<KaavanConfig> {
  const offer = await offeredHostKey(deps, { target: input.target });
  if (offer.fingerprint !== input.fingerprint.trim())
    throw new KaavanError('conflict', `${offer.address} now offers ${offer.fingerprint}, not the ${input.fingerprint} you were shown; look at it again before trusting it`);
  const name = targetNamed(deps.config.current, input.target).name;
  const saved = await deps.config.update((draft) => {
    const target = (draft.targets ?? []).find((t) => t.name === name);
    if (!target?.ssh) throw new KaavanError('not_found', `target "${name}" has no SSH connection any more`);
    target.ssh.hostKey = offer.fingerprint;
  });
  deps.audit('host.trust', name, { fingerprint: offer.fingerprint, previous: offer.pinned });
  return saved;
}

/** Sets (or with null removes) a target's SSH connection; issues name fields as "ssh.user". */
export async function saveTargetSsh(deps: HostMethodDeps, input: { target: string; ssh: unknown }): Promise<KaavanConfig> {
  const name = targetNamed(deps.config.current, input.target).name;
  let ssh: SshConfig | null = null;
  if (input.ssh !== null) {
    const parsed = sshConfigSchema.safeParse(input.ssh);
    if (!parsed.success) {
      throw new KaavanError(
        'invalid_input',
        'the SSH connection is not valid',
        parsed.error.issues.map((i) => ({ path: formatPath(['ssh', ...i.path]), message: i.message })),
      );
    }
    ssh = parsed.data;
  }
  const saved = await deps.config.update((draft) => {
    const target = (draft.targets ?? []).find((t) => t.name === name);
    if (!target) throw new KaavanError('not_found', `no target named "${name}"`);
    if (ssh) target.ssh = ssh;
    else delete target.ssh;
  });
  deps.audit('target.ssh', name, ssh ? { host: sshLabel(ssh), hostKey: ssh.hostKey ?? null } : { removed: true });
  return saved;
}

/** Records the files check's current state as its baseline, then probes it again. */
export async function acceptFilesBaseline(deps: HostMethodDeps, input: { id: number }): Promise<{ files: number; unreadable: string[] }> {
  const view = checkViewById(deps.engine, input.id);
  if (view.kind !== 'files') throw new KaavanError('invalid_input', `${view.target} / ${view.name} is a ${view.kind} check; only files checks have a baseline`, [{ path: 'id', message: 'not a files check' }]);
  const runtime = deps.engine.findCheck(view.target, view.name);
  if (!runtime) throw new KaavanError('not_found', `no check with id ${input.id}`);
  const timeoutMs = 300_000;
  const ctx: ProbeContext = {
    signal: AbortSignal.timeout(timeoutMs),
    timeoutMs,
    now: deps.now,
    secrets: deps.secrets,
    log: silentLogger,
    host: deps.engine.hostOf(input.id),
    memory: storeMemory(deps.store, input.id, deps.now),
    checkId: input.id,
    target: view.target,
    check: view.name,
  };
  let result: { files: number; unreadable: string[] };
  try {
    result = await acceptBaseline(runtime.check.params as FilesParams, ctx);
  } catch (error) {
    throw new KaavanError('unavailable', error instanceof Error ? error.message : String(error));
  }
  deps.audit('baseline.accept', `${view.target} / ${view.name}`, { files: result.files, unreadable: result.unreadable.length });
  // The card turns green at once instead of at the next interval (a probe in flight is left be).
  if (view.enabled) void deps.engine.runNow(view.target, view.name).catch(() => undefined);
  return result;
}

const num = (m: Record<string, number> | undefined, key: string): number | null => (m && typeof m[key] === 'number' ? m[key] : null);
const pct = (value: unknown, fallback: number): number => {
  const v = value === undefined ? Number.NaN : percentValue(value as number | string);
  return Number.isNaN(v) ? fallback : v;
};

/** Everything the host panel of a target page shows, from live views and the checks' own memory. */
export function hostDetail(deps: HostMethodDeps, input: { targetId: number }): HostDetail {
  const view = deps.engine.overview().targets.find((t) => t.id === input.targetId);
  if (!view) throw new KaavanError('not_found', `no target with id ${input.targetId}`);
  const config = (deps.config.current.targets ?? []).find((t) => t.name === view.name);
  const paramsOf = (name: string) => ((config?.checks ?? []).find((c) => c.name === name) ?? {}) as Record<string, unknown>;
  const memoryOf = <T>(id: number, key: string): T | null => {
    try {
      return deps.store.checkKv.get<T>(id, key);
    } catch {
      return null;
    }
  };
  const message = (c: CheckView) => c.lastResult?.message ?? null;
  const detail: HostDetail = {
    targetId: view.id,
    target: view.name,
    connection: config?.ssh ? { kind: 'ssh', label: sshLabel(config.ssh), hostKey: config.ssh.hostKey ?? null } : { kind: 'local' },
    system: [],
    disks: [],
    files: [],
    logs: [],
  };
  for (const c of view.checks) {
    const p = paramsOf(c.name);
    const m = c.lastResult?.metrics;
    if (c.kind === 'system') {
      const th = (key: string, warn: number, critical: number): [number, number] => {
        const t = (p[key] ?? {}) as { warn?: number | string; critical?: number | string };
        return [pct(t.warn, warn), pct(t.critical, critical)];
      };
      const load = (p.load ?? {}) as { warn?: number; critical?: number };
      detail.system.push({
        checkId: c.id,
        name: c.name,
        status: c.status,
        at: c.lastResult?.at ?? null,
        cpuPercent: num(m, 'cpuPercent'),
        memoryPercent: num(m, 'memoryPercent'),
        swapPercent: num(m, 'swapPercent'),
        loadPerCore: num(m, 'loadPerCore'),
        cores: num(m, 'cores'),
        temperatureC: num(m, 'temperatureC'),
        limits: { cpu: th('cpu', 90, 98), memory: th('memory', 90, 95), swap: th('swap', 50, 80), load: [load.warn ?? 2, load.critical ?? 4] },
      });
    } else if (c.kind === 'disk') {
      const trend = memoryOf<Array<{ at: number; used: number }>>(c.id, 'trend') ?? [];
      detail.disks.push({
        checkId: c.id,
        name: c.name,
        path: typeof p.path === 'string' ? p.path : '/',
        status: c.status,
        message: message(c),
        samples: trend.map((s) => ({ at: s.at, usedBytes: s.used })),
        totalBytes: num(m, 'totalBytes'),
        usedPercent: num(m, 'usedPercent'),
        warnPercent: pct(p.warn, 80),
        criticalPercent: pct(p.critical, 90),
        daysUntilFull: num(m, 'daysUntilFull'),
        daysUntilCritical: num(m, 'daysUntilCritical'),
      });
    } else if (c.kind === 'files') {
      const baseline = memoryOf<{ recordedAt: number; count: number }>(c.id, 'baseline');
      const diff = memoryOf<HostFilesView['diff']>(c.id, 'lastDiff');
      detail.files.push({
        checkId: c.id,
        name: c.name,
        paths: Array.isArray(p.paths) ? (p.paths as string[]) : [],
        status: c.status,
        message: message(c),
        baseline: baseline ? { recordedAt: baseline.recordedAt, files: baseline.count } : null,
        diff,
      });
    } else if (c.kind === 'logs') {
      detail.logs.push({
        checkId: c.id,
        name: c.name,
        path: typeof p.path === 'string' ? p.path : '',
        status: c.status,
        message: message(c),
        matches: memoryOf<HostLogsView['matches']>(c.id, 'matches') ?? [],
      });
    }
  }
  return detail;
}

export const DEFAULT_REPORT_WINDOW_MS = 24 * 3_600_000;

export function statusReport(deps: HostMethodDeps, input: { sinceMs?: number }): StatusReport {
  const now = deps.now();
  const sinceMs = input.sinceMs ?? now - DEFAULT_REPORT_WINDOW_MS;
  return buildReport(collectReportInput({ store: deps.store, config: deps.config.current, overview: deps.engine.overview(), now, sinceMs }));
}
