// Builds a ProbeContext with the defaults a check needs when run outside the engine (tests, tools).
import type { ProbeContext, SecretReader } from './types.js';
import { silentLogger } from '../log/logger.js';
import { localHost } from '../hosts/local-host.js';

/** A reader that knows no secrets: every reference is reported missing by the kind. */
export const noSecrets: SecretReader = { get: async () => null };

export function makeProbeContext(partial: Partial<ProbeContext> & Pick<ProbeContext, 'timeoutMs'>): ProbeContext {
  return {
    signal: partial.signal ?? new AbortController().signal,
    timeoutMs: partial.timeoutMs,
    now: partial.now ?? Date.now,
    secrets: partial.secrets ?? noSecrets,
    log: partial.log ?? silentLogger,
    host: partial.host ?? localHost,
    ...(partial.checkId !== undefined ? { checkId: partial.checkId } : {}),
    ...(partial.target !== undefined ? { target: partial.target } : {}),
    ...(partial.check !== undefined ? { check: partial.check } : {}),
  };
}
