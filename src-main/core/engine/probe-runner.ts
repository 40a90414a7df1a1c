// The one way a check is probed, by the engine's scheduler and by `kaavan check --once` alike:
// builds the probe context (secrets, clock, logger, host), runs the kind under a hard deadline and
// tells observer faults (this machine out of descriptors or buffers) apart from target failures.
import type { ProbeOutcome } from '../model.js';
import type { ResolvedCheck } from '../config/resolve.js';
import type { CheckMemory, ProbeContext, SecretReader } from '../checks/types.js';
import type { Logger } from '../log/logger.js';
import type { Host } from '../hosts/host.js';
import { localHost } from '../hosts/local-host.js';
import { silentLogger } from '../log/logger.js';
import { inMemoryCheckMemory, noSecrets } from '../checks/probe-context.js';
import { runWithDeadline } from './scheduler.js';
import { OBSERVER_FAULT_CODES } from '../checks/probe-support.js';

export interface ProbeRunnerDeps {
  secrets?: SecretReader;
  log?: Logger;
  now?: () => number;
  /** The host a check runs on (its target's SSH host, or this computer). */
  hostFor?: (check: ResolvedCheck) => Host;
  /** The check's memory (the store's check_kv in the engine; in memory for check --once). */
  memoryFor?: (check: ResolvedCheck) => CheckMemory;
  graceMs?: number;
  /** Backup jobs' status for the backup check kind. */
  backups?: ProbeContext['backups'];
}

/** Finds an observer-fault code in an outcome's message or a thrown error. */
export function observerFaultOf(outcome: ProbeOutcome): string | undefined {
  if (outcome.observerFault) return outcome.observerFault;
  if (outcome.status !== 'down') return undefined;
  // A kind that threw instead of setting observerFault: the scheduler put the error text in the message.
  const match = /\b([A-Z]{4,})\b/g;
  for (const [, code] of outcome.message.matchAll(match)) if (OBSERVER_FAULT_CODES.has(code!)) return code;
  return undefined;
}

export function createProbeRunner(deps: ProbeRunnerDeps = {}) {
  const now = deps.now ?? Date.now;
  const log = deps.log ?? silentLogger;
  const memories = new Map<string, CheckMemory>();
  // One child logger per resolved check, not per probe (a reconcile makes new ResolvedChecks).
  const loggers = new WeakMap<ResolvedCheck, Logger>();
  const loggerFor = (check: ResolvedCheck) => {
    let l = loggers.get(check);
    if (!l) loggers.set(check, (l = log.child({ check: `${check.target}/${check.name}` })));
    return l;
  };
  const fallbackMemory = (check: ResolvedCheck) => {
    let memory = memories.get(check.id);
    if (!memory) memories.set(check.id, (memory = inMemoryCheckMemory()));
    return memory;
  };
  return async function runProbe(check: ResolvedCheck, signal: AbortSignal): Promise<ProbeOutcome> {
    const host = deps.hostFor?.(check) ?? localHost;
    const outcome = await runWithDeadline(
      (inner) =>
        check.kind.probe(check.params as never, {
          signal: inner,
          timeoutMs: check.timeoutMs,
          now,
          secrets: deps.secrets ?? noSecrets,
          log: loggerFor(check),
          host,
          memory: deps.memoryFor?.(check) ?? fallbackMemory(check),
          target: check.target,
          check: check.name,
          ...(deps.backups ? { backups: deps.backups } : {}),
          ...(check.checkId !== undefined ? { checkId: check.checkId } : {}),
        }),
      check.timeoutMs,
      deps.graceMs,
      signal,
    );
    const fault = observerFaultOf(outcome);
    return fault ? { ...outcome, observerFault: fault } : outcome;
  };
}

export type ProbeRunner = ReturnType<typeof createProbeRunner>;
