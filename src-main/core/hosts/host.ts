// The machine a host-level check runs on. Two implementations: the local computer (local-host.ts)
// and a target reached over SSH (the hosts issue adds ssh-host.ts). One check file serves both.
export interface ExecResult {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  signal?: AbortSignal;
  /** Bytes of stdout/stderr kept (each); the rest is dropped. */
  maxOutputBytes?: number;
  /** Text written to the command's stdin. */
  input?: string;
  /**
   * Kill the command after this long on the host itself. An SSH host needs it: closing a channel
   * does not stop a remote command. (A local command is stopped through `signal`.)
   */
  timeoutMs?: number;
}

import type { Readable } from 'node:stream';

/** A command whose output is streamed (backups of remote folders, pg_dump on a target). */
export interface ExecStream {
  /** The command's stdout; reading it slowly slows the command down (flow control). */
  stdout: Readable;
  /** Resolves once the command ended; stderr is its last 8 KiB. exitCode null: it did not end normally. */
  done: Promise<{ exitCode: number | null; signal: string | null; stderr: string }>;
}

export interface Host {
  /** 'local' or 'ssh'. */
  readonly kind: 'local' | 'ssh';
  /** For messages: "this computer", "ops@web1". */
  readonly label: string;
  /** Runs a shell command line (sh -c on POSIX). Rejects only when it cannot be started. */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Reads a whole (small) file. */
  readFile(path: string, options?: { signal?: AbortSignal; maxBytes?: number }): Promise<Buffer>;
  /** Runs a command line and streams its stdout (SSH hosts; added for backups, issue 9). */
  execStream?(command: string, options?: { signal?: AbortSignal; input?: string }): Promise<ExecStream>;
}
