// Uptime and latency over a sliding window (24 h), kept in memory per check and fed from the store
// at start, so the dashboard never scans the results table on a hot path.
import type { CheckStats, ProbeStatus } from '../model.js';

export const STATS_WINDOW_MS = 24 * 3_600_000;

interface Sample {
  at: number;
  ok: boolean;
  latencyMs: number | null;
}

/** Nearest-rank percentile (p in 0..100) of an ascending array. */
export function percentile(sortedAscending: number[], p: number): number | null {
  if (sortedAscending.length === 0) return null;
  const rank = Math.ceil((p / 100) * sortedAscending.length);
  return sortedAscending[Math.min(sortedAscending.length, Math.max(1, rank)) - 1]!;
}

export function computeStats(samples: ReadonlyArray<{ status: ProbeStatus; latencyMs: number | null }>): CheckStats {
  if (samples.length === 0) return { uptime: null, meanLatencyMs: null, p95LatencyMs: null, probes: 0 };
  let ok = 0;
  const latencies: number[] = [];
  for (const s of samples) {
    if (s.status !== 'down') ok++;
    if (s.status !== 'down' && s.latencyMs !== null) latencies.push(s.latencyMs);
  }
  latencies.sort((a, b) => a - b);
  const mean = latencies.length ? latencies.reduce((sum, v) => sum + v, 0) / latencies.length : null;
  return {
    uptime: ok / samples.length,
    meanLatencyMs: mean === null ? null : Math.round(mean * 10) / 10,
    p95LatencyMs: percentile(latencies, 95),
    probes: samples.length,
  };
}

/** Rolling window of one check's probes. Stats are cached until the window changes. */
export class RollingStats {
  private samples: Sample[] = [];
  private cached: CheckStats | null = null;

  constructor(private readonly windowMs = STATS_WINDOW_MS) {}

  add(at: number, status: ProbeStatus, latencyMs: number | null): void {
    this.samples.push({ at, ok: status !== 'down', latencyMs: status === 'down' ? null : latencyMs });
    this.cached = null;
  }

  stats(now: number): CheckStats {
    const cutoff = now - this.windowMs;
    let drop = 0;
    while (drop < this.samples.length && this.samples[drop]!.at < cutoff) drop++;
    if (drop > 0) {
      this.samples = this.samples.slice(drop);
      this.cached = null;
    }
    if (!this.cached) {
      this.cached = computeStats(
        this.samples.map((s) => ({ status: s.ok ? 'up' : 'down', latencyMs: s.latencyMs }) as const),
      );
    }
    return this.cached;
  }

  /** Latency of the last `n` probes, oldest first (null where the probe failed). */
  recentLatency(n: number): Array<number | null> {
    return this.samples.slice(-n).map((s) => (s.ok ? s.latencyMs : null));
  }
}
