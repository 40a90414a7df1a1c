// Turns a check's series (service API) into what TimeSeriesChart draws: x values, mean and p95
// lines with gaps where nothing was measured, and shaded down / degraded periods. Pure.
import type { CheckSeries, SeriesRange } from '../../../../src-main/core/api/service';
import type { ChartBand } from './TimeSeriesChart';

export const RANGES: Array<{ range: SeriesRange; label: string; ms: number }> = [
  { range: '1h', label: '1 h', ms: 3_600_000 },
  { range: '24h', label: '24 h', ms: 86_400_000 },
  { range: '7d', label: '7 d', ms: 7 * 86_400_000 },
  { range: '30d', label: '30 d', ms: 30 * 86_400_000 },
  { range: '1y', label: '1 y', ms: 365 * 86_400_000 },
];

export interface ChartData {
  times: number[];
  mean: Array<number | null>;
  p95: Array<number | null>;
  bands: ChartBand[];
  /** Whether any point has a p95 (a single probe has none: the 1 h chart). */
  hasP95: boolean;
}

/**
 * Chart data of a series. A gap longer than 2.5 buckets (no probes: paused, Kaavan stopped) breaks
 * the lines; a bucket with a down probe is shaded red, one with a degraded probe amber.
 */
export function chartData(series: Pick<CheckSeries, 'bucketMs' | 'points'>): ChartData {
  const times: number[] = [];
  const mean: Array<number | null> = [];
  const p95: Array<number | null> = [];
  const bands: ChartBand[] = [];
  let hasP95 = false;
  let prev: number | null = null;
  const bucket = Math.max(series.bucketMs, 1000);
  for (const p of series.points) {
    if (prev !== null && p.at - prev > 2.5 * bucket) {
      times.push(prev + bucket);
      mean.push(null);
      p95.push(null);
    }
    times.push(p.at);
    mean.push(p.meanMs);
    p95.push(p.p95Ms);
    if (p.p95Ms !== null) hasP95 = true;
    const tone = p.down > 0 ? 'danger' : p.degraded > 0 ? 'warn' : null;
    if (tone) {
      const last = bands[bands.length - 1];
      if (last && last.tone === tone && p.at <= last.to + 1) last.to = p.at + bucket;
      else bands.push({ from: p.at, to: p.at + bucket, tone });
    }
    prev = p.at;
  }
  return { times, mean, p95, bands, hasP95 };
}
