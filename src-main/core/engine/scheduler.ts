// Runs each check on its own interval (with jitter), at most `concurrency` probes at once, each under
// a hard deadline. A probe that hangs or ignores its abort signal is cut off at the deadline, so one
// bad endpoint never holds up the others for longer than its own timeout.
import { setMaxListeners } from 'node:events';
import type { ProbeOutcome } from '../model.js';
import { humanDuration } from '../config/duration.js';

/** First runs are spread over at least this window. */
const FIRST_RUN_MIN_WINDOW_MS = 2000;
/** ... and over this much per job beyond 400 jobs (a steady 200 probes/s at most from the spread). */
const FIRST_RUN_SPACING_MS = 5;

export interface ScheduledJob {
  id: string;
  intervalMs: number;
  timeoutMs: number;
  probe(signal: AbortSignal): Promise<ProbeOutcome>;
}

export interface SchedulerOptions {
  concurrency: number;
  /** Share of the interval by which each run is randomly moved (0..0.5). */
  jitter: number;
  /** Called with every outcome (never with an exception). */
  onOutcome(id: string, outcome: ProbeOutcome, startedAt: number): void;
  /** How long past its timeout a probe that ignores abort is still awaited. */
  graceMs?: number;
  now?: () => number;
  random?: () => number;
}

interface Slot {
  job: ScheduledJob;
  timer: NodeJS.Timeout | null;
  running: boolean;
  /** Bumped when the job is replaced or removed, so late completions of the old one are ignored. */
  generation: number;
  /** The run in flight, if any (remove() waits for it). */
  inflight: Promise<unknown> | null;
}

/**
 * Runs one probe under a hard deadline; always resolves. The probe's signal aborts at `timeoutMs`;
 * a probe that ignores it is cut off `graceMs` later. One timer per probe (the grace timer only
 * once the abort fired): this runs for every probe, thousands a minute.
 */
export function runWithDeadline(
  probe: (signal: AbortSignal) => Promise<ProbeOutcome>,
  timeoutMs: number,
  graceMs = 250,
  outer?: AbortSignal,
): Promise<ProbeOutcome> {
  return new Promise<ProbeOutcome>((resolve) => {
    const controller = new AbortController();
    const timedOut = (): ProbeOutcome => ({ status: 'down', latencyMs: null, message: `timed out after ${humanDuration(timeoutMs)}` });
    let settled = false;
    const onOuterAbort = () => controller.abort(outer?.reason);
    const settle = (outcome: ProbeOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outer?.removeEventListener('abort', onOuterAbort);
      resolve(outcome);
    };
    let timer = setTimeout(() => {
      controller.abort(new Error('timeout'));
      timer = setTimeout(() => settle(timedOut()), graceMs);
    }, timeoutMs);
    outer?.addEventListener('abort', onOuterAbort, { once: true });
    let running: Promise<ProbeOutcome>;
    try {
      running = probe(controller.signal);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(settle, (error: unknown) => {
      if (controller.signal.aborted && !outer?.aborted) settle(timedOut());
      else settle({ status: 'down', latencyMs: null, message: `check failed: ${error instanceof Error ? error.message : String(error)}` });
    });
  });
}

export class Scheduler {
  private readonly slots = new Map<string, Slot>();
  private readonly waiting: Array<() => void> = [];
  private active = 0;
  private running = false;
  private readonly stopController = new AbortController();
  private readonly now: () => number;
  private readonly random: () => number;

  constructor(private readonly options: SchedulerOptions) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
    // Every probe in flight listens on the stop signal; up to `concurrency` of them at once is expected.
    setMaxListeners(0, this.stopController.signal);
  }

  get size(): number {
    return this.slots.size;
  }

  /** Adds or replaces a job. A replaced job's next run is rescheduled from now. */
  upsert(job: ScheduledJob): void {
    const existing = this.slots.get(job.id);
    if (existing) {
      existing.job = job;
      existing.generation++;
      this.clearTimer(existing);
      if (this.running && !existing.running) this.schedule(existing, this.firstDelay(job));
      return;
    }
    const slot: Slot = { job, timer: null, running: false, generation: 0, inflight: null };
    this.slots.set(job.id, slot);
    if (this.running) this.schedule(slot, this.firstDelay(job));
  }

  /** Removes a job; resolves once its run in flight (if any) has finished. Its outcome is dropped. */
  async remove(id: string): Promise<void> {
    const slot = this.slots.get(id);
    if (!slot) return;
    slot.generation++;
    this.clearTimer(slot);
    this.slots.delete(id);
    await slot.inflight?.catch(() => undefined);
  }

  ids(): string[] {
    return [...this.slots.keys()];
  }

  /** Starts (or resumes) scheduling; every job runs soon, spread over a short window. */
  start(): void {
    if (this.running || this.stopController.signal.aborted) return;
    this.running = true;
    for (const slot of this.slots.values()) if (!slot.running) this.schedule(slot, this.firstDelay(slot.job));
  }

  /** Stops scheduling new runs (probes in flight finish and are still reported). */
  pause(): void {
    this.running = false;
    for (const slot of this.slots.values()) this.clearTimer(slot);
  }

  /** Stops for good: aborts probes in flight and drops their outcomes. */
  stop(): void {
    this.pause();
    this.stopController.abort(new Error('scheduler stopped'));
    for (const slot of this.slots.values()) slot.generation++;
    for (const wake of this.waiting.splice(0)) wake();
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Runs a job now, outside its schedule (still bounded by concurrency and its deadline). */
  async runNow(id: string): Promise<ProbeOutcome | null> {
    const slot = this.slots.get(id);
    if (!slot) return null;
    return this.execute(slot, false);
  }

  /**
   * Spread the first runs so a restart with many checks does not fire them all in one burst. The
   * window grows with the number of jobs (FIRST_RUN_SPACING_MS each, at least 2 s, at most one
   * interval): since every next run is planned from its start, the first spread is kept round after
   * round, so 2,000 checks at 30 s arrive as a steady ~200 probes/s instead of a 2 s burst of 1,000/s
   * that would queue and make every check late.
   */
  private firstDelay(job: ScheduledJob): number {
    const window = Math.min(job.intervalMs, Math.max(FIRST_RUN_MIN_WINDOW_MS, this.slots.size * FIRST_RUN_SPACING_MS));
    return Math.floor(this.random() * window);
  }

  private nextDelay(job: ScheduledJob, startedAt: number): number {
    const spread = job.intervalMs * this.options.jitter * (this.random() * 2 - 1);
    return Math.max(0, startedAt + job.intervalMs + spread - this.now());
  }

  private schedule(slot: Slot, delay: number): void {
    this.clearTimer(slot);
    slot.timer = setTimeout(() => {
      slot.timer = null;
      void this.execute(slot, true);
    }, delay);
    slot.timer.unref?.();
  }

  private clearTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
  }

  private async acquire(): Promise<void> {
    while (this.active >= this.options.concurrency) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      if (this.stopController.signal.aborted) return;
    }
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }

  private execute(slot: Slot, scheduled: boolean): Promise<ProbeOutcome | null> {
    if (slot.running) return Promise.resolve(null);
    const run = this.run(slot, scheduled);
    slot.inflight = run;
    void run.finally(() => {
      if (slot.inflight === run) slot.inflight = null;
    });
    return run;
  }

  private async run(slot: Slot, scheduled: boolean): Promise<ProbeOutcome | null> {
    if (slot.running) {
      // A run is in flight (scheduled or manual): do not overlap runs of one check.
      return null;
    }
    slot.running = true;
    const generation = slot.generation;
    let startedAt = this.now();
    try {
      await this.acquire();
      if (this.stopController.signal.aborted) return null;
      startedAt = this.now();
      let outcome: ProbeOutcome;
      try {
        outcome = await runWithDeadline(
          (signal) => slot.job.probe(signal),
          slot.job.timeoutMs,
          this.options.graceMs,
          this.stopController.signal,
        );
      } finally {
        this.release();
      }
      if (slot.generation !== generation || this.stopController.signal.aborted) return null;
      try {
        this.options.onOutcome(slot.job.id, outcome, startedAt);
      } catch {
        // A failing listener must not stop the schedule; the engine reports its own errors.
      }
      return outcome;
    } finally {
      slot.running = false;
      const stillHere = this.slots.get(slot.job.id) === slot;
      if (this.running && stillHere && (scheduled || !slot.timer)) this.schedule(slot, this.nextDelay(slot.job, startedAt));
    }
  }
}
