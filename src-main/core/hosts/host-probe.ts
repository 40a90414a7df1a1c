// Shared plumbing of the host-level check kinds (disk, files, logs, command, system, cron): running
// a command on ctx.host under the probe's deadline, turning "could not reach the host" into one
// readable DOWN line, percent thresholds ("80" or "80%") and small parsers.
import { z } from 'zod';
import type { ProbeContext } from '../checks/types.js';
import type { ProbeOutcome } from '../model.js';
import type { ExecResult } from './host.js';
import { startDeadline, type ProbeDeadline } from '../checks/probe-support.js';
import { SshHostError } from './ssh-host.js';

/** 80, 80.5 or "80%" as a number; NaN when it is not a percentage. */
export function percentValue(value: number | string): number {
  const number = typeof value === 'number' ? value : /^\s*\d+(\.\d+)?\s*%?\s*$/.test(value) ? Number.parseFloat(value) : Number.NaN;
  return Number.isFinite(number) && number >= 0 && number <= 100 ? number : Number.NaN;
}

/** A percentage in the config: 80, 80.5 or "80%" (0-100); read it with percentValue. */
export const percentField = z
  .union([z.number(), z.string()], { error: 'must be a percentage (a number from 0 to 100, or a string like "80%")' })
  .refine((value) => !Number.isNaN(percentValue(value)), {
    error: (issue) => `"${String(issue.input)}" is not a percentage (use a number from 0 to 100, or a string like "80%")`,
  });

/** A regular expression given as text; invalid ones are refused with the engine's reason. */
export const regexField = z
  .string()
  .min(1, 'must not be empty')
  .max(1000, 'must be at most 1000 characters')
  .superRefine((value, ctx) => {
    try {
      new RegExp(value);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `is not a valid regular expression: ${(error as Error).message.replace(/^Invalid regular expression: /, '')}` });
    }
  });

/** Thrown by runOnHost when the host could not run the command at all (unreachable, aborted). */
export class HostUnavailable extends Error {
  constructor(readonly outcome: ProbeOutcome) {
    super(outcome.message);
  }
}

/** Where a host-level probe runs, for messages: "on ops@web1" or "" for this computer. */
export function onHost(ctx: Pick<ProbeContext, 'host'>): string {
  return ctx.host.kind === 'ssh' ? ` on ${ctx.host.label}` : '';
}

/** DOWN outcome for an error reaching or using the host (never a raw stack). */
export function hostErrorOutcome(error: unknown, deadline: ProbeDeadline, phase: string): ProbeOutcome {
  if (deadline.signal.aborted) return { status: 'down', latencyMs: null, message: deadline.abortMessage(phase) };
  if (error instanceof SshHostError) return { status: 'down', latencyMs: null, message: error.message };
  if (error instanceof HostUnavailable) return error.outcome;
  const text = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return { status: 'down', latencyMs: null, message: `${phase} failed: ${text}` };
}

/**
 * Runs a host-level probe body under one deadline (ctx.timeoutMs and ctx.signal); any error that
 * escapes it becomes one DOWN line naming the phase ("reading /var/log/syslog on ops@web1").
 */
export async function withHostDeadline(
  ctx: ProbeContext,
  phase: () => string,
  body: (deadline: ProbeDeadline) => Promise<ProbeOutcome>,
): Promise<ProbeOutcome> {
  const deadline = startDeadline(ctx);
  try {
    return await body(deadline);
  } catch (error) {
    return hostErrorOutcome(error, deadline, phase());
  } finally {
    deadline.dispose();
  }
}

/** Runs `command` on ctx.host with the deadline's signal (and the probe's timeout on the host). */
export function runOnHost(
  ctx: Pick<ProbeContext, 'host' | 'timeoutMs'>,
  deadline: ProbeDeadline,
  command: string,
  options: { maxOutputBytes?: number; input?: string } = {},
): Promise<ExecResult> {
  return ctx.host.exec(command, { signal: deadline.signal, timeoutMs: ctx.timeoutMs, ...options });
}

/** The first non-empty line of a command's stderr (or stdout), trimmed to fit a message. */
export function firstLineOf(text: string, max = 200): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Threshold status: at/over critical → down, at/over warn → degraded. */
export function levelFor(value: number, warn: number, critical: number): 'up' | 'degraded' | 'down' {
  if (value >= critical) return 'down';
  if (value >= warn) return 'degraded';
  return 'up';
}

export function worst(...statuses: Array<'up' | 'degraded' | 'down'>): 'up' | 'degraded' | 'down' {
  if (statuses.includes('down')) return 'down';
  if (statuses.includes('degraded')) return 'degraded';
  return 'up';
}

/** "2026-11-23 03:00 (Europe/Helsinki)" in the given zone (the local zone when none). */
export function formatInZone(epochMs: number, timeZone?: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(epochMs));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')} (${zone})`;
}
