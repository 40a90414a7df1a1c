// Owned runtimes: each live target and check has one, created and disposed by the reconciler.
// A runtime owns its resources and releases them in dispose(), which the engine awaits.
import type { CheckResult } from '../model.js';
import type { ResolvedCheck } from '../config/resolve.js';
import type { CheckMachineState } from './check-state-machine.js';
import type { Scheduler } from './scheduler.js';
import type { Host } from '../hosts/host.js';
import { RollingStats } from '../stats/check-stats.js';

export class TargetRuntime {
  /** Check ids in document order. */
  checkIds: number[] = [];

  constructor(
    readonly id: number,
    public name: string,
    public tags: string[],
    /** The machine its host-level checks run on: its SSH connection, or this computer. */
    public host: Host,
    /** What the host was built from (the target's `ssh:`), to tell when it must be rebuilt. */
    public hostSource: string,
  ) {}

  /** Swaps in a host built from changed settings; the old connection is closed. */
  async replaceHost(host: Host, source: string): Promise<void> {
    const old = this.host;
    this.host = host;
    this.hostSource = source;
    await (old as { close?: () => Promise<void> }).close?.();
  }

  async dispose(): Promise<void> {
    // A target with an SSH connection closes it here; the local host holds nothing.
    await (this.host as { close?: () => Promise<void> }).close?.();
  }
}

export class CheckRuntime {
  /** 24 h statistics, loaded from roll-ups when the runtime is created (constant work per result). */
  stats = new RollingStats();
  /** When the check was last paused (disabled, or its target disabled); null while it runs. */
  pausedAt: number | null = null;
  private disposed = false;

  constructor(
    public check: ResolvedCheck & { checkId: number },
    public targetId: number,
    public machine: CheckMachineState,
    public lastResult: CheckResult | null,
  ) {}

  get id(): number {
    return this.check.checkId;
  }

  get jobId(): string {
    return String(this.check.checkId);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Removes its schedule and waits for a probe in flight to finish (its outcome is then dropped). */
  async dispose(scheduler: Scheduler | null): Promise<void> {
    this.disposed = true;
    await scheduler?.remove(this.jobId);
  }
}
