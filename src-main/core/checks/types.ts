import type { z } from 'zod';
import type { ProbeOutcome } from '../model.js';
import type { Logger } from '../log/logger.js';
import type { Host } from '../hosts/host.js';
import type { KindForm } from './form.js';
import type { BackupJobStatus } from '../backup/assess.js';

/** Reads secrets by reference name (keychain, then KAAVAN_SECRET_<NAME>); null when absent. */
export interface SecretReader {
  get(name: string): Promise<string | null>;
}

/** A check's own memory across probes and restarts (kept in the store by check id). */
export interface CheckMemory {
  get<T>(key: string): T | null;
  set(key: string, value: unknown): void;
  delete(key: string): void;
}

/** Everything a probe may use besides its own params. */
export interface ProbeContext {
  /** Aborted when the hard timeout fires or the engine stops; probes must stop I/O on abort. */
  signal: AbortSignal;
  /** The check's timeout in ms (already enforced by the scheduler through `signal`). */
  timeoutMs: number;
  /** Wall clock (epoch ms), injectable for tests. */
  now: () => number;
  /** Secret references in params (`passwordRef`, `tokenRef`, `{ secretRef }`) resolve through this. */
  secrets: SecretReader;
  /** Never log a secret value. */
  log: Logger;
  /** The machine the check runs on: the local computer, or the target's SSH host (hosts issue). */
  host: Host;
  /** Memory that survives restarts (baselines, log offsets); an in-memory one outside the engine. */
  memory: CheckMemory;
  /** Backup jobs' runs and progress, for the backup check (the app and serve; absent in check --once). */
  backups?: { status(job: string): BackupJobStatus | null };
  /** Stable ids and labels of what is probed, for messages and per-check state (baselines, offsets). */
  checkId?: number;
  target?: string;
  check?: string;
}

/** A config problem found by a kind's cross-field rules, at `path` inside the check. */
export interface CheckIssue {
  path: Array<string | number>;
  message: string;
}

/**
 * One check kind = one file under checks/kinds/ exporting a CheckKind, listed in registry.ts.
 * `params` is the kind-specific part of a check's config, validated by `paramsSchema`
 * (a zod object merged into the common check fields in the config schema).
 */
export interface CheckKind<Shape extends z.ZodRawShape = z.ZodRawShape, Kind extends string = string> {
  kind: Kind;
  /** Label for the UI ("HTTP(S)", "TCP port"). */
  title: string;
  /** Kind-specific fields of a check in the config document. */
  paramsShape: Shape;
  /** The UI form of the kind's fields (form.ts); without one, plain text fields are derived from paramsShape. */
  form?: KindForm;
  /**
   * Rules spanning several fields (e.g. HEAD with a keyword), run by the config schema after the
   * fields themselves are valid; each issue names its path within the check ("expect.keyword").
   */
  crossFieldIssues?(params: z.infer<z.ZodObject<Shape>>): CheckIssue[];
  /** What the check probes, for cards and tables: the URL, "host:port". Never shows a credential. */
  describe(params: z.infer<z.ZodObject<Shape>>): string;
  /**
   * Runs one probe. Must resolve (never reject) with an outcome; a thrown error is turned into a
   * DOWN outcome by the scheduler, so a misbehaving kind cannot crash the engine.
   */
  probe(params: z.infer<z.ZodObject<Shape>>, ctx: ProbeContext): Promise<ProbeOutcome>;
}

/** Helper giving kind files full type inference (the kind name stays a literal type). */
export function defineCheckKind<Shape extends z.ZodRawShape, const Kind extends string>(
  kind: CheckKind<Shape, Kind>,
): CheckKind<Shape, Kind> {
  return kind;
}
