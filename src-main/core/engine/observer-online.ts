// Is this computer (the observer) able to watch anything right now? A laptop that sleeps, loses its
// Wi-Fi or reaches no server at all must not report every server DOWN. Usable headless: its inputs
// are the clock, the network interfaces and the probes' own outcomes; the desktop shell adds
// Electron's suspend/resume on top (shell/power-monitor.ts).
//
// Offline when:
//   - the shell said the computer is suspending (until it resumes);
//   - a failure looks like a lost network (unreachable, DNS, time-out) while this computer has no
//     network interface besides loopback;
//   - every network probe of at least `minTargets` targets failed that way within `windowMs`,
//     with no success among them (the observer's network is gone, not every server at once);
//   - a failure comes within `wakeGraceMs` after a wake (Wi-Fi takes a moment to come back).
// A wake is told by the wall clock jumping ahead of the monotonic clock (which stands still while
// the computer sleeps) by more than `jumpThresholdMs`, or by the shell's resume.
import { networkInterfaces } from 'node:os';
import { performance } from 'node:perf_hooks';

export interface ObserverOnlineOptions {
  /** Wall clock, epoch ms. */
  now: () => number;
  /** A clock that does not advance while the computer sleeps (performance.now). */
  monotonic?: () => number;
  /** Whether a network interface other than loopback is up (os.networkInterfaces by default). */
  hasNetwork?: () => boolean;
  jumpThresholdMs?: number;
  wakeGraceMs?: number;
  windowMs?: number;
  minTargets?: number;
}

export const OBSERVER_DEFAULTS = { jumpThresholdMs: 30_000, wakeGraceMs: 30_000, windowMs: 120_000, minTargets: 2 } as const;

/** Failures that say "the network is not there", as opposed to "the server answered no". */
const NETWORK_LOSS = /ENETUNREACH|ENETDOWN|EHOSTUNREACH|EHOSTDOWN|EAI_AGAIN|ENOTFOUND|DNS lookup failed|could not be found|is unreachable|network unreachable|timed out|ETIMEDOUT|did not answer within|did not complete the SSH handshake/i;

export function looksLikeNetworkLoss(message: string): boolean {
  return NETWORK_LOSS.test(message);
}

/** True when some interface other than loopback has an address. */
export function systemHasNetwork(): boolean {
  for (const addresses of Object.values(networkInterfaces())) {
    if ((addresses ?? []).some((a) => !a.internal)) return true;
  }
  return false;
}

export interface ObserverState {
  offline: boolean;
  /** Why, in words: "this computer was asleep", "this computer has no network connection". */
  reason: string;
}

export interface OutcomeJudgement {
  /** The result says nothing about the target: record nothing, alert nothing. */
  observerOffline: boolean;
  reason: string;
  /** Set when this very call noticed a wake: every check should run again now. */
  woke: boolean;
}

export class ObserverOnline {
  private readonly monotonic: () => number;
  private readonly hasNetwork: () => boolean;
  private readonly opts: typeof OBSERVER_DEFAULTS;
  private lastWall: number;
  private lastMono: number;
  private suspendedSince: number | null = null;
  private graceUntil = 0;
  private graceReason = '';
  /** Per target: its latest network probe (at, whether it failed like a lost network). */
  private readonly latest = new Map<string, { at: number; lost: boolean }>();
  private offlineReason: string | null = null;

  constructor(private readonly options: ObserverOnlineOptions) {
    this.monotonic = options.monotonic ?? (() => performance.now());
    this.hasNetwork = options.hasNetwork ?? systemHasNetwork;
    this.opts = {
      jumpThresholdMs: options.jumpThresholdMs ?? OBSERVER_DEFAULTS.jumpThresholdMs,
      wakeGraceMs: options.wakeGraceMs ?? OBSERVER_DEFAULTS.wakeGraceMs,
      windowMs: options.windowMs ?? OBSERVER_DEFAULTS.windowMs,
      minTargets: options.minTargets ?? OBSERVER_DEFAULTS.minTargets,
    } as typeof OBSERVER_DEFAULTS;
    this.lastWall = options.now();
    this.lastMono = this.monotonic();
  }

  /**
   * Looks at the clocks: returns true once when the wall clock jumped ahead of the monotonic one
   * (the computer slept). Cheap; the engine calls it with every outcome and on a timer.
   */
  tick(): boolean {
    const wall = this.options.now();
    const mono = this.monotonic();
    const jump = wall - this.lastWall - (mono - this.lastMono);
    this.lastWall = wall;
    this.lastMono = mono;
    if (jump > this.opts.jumpThresholdMs) {
      this.startGrace(wall, 'this computer was asleep');
      this.latest.clear();
      return true;
    }
    return false;
  }

  /** The shell saw the computer go to sleep: nothing it probes from now on counts. */
  suspend(at = this.options.now()): void {
    this.suspendedSince ??= at;
  }

  /** The shell saw it wake: failures during the grace period do not count either. */
  resume(at = this.options.now()): void {
    this.suspendedSince = null;
    this.latest.clear();
    this.startGrace(at, 'this computer just woke up');
  }

  /** The network came back (or went) according to someone who knows (the shell). */
  get isSuspended(): boolean {
    return this.suspendedSince !== null;
  }

  /** Right now, as far as is known without a new outcome. */
  state(at = this.options.now()): ObserverState {
    if (this.suspendedSince !== null) return { offline: true, reason: 'this computer is asleep' };
    if (this.offlineReason !== null) return { offline: true, reason: this.offlineReason };
    if (at < this.graceUntil) return { offline: false, reason: this.graceReason };
    return { offline: false, reason: '' };
  }

  /**
   * Judges one outcome. `network` says whether the probe crossed the network (a check against a
   * remote server, or any check over SSH), as opposed to a check of this computer itself.
   */
  judge(target: string, outcome: { status: string; message: string }, network: boolean, at: number): OutcomeJudgement {
    const woke = this.tick();
    if (this.suspendedSince !== null) return { observerOffline: true, reason: 'this computer is asleep', woke };
    const failed = outcome.status === 'down';
    // The probe that noticed the jump was in flight across the sleep: it measured the sleep, not the server.
    if (woke) return { observerOffline: true, reason: 'this computer was asleep', woke };
    if (!network) return { observerOffline: false, reason: '', woke };
    const lost = failed && looksLikeNetworkLoss(outcome.message);
    this.latest.set(target, { at, lost });
    if (!failed) {
      this.offlineReason = null;
      return { observerOffline: false, reason: '', woke };
    }
    if (!lost) return { observerOffline: false, reason: '', woke };
    if (at < this.graceUntil) return { observerOffline: true, reason: this.graceReason, woke };
    if (!this.hasNetwork()) {
      this.offlineReason = 'this computer has no network connection';
      return { observerOffline: true, reason: this.offlineReason, woke };
    }
    const recent = [...this.latest.values()].filter((o) => at - o.at <= this.opts.windowMs);
    if (recent.length >= this.opts.minTargets && recent.every((o) => o.lost)) {
      this.offlineReason = `this computer reaches none of its ${recent.length} targets`;
      return { observerOffline: true, reason: this.offlineReason, woke };
    }
    this.offlineReason = null;
    return { observerOffline: false, reason: '', woke };
  }

  private startGrace(at: number, reason: string): void {
    this.graceUntil = at + this.opts.wakeGraceMs;
    this.graceReason = reason;
  }
}
