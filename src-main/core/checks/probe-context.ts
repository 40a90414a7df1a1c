// Builds a ProbeContext with the defaults a check needs when run outside the engine (tests, tools).
import type { CheckMemory, ProbeContext, SecretReader } from './types.js';
import { silentLogger } from '../log/logger.js';
import { localHost } from '../hosts/local-host.js';

/** A reader that knows no secrets: every reference is reported missing by the kind. */
export const noSecrets: SecretReader = { get: async () => null };

/** Memory that lives as long as the object (tests, `check --once` without a store). */
export function inMemoryCheckMemory(): CheckMemory {
  const values = new Map<string, string>();
  return {
    get: <T>(key: string) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : null),
    set: (key, value) => void values.set(key, JSON.stringify(value)),
    delete: (key) => void values.delete(key),
  };
}

export function makeProbeContext(partial: Partial<ProbeContext> & Pick<ProbeContext, 'timeoutMs'>): ProbeContext {
  return {
    signal: partial.signal ?? new AbortController().signal,
    timeoutMs: partial.timeoutMs,
    now: partial.now ?? Date.now,
    secrets: partial.secrets ?? noSecrets,
    log: partial.log ?? silentLogger,
    host: partial.host ?? localHost,
    memory: partial.memory ?? inMemoryCheckMemory(),
    ...(partial.checkId !== undefined ? { checkId: partial.checkId } : {}),
    ...(partial.target !== undefined ? { target: partial.target } : {}),
    ...(partial.check !== undefined ? { check: partial.check } : {}),
  };
}
