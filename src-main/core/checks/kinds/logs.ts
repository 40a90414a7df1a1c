// The logs check: tails a log file on the target's host and counts lines matching `patterns` (minus
// `ignore`) within `window`; `threshold` matches or more → down (degraded when every match is of
// severity "warning"). Only new bytes are read: the first probe starts at the end of the file, and
// each probe continues from the offset kept with the file's inode in the check's memory, so a
// restart resumes where it stopped. A new inode (rotation) or a file shorter than the offset
// (truncation) is read from its start. At most `maxReadBytes` are read per probe: when more was
// written since the last probe, the older part is skipped and the message says how much, so a
// 1 GB burst never stalls the engine. Needs `stat`, `tail -c` and `head -c` on the host.
// Reference: docs/host-checks.md.
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import { durationField } from '../../config/fields.js';
import { humanDuration, parseDuration } from '../../config/duration.js';
import type { ProbeOutcome } from '../../model.js';
import { roundLatency } from '../probe-support.js';
import { readNewLines } from '../../hosts/log-tail.js';
import { onHost, regexField, withHostDeadline } from '../../hosts/host-probe.js';

const severityField = z.enum(['warning', 'error', 'critical'], { error: 'must be one of: warning, error, critical' });

const patternField = z.union([regexField, z.strictObject({ regex: regexField, severity: severityField.optional() })], {
  error: 'must be a regular expression, or { regex, severity }',
});

export const logsParamsShape = {
  path: z.string().min(2, 'must be an absolute path like "/var/log/syslog"').max(4096).refine((p) => p.startsWith('/'), 'must be an absolute path (start with "/")'),
  patterns: z.array(patternField, { error: 'must be a list of regular expressions' }).min(1, 'must list at least one pattern').max(50, 'must list at most 50 patterns'),
  ignore: z.array(regexField, { error: 'must be a list of regular expressions' }).max(50, 'must list at most 50 patterns').optional(),
  /** Matches are counted over this window (default 5m). */
  window: durationField({ min: 1000, max: 30 * 86_400_000 }).optional(),
  /** This many matches within the window make the check fail (default 1). */
  threshold: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000).optional(),
  /** Bytes read per probe at most (default 8 MiB). */
  maxReadBytes: z.number().int('must be a whole number').min(4096, 'must be at least 4096').max(256 * 1024 * 1024, 'must be at most 256 MiB').optional(),
};

type LogsParams = z.infer<z.ZodObject<typeof logsParamsShape>>;
type Severity = z.infer<typeof severityField>;

export interface LogMatch {
  at: number;
  severity: Severity;
  line: string;
}

const MATCHES_KEY = 'matches';
const KEPT_MATCHES = 50;
const MAX_LINE = 500;

function compile(params: LogsParams): { patterns: Array<{ re: RegExp; severity: Severity }>; ignore: RegExp[] } {
  return {
    patterns: params.patterns.map((p) => (typeof p === 'string' ? { re: new RegExp(p), severity: 'error' as const } : { re: new RegExp(p.regex), severity: p.severity ?? 'error' })),
    ignore: (params.ignore ?? []).map((p) => new RegExp(p)),
  };
}

/** The matching lines of `text` (complete lines only), with the severity of the first pattern that matched. */
export function matchLines(text: string, params: LogsParams, at: number): LogMatch[] {
  const { patterns, ignore } = compile(params);
  const found: LogMatch[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '' || ignore.some((re) => re.test(line))) continue;
    const hit = patterns.find((p) => p.re.test(line));
    if (hit) found.push({ at, severity: hit.severity, line: line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 1)}…` : line });
  }
  return found;
}

export async function probeLogs(params: LogsParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const windowMs = params.window !== undefined ? parseDuration(params.window)! : 5 * 60_000;
  const threshold = params.threshold ?? 1;
  const maxRead = params.maxReadBytes ?? 8 * 1024 * 1024;
  return withHostDeadline(ctx, () => `reading ${params.path}${onHost(ctx)}`, async (deadline) => {
    const read = await readNewLines(ctx, deadline, params.path, { maxRead });
    if (typeof read === 'string') return { status: 'down', latencyMs: null, message: read };
    const now = ctx.now();
    const { text, notes, consumedBytes: consumed, skippedBytes: skipped, sizeBytes: size } = read;
    const fresh = matchLines(text, params, now);
    const kept = (ctx.memory.get<LogMatch[]>(MATCHES_KEY) ?? []).filter((x) => x.at > now - windowMs && x.at <= now);
    const recent = [...kept, ...fresh].slice(-KEPT_MATCHES);
    ctx.memory.set(MATCHES_KEY, recent);
    const inWindow = kept.length + fresh.length;
    const latencyMs = roundLatency(deadline.elapsed());
    const metrics = { matches: inWindow, newMatches: fresh.length, bytesRead: consumed, skippedBytes: skipped, sizeBytes: size };
    const window = humanDuration(windowMs);
    const tail = notes.length ? `; ${notes.join('; ')}` : '';
    if (inWindow >= threshold) {
      const latest = recent[recent.length - 1]!;
      const onlyWarnings = recent.every((x) => x.severity === 'warning');
      const count = `${inWindow} matching line${inWindow === 1 ? '' : 's'} in the last ${window}`;
      return { status: onlyWarnings ? 'degraded' : 'down', latencyMs, message: `${count} (threshold ${threshold}), latest: ${latest.line}${tail}`, metrics };
    }
    const some = inWindow > 0 ? `${inWindow} matching line${inWindow === 1 ? '' : 's'} in the last ${window} (threshold ${threshold})` : `no matching lines in the last ${window}`;
    return { status: 'up', latencyMs, message: `${some}${tail}`, metrics };
  });
}

/** The matching lines the check keeps as alert context (newest last). */
export function recentLogMatches(ctx: Pick<ProbeContext, 'memory'>): LogMatch[] {
  return ctx.memory.get<LogMatch[]>(MATCHES_KEY) ?? [];
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const logsForm: KindForm = {
    fields: [
      { path: 'path', label: 'Log file', type: 'text', required: true, mono: true, placeholder: '/var/log/syslog' },
      { path: 'patterns', label: 'Patterns', type: 'rows', required: true, shorthand: 'regex', columns: [{ key: 'regex', label: 'Regular expression', type: 'text', placeholder: 'ERROR|FATAL' }, { key: 'severity', label: 'Severity', type: 'select', options: ['warning', 'error', 'critical'] }], help: 'Lines matching any of these count (severity error unless set).' },
      { path: 'ignore', label: 'Ignore', type: 'list', mono: true, placeholder: 'healthcheck', help: 'Regular expressions, one per line: matching lines never count.' },
      { path: 'window', label: 'Window', type: 'duration', section: 'Thresholds', placeholder: '5m', default: '5m', help: 'Matches are counted over this window.' },
      { path: 'threshold', label: 'Matches to fail', type: 'number', section: 'Thresholds', placeholder: '1', default: 1, help: 'This many matches within the window make the check down.' },
      { path: 'maxReadBytes', label: 'Read at most (bytes)', type: 'number', section: 'Thresholds', placeholder: '8388608', default: 8388608, help: 'New bytes read per probe at most; the rest is skipped.' },
    ],
  };

export const logsCheck = defineCheckKind({
  kind: 'logs',
  title: 'Log file',
  paramsShape: logsParamsShape,
  form: logsForm,
  describe: (p) => `log ${p.path}`,
  probe: (params, ctx) => probeLogs(params, ctx),
});
