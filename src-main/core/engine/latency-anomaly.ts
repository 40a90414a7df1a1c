// Latency anomalies: a probe that answered, but much slower than this check usually answers. Each
// check keeps a rolling window of its recent latencies; once it holds `minSamples`, a latency more
// than `z` standard deviations above the window's mean (and at least `minDeltaMs` above it, so a
// 1 ms loopback check is not flagged for 4 ms) turns an `up` result into `degraded`, with the
// figures in the message. The latency is then added to the window, so a lasting change of level
// becomes the new normal instead of degrading the check for ever. Pure apart from the window's
// own state.
import type { ProbeOutcome } from '../model.js';

export interface AnomalyOptions {
  /** Latencies kept per check. */
  window: number;
  /** How many standard deviations above the mean count as anomalous. */
  z: number;
  /** Samples needed before anything is judged. */
  minSamples: number;
  /** The least excess over the mean that counts, in ms. */
  minDeltaMs: number;
}

export const ANOMALY_DEFAULTS: Readonly<AnomalyOptions> = { window: 200, z: 4, minSamples: 30, minDeltaMs: 20 };

/** Kinds whose latency is a network round trip; host-level kinds time commands, which vary by nature. */
export const ANOMALY_KINDS_BY_DEFAULT: ReadonlySet<string> = new Set(['http', 'tcp', 'dns', 'tls', 'postgres']);

/** A ring buffer of latencies with running sums (constant work per sample). */
export class LatencyWindow {
  private readonly values: number[] = [];
  private next = 0;
  private sum = 0;
  private sumSquares = 0;

  constructor(readonly capacity: number) {}

  get count(): number {
    return this.values.length;
  }

  add(latencyMs: number): void {
    if (this.values.length < this.capacity) this.values.push(latencyMs);
    else {
      const old = this.values[this.next]!;
      this.sum -= old;
      this.sumSquares -= old * old;
      this.values[this.next] = latencyMs;
      this.next = (this.next + 1) % this.capacity;
    }
    this.sum += latencyMs;
    this.sumSquares += latencyMs * latencyMs;
  }

  mean(): number {
    return this.values.length ? this.sum / this.values.length : 0;
  }

  /** Population standard deviation. */
  stdDev(): number {
    const n = this.values.length;
    if (n === 0) return 0;
    const mean = this.sum / n;
    return Math.sqrt(Math.max(0, this.sumSquares / n - mean * mean));
  }
}

export interface AnomalyVerdict {
  latencyMs: number;
  meanMs: number;
  sigmas: number;
  samples: number;
}

/** Whether `latencyMs` is anomalous against the window (judged before it is added). */
export function judgeLatency(window: LatencyWindow, latencyMs: number, options: AnomalyOptions): AnomalyVerdict | null {
  if (window.count < options.minSamples) return null;
  const mean = window.mean();
  // A perfectly steady window has no spread: a floor of 5 % of the mean (at least 1 ms) stops
  // the first jitter from reading as infinitely many sigmas.
  const spread = Math.max(window.stdDev(), mean * 0.05, 1);
  const sigmas = (latencyMs - mean) / spread;
  if (sigmas < options.z || latencyMs - mean < options.minDeltaMs) return null;
  return { latencyMs, meanMs: mean, sigmas, samples: window.count };
}

/** "latency 840 ms is 6.1σ above the 120 ms mean of the last 200 probes" */
export function anomalyText(v: AnomalyVerdict): string {
  return `latency ${Math.round(v.latencyMs)} ms is ${v.sigmas.toFixed(1)}σ above the ${Math.round(v.meanMs)} ms mean of the last ${v.samples} probes`;
}

/**
 * Judges one outcome and adds its latency to the window. An `up` outcome with an anomalous latency
 * comes back `degraded` with the figures (also as metrics); anything else comes back unchanged.
 */
export function applyLatencyAnomaly(outcome: ProbeOutcome, window: LatencyWindow, options: AnomalyOptions): ProbeOutcome {
  if (outcome.latencyMs === null || outcome.status === 'down') return outcome;
  const verdict = outcome.status === 'up' ? judgeLatency(window, outcome.latencyMs, options) : null;
  window.add(outcome.latencyMs);
  if (!verdict) return outcome;
  return {
    ...outcome,
    status: 'degraded',
    message: `${anomalyText(verdict)} (${outcome.message})`,
    metrics: { ...outcome.metrics, latencySigma: Math.round(verdict.sigmas * 10) / 10, latencyMeanMs: Math.round(verdict.meanMs) },
  };
}
