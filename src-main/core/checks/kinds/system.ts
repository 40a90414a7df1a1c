// The system check: CPU busy percent, memory and swap used, load average per core (and the
// hottest thermal zone where the host has one), each against warn/critical thresholds → degraded /
// down. On Linux hosts (local or over SSH) it reads /proc in one command; CPU is averaged since the
// previous probe (kept in the check's memory), or over a quarter second on the first probe. On a
// local computer without /proc (macOS, Windows) it uses Node's os module (no swap figure there).
// Reference: docs/host-checks.md.
import os from 'node:os';
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import type { ProbeOutcome } from '../../model.js';
import { formatBytes, roundLatency } from '../probe-support.js';
import { levelFor, onHost, percentField, percentValue, runOnHost, withHostDeadline, worst } from '../../hosts/host-probe.js';

const percentThresholds = z.strictObject({ warn: percentField.optional(), critical: percentField.optional() });

export const systemParamsShape = {
  cpu: percentThresholds.optional(),
  memory: percentThresholds.optional(),
  swap: percentThresholds.optional(),
  /** Load average (1 min) divided by the number of cores. */
  load: z
    .strictObject({
      warn: z.number({ error: 'must be a number (load per core)' }).min(0).max(1000).optional(),
      critical: z.number({ error: 'must be a number (load per core)' }).min(0).max(1000).optional(),
    })
    .optional(),
};

type SystemParams = z.infer<z.ZodObject<typeof systemParamsShape>>;

export interface CpuSample {
  at: number;
  busy: number;
  total: number;
}

export interface SystemFigures {
  cpuPercent: number | null;
  memoryPercent: number;
  memoryUsedBytes: number;
  memoryTotalBytes: number;
  swapPercent: number | null;
  load1: number;
  cores: number;
  temperatureC: number | null;
}

const CPU_KEY = 'cpu';
const CPU_SAMPLE_MAX_AGE_MS = 15 * 60_000;

/** busy and total jiffies from the "cpu" line of /proc/stat. */
export function parseProcStatCpu(line: string): { busy: number; total: number } | null {
  const m = /^cpu\s+(.+)$/.exec(line.trim());
  if (!m) return null;
  const v = m[1]!.split(/\s+/).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice)
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((s, x) => s + (Number.isFinite(x) ? x : 0), 0);
  return { busy: total - idle, total };
}

export function parseMeminfo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const m = /^(\w+):\s+(\d+)(?:\s+kB)?/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * (line.includes('kB') ? 1024 : 1);
  }
  return out;
}

function cpuPercent(previous: { busy: number; total: number }, current: { busy: number; total: number }): number | null {
  const total = current.total - previous.total;
  if (total <= 0) return null;
  return Math.round(((current.busy - previous.busy) / total) * 1000) / 10;
}

const pct = (used: number, total: number) => (total > 0 ? Math.round((used / total) * 1000) / 10 : 0);

async function linuxFigures(ctx: ProbeContext, deadline: Parameters<typeof runOnHost>[1]): Promise<SystemFigures | null> {
  const now = ctx.now();
  const previous = ctx.memory.get<CpuSample>(CPU_KEY);
  // A sample under a second old may be the same kernel tick (10 ms jiffies): measure afresh then.
  const usable = previous !== null && now - previous.at >= 1000 && now - previous.at < CPU_SAMPLE_MAX_AGE_MS;
  const stat = usable ? 'head -n 1 /proc/stat' : 'head -n 1 /proc/stat; sleep 0.25; head -n 1 /proc/stat';
  const command = [
    'cat /proc/loadavg',
    'echo ---',
    '(getconf _NPROCESSORS_ONLN 2>/dev/null || nproc)',
    'echo ---',
    'cat /proc/meminfo',
    'echo ---',
    `{ ${stat}; }`,
    'echo ---',
    'cat /sys/class/thermal/thermal_zone*/temp 2>/dev/null || true',
  ].join('; ');
  const result = await runOnHost(ctx, deadline, `test -r /proc/stat || exit 97; ${command}`);
  if (result.exitCode === 97) return null;
  const [loadavg = '', cores = '', meminfo = '', cpu = '', temps = ''] = result.stdout.split('---\n');
  const samples = cpu.split('\n').map(parseProcStatCpu).filter((x) => x !== null);
  const latest = samples[samples.length - 1];
  let cpuPct: number | null = null;
  if (latest) {
    const before = usable ? previous : samples.length > 1 ? samples[0]! : null;
    cpuPct = before ? cpuPercent(before, latest) : null;
    ctx.memory.set(CPU_KEY, { at: now, busy: latest.busy, total: latest.total } satisfies CpuSample);
  }
  const mem = parseMeminfo(meminfo);
  const memTotal = mem.MemTotal ?? 0;
  const memAvailable = mem.MemAvailable ?? (mem.MemFree ?? 0) + (mem.Buffers ?? 0) + (mem.Cached ?? 0);
  const swapTotal = mem.SwapTotal ?? 0;
  const zones = temps.split('\n').map((l) => Number(l.trim())).filter((n) => Number.isFinite(n) && n > 0);
  return {
    cpuPercent: cpuPct,
    memoryPercent: pct(memTotal - memAvailable, memTotal),
    memoryUsedBytes: memTotal - memAvailable,
    memoryTotalBytes: memTotal,
    swapPercent: swapTotal > 0 ? pct(swapTotal - (mem.SwapFree ?? 0), swapTotal) : null,
    load1: Number(loadavg.split(' ')[0]),
    cores: Math.max(1, Number.parseInt(cores, 10) || 1),
    temperatureC: zones.length ? Math.max(...zones) / 1000 : null,
  };
}

async function nodeFigures(ctx: ProbeContext): Promise<SystemFigures> {
  const sample = () => {
    let busy = 0;
    let total = 0;
    for (const c of os.cpus()) {
      const t = c.times.user + c.times.nice + c.times.sys + c.times.irq + c.times.idle;
      total += t;
      busy += t - c.times.idle;
    }
    return { busy, total };
  };
  const now = ctx.now();
  const previous = ctx.memory.get<CpuSample>(CPU_KEY);
  let before = previous && now - previous.at > 0 && now - previous.at < CPU_SAMPLE_MAX_AGE_MS ? previous : null;
  if (!before) {
    before = { at: now, ...sample() };
    await new Promise((r) => setTimeout(r, 250));
  }
  const current = sample();
  ctx.memory.set(CPU_KEY, { at: now, ...current } satisfies CpuSample);
  const total = os.totalmem();
  const used = total - os.freemem();
  return {
    cpuPercent: cpuPercent(before, current),
    memoryPercent: pct(used, total),
    memoryUsedBytes: used,
    memoryTotalBytes: total,
    swapPercent: null,
    load1: os.loadavg()[0] ?? 0,
    cores: Math.max(1, os.cpus().length),
    temperatureC: null,
  };
}

/** Status and message from the figures and thresholds (pure; exported for tests). */
export function judgeSystem(f: SystemFigures, params: SystemParams): Pick<ProbeOutcome, 'status' | 'message' | 'metrics'> {
  const t = (x: { warn?: number | string; critical?: number | string } | undefined, warn: number, critical: number) => ({
    warn: x?.warn !== undefined ? percentValue(x.warn) : warn,
    critical: x?.critical !== undefined ? percentValue(x.critical) : critical,
  });
  const cpu = t(params.cpu, 90, 98);
  const mem = t(params.memory, 90, 95);
  const swap = t(params.swap, 50, 80);
  const load = { warn: params.load?.warn ?? 2, critical: params.load?.critical ?? 4 };
  const perCore = Math.round((f.load1 / f.cores) * 100) / 100;
  const parts: string[] = [];
  const levels: Array<'up' | 'degraded' | 'down'> = [];
  const add = (label: string, value: number, th: { warn: number; critical: number }, unit: string, extra = '') => {
    const level = levelFor(value, th.warn, th.critical);
    levels.push(level);
    const note = level === 'down' ? ` (critical at ${th.critical}${unit})` : level === 'degraded' ? ` (warning at ${th.warn}${unit})` : '';
    parts.push(`${label} ${value}${unit}${extra}${note}`);
  };
  if (f.cpuPercent !== null) add('CPU', f.cpuPercent, cpu, '%');
  add('memory', f.memoryPercent, mem, '%', ` (${formatBytes(f.memoryUsedBytes)} of ${formatBytes(f.memoryTotalBytes)})`);
  if (f.swapPercent !== null) add('swap', f.swapPercent, swap, '%');
  add('load', perCore, load, ' per core', ` (${f.cores} core${f.cores === 1 ? '' : 's'})`);
  if (f.temperatureC !== null) parts.push(`${Math.round(f.temperatureC)} °C`);
  const metrics: Record<string, number> = { memoryPercent: f.memoryPercent, memoryUsedBytes: f.memoryUsedBytes, loadPerCore: perCore, cores: f.cores };
  if (f.cpuPercent !== null) metrics.cpuPercent = f.cpuPercent;
  if (f.swapPercent !== null) metrics.swapPercent = f.swapPercent;
  if (f.temperatureC !== null) metrics.temperatureC = f.temperatureC;
  return { status: worst(...levels), message: parts.join(', '), metrics };
}

export async function probeSystem(params: SystemParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  return withHostDeadline(ctx, () => `reading CPU, memory and load${onHost(ctx)}`, async (deadline) => {
    const figures = (await linuxFigures(ctx, deadline)) ?? (ctx.host.kind === 'local' ? await nodeFigures(ctx) : null);
    if (!figures) return { status: 'down', latencyMs: null, message: `${ctx.host.label} has no /proc (the system check reads Linux's /proc over SSH)` };
    return { ...judgeSystem(figures, params), latencyMs: roundLatency(deadline.elapsed()) };
  });
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const systemForm: KindForm = {
    fields: [
      { path: 'cpu.warn', label: 'CPU warn at', type: 'number', section: 'Thresholds (percent used)', placeholder: '90', default: 90 },
      { path: 'cpu.critical', label: 'CPU critical at', type: 'number', section: 'Thresholds (percent used)', placeholder: '98', default: 98 },
      { path: 'memory.warn', label: 'Memory warn at', type: 'number', section: 'Thresholds (percent used)', placeholder: '90', default: 90 },
      { path: 'memory.critical', label: 'Memory critical at', type: 'number', section: 'Thresholds (percent used)', placeholder: '95', default: 95 },
      { path: 'swap.warn', label: 'Swap warn at', type: 'number', section: 'Thresholds (percent used)', placeholder: '50', default: 50 },
      { path: 'swap.critical', label: 'Swap critical at', type: 'number', section: 'Thresholds (percent used)', placeholder: '80', default: 80 },
      { path: 'load.warn', label: 'Load warn at', type: 'number', section: 'Load (1 min, per core)', placeholder: '2', default: 2 },
      { path: 'load.critical', label: 'Load critical at', type: 'number', section: 'Load (1 min, per core)', placeholder: '4', default: 4 },
    ],
  };

export const systemCheck = defineCheckKind({
  kind: 'system',
  title: 'System (CPU, memory, load)',
  paramsShape: systemParamsShape,
  form: systemForm,
  describe: () => 'CPU, memory, swap, load',
  probe: (params, ctx) => probeSystem(params, ctx),
});
