// The disk check: how full the filesystem holding `path` is, in space and in inodes, on the
// target's host (`df -P`, portable POSIX output). Degraded at `warn` percent, down at `critical`.
// Each probe adds the used bytes to a trend kept in the check's memory; once the trend spans at
// least an hour and rises, a linear fit forecasts when `critical` is reached, and the check is
// degraded while that is nearer than `forecastWarn` ("at this rate 90% in 2.5 days").
// Reference: docs/host-checks.md.
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import { durationField } from '../../config/fields.js';
import { parseDuration } from '../../config/duration.js';
import type { ProbeOutcome } from '../../model.js';
import { formatBytes, roundLatency } from '../probe-support.js';
import { shellQuote } from '../../hosts/shell-quote.js';
import { firstLineOf, levelFor, onHost, percentField, percentValue, runOnHost, withHostDeadline, worst } from '../../hosts/host-probe.js';

export const diskParamsShape = {
  path: z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters').optional(),
  warn: percentField.optional(),
  critical: percentField.optional(),
  /** Also judge inode usage (default true). */
  inodes: z.boolean({ error: 'must be true or false' }).optional(),
  /** Degraded when the forecast reaches `critical` sooner than this (default 3d). */
  forecastWarn: durationField({ min: 60_000 }).optional(),
};

type DiskParams = z.infer<z.ZodObject<typeof diskParamsShape>>;

export interface DfLine {
  filesystem: string;
  total: number;
  used: number;
  available: number;
  mount: string;
}

/** The data line of `df -P` output (the filesystem name may contain spaces; the mount point too). */
export function parseDf(output: string): DfLine | null {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  for (const line of lines.slice(1).reverse()) {
    const m = /^(.*?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+%|-)\s+(.+)$/.exec(line);
    if (m) return { filesystem: m[1]!, total: Number(m[2]), used: Number(m[3]), available: Number(m[4]), mount: m[6]! };
  }
  return null;
}

/** Percent used as df reports it: used / (used + available), so root's reserve counts as used. */
function usedPercent(line: DfLine): number | null {
  const usable = line.used + line.available;
  return usable > 0 ? Math.round((line.used / usable) * 1000) / 10 : null;
}

export interface TrendSample {
  at: number;
  used: number;
}

const TREND_KEY = 'trend';
const TREND_MAX_SAMPLES = 200;
const TREND_MAX_AGE_MS = 7 * 86_400_000;
const TREND_MIN_SPAN_MS = 3_600_000;

/**
 * Time (ms from the last sample) until `used` reaches `limit`, by a least-squares line through the
 * samples; null when the trend is too short, flat or falling.
 */
export function forecastMsUntil(samples: TrendSample[], limit: number): number | null {
  if (samples.length < 3) return null;
  const first = samples[0]!.at;
  const last = samples[samples.length - 1]!;
  if (last.at - first < TREND_MIN_SPAN_MS) return null;
  const n = samples.length;
  const meanX = samples.reduce((s, p) => s + (p.at - first), 0) / n;
  const meanY = samples.reduce((s, p) => s + p.used, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of samples) {
    num += (p.at - first - meanX) * (p.used - meanY);
    den += (p.at - first - meanX) ** 2;
  }
  if (den === 0) return null;
  const slope = num / den; // bytes per ms
  if (slope <= 0) return null;
  if (last.used >= limit) return 0;
  return (limit - last.used) / slope;
}

function days(ms: number): string {
  const d = ms / 86_400_000;
  if (d < 1) return `${Math.max(1, Math.round(ms / 3_600_000))} h`;
  return `${d < 10 ? d.toFixed(1) : Math.round(d)} days`;
}

export async function probeDisk(params: DiskParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const path = params.path ?? '/';
  const warn = percentValue(params.warn ?? 80);
  const critical = percentValue(params.critical ?? 90);
  const forecastWarnMs = params.forecastWarn !== undefined ? parseDuration(params.forecastWarn)! : 3 * 86_400_000;
  const judgeInodes = params.inodes ?? true;
  return withHostDeadline(ctx, () => `reading disk usage of ${path}${onHost(ctx)}`, async (deadline) => {
    const q = shellQuote(path);
    const result = await runOnHost(ctx, deadline, `LC_ALL=C df -P -k -- ${q} && echo --- && { LC_ALL=C df -P -i -- ${q} 2>/dev/null || true; }`);
    const latencyMs = roundLatency(deadline.elapsed());
    if (result.exitCode !== 0) {
      const reason = firstLineOf(result.stderr) || `df exited with ${result.exitCode}`;
      return { status: 'down', latencyMs: null, message: `cannot read disk usage of ${path}${onHost(ctx)}: ${reason.replace(/^df: /, '')}` };
    }
    const [spacePart = '', inodePart = ''] = result.stdout.split('\n---\n');
    const space = parseDf(spacePart);
    if (!space) return { status: 'down', latencyMs: null, message: `df printed nothing readable for ${path}${onHost(ctx)}` };
    const spacePct = usedPercent(space) ?? 0;
    const inodes = judgeInodes ? parseDf(inodePart) : null;
    const inodePct = inodes && inodes.total > 0 ? usedPercent(inodes) : null;

    const now = ctx.now();
    const usedBytes = space.used * 1024;
    const totalBytes = (space.used + space.available) * 1024;
    const trend = (ctx.memory.get<TrendSample[]>(TREND_KEY) ?? []).filter((s) => s.at > now - TREND_MAX_AGE_MS && s.at < now);
    trend.push({ at: now, used: usedBytes });
    ctx.memory.set(TREND_KEY, trend.slice(-TREND_MAX_SAMPLES));
    const toCritical = forecastMsUntil(trend, (critical / 100) * totalBytes);
    const toFull = forecastMsUntil(trend, totalBytes);

    const spaceLevel = levelFor(spacePct, warn, critical);
    const inodeLevel = inodePct !== null ? levelFor(inodePct, warn, critical) : 'up';
    const forecastLevel = toCritical !== null && toCritical > 0 && toCritical < forecastWarnMs ? 'degraded' : 'up';
    const status = worst(spaceLevel, inodeLevel, forecastLevel);

    const free = formatBytes(space.available * 1024);
    const parts = [`${space.mount}: ${spacePct}% used, ${free} free`];
    if (spaceLevel !== 'up') parts[0] += ` (${spaceLevel === 'down' ? 'critical' : 'warning'} at ${spaceLevel === 'down' ? critical : warn}%)`;
    if (inodePct !== null) parts.push(`inodes ${inodePct}% used${inodeLevel !== 'up' ? ` (${inodeLevel === 'down' ? 'critical' : 'warning'} at ${inodeLevel === 'down' ? critical : warn}%)` : ''}`);
    if (toCritical !== null && toCritical > 0) parts.push(`at this rate ${critical}% in ${days(toCritical)}${toFull !== null ? `, full in ${days(toFull)}` : ''}`);
    const metrics: Record<string, number> = { usedPercent: spacePct, usedBytes, totalBytes, freeBytes: space.available * 1024 };
    if (inodePct !== null) metrics.inodesUsedPercent = inodePct;
    if (toFull !== null) metrics.daysUntilFull = Math.round((toFull / 86_400_000) * 10) / 10;
    if (toCritical !== null) metrics.daysUntilCritical = Math.round((toCritical / 86_400_000) * 10) / 10;
    return { status, latencyMs, message: parts.join('; '), metrics };
  });
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const diskForm: KindForm = {
    fields: [
      { path: 'path', label: 'Path', type: 'text', mono: true, placeholder: '/', default: '/', help: 'Any path on the mount to watch.' },
      { path: 'warn', label: 'Warn at', type: 'number', section: 'Thresholds', placeholder: '80', default: 80, help: 'Percent used (space or inodes): 80 or "80%".' },
      { path: 'critical', label: 'Critical at', type: 'number', section: 'Thresholds', placeholder: '90', default: 90, help: 'Percent used that makes the check down.' },
      { path: 'forecastWarn', label: 'Forecast warning', type: 'duration', section: 'Thresholds', placeholder: '3d', default: '3d', help: 'Degraded when the trend reaches the critical level sooner than this.' },
      { path: 'inodes', label: 'Also judge inodes', type: 'boolean', section: 'Thresholds', default: true },
    ],
  };

export const diskCheck = defineCheckKind({
  kind: 'disk',
  title: 'Disk space',
  paramsShape: diskParamsShape,
  form: diskForm,
  crossFieldIssues: (p) => {
    const warn = percentValue(p.warn ?? 80);
    const critical = percentValue(p.critical ?? 90);
    return warn > critical ? [{ path: ['warn'], message: `must not be above critical (${critical}%)` }] : [];
  },
  describe: (p) => `disk ${p.path ?? '/'}`,
  probe: (params, ctx) => probeDisk(params, ctx),
});
