// The disk chart's series: used percent over the stored samples, and the forecast line (a
// least-squares fit through the same samples, as the disk check computes it) drawn from the last
// sample to where it reaches 100%. Pure, so it is tested without a browser.

export interface DiskSample {
  at: number;
  usedBytes: number;
}

export interface DiskChartData {
  /** Times (seconds, as uPlot wants them). */
  x: number[];
  /** Used percent at each sample; null at the forecast's points. */
  used: Array<number | null>;
  /** The forecast: null over the samples except the last, then to 100% (or the horizon). */
  forecast: Array<number | null>;
  /** When the fit reaches 100%, ms since epoch; null when flat, falling or too short. */
  fullAt: number | null;
}

/** The forecast reaches at most this far ahead (a 30-day chart is still readable). */
const HORIZON_MS = 30 * 86_400_000;
/** The check needs this much history before it forecasts (disk.ts: 3 samples over an hour). */
const MIN_SPAN_MS = 3_600_000;

export function diskChartData(samples: DiskSample[], totalBytes: number | null): DiskChartData | null {
  if (!totalBytes || totalBytes <= 0 || samples.length === 0) return null;
  const points = [...samples].sort((a, b) => a.at - b.at);
  const pct = (bytes: number) => Math.round((bytes / totalBytes) * 1000) / 10;
  const x = points.map((p) => p.at / 1000);
  const used: Array<number | null> = points.map((p) => pct(p.usedBytes));
  const forecast: Array<number | null> = points.map(() => null);
  const first = points[0]!;
  const last = points[points.length - 1]!;
  let fullAt: number | null = null;
  if (points.length >= 3 && last.at - first.at >= MIN_SPAN_MS) {
    const n = points.length;
    const meanX = points.reduce((s, p) => s + (p.at - first.at), 0) / n;
    const meanY = points.reduce((s, p) => s + p.usedBytes, 0) / n;
    let num = 0;
    let den = 0;
    for (const p of points) {
      num += (p.at - first.at - meanX) * (p.usedBytes - meanY);
      den += (p.at - first.at - meanX) ** 2;
    }
    const slope = den === 0 ? 0 : num / den; // bytes per ms
    if (slope > 0) {
      const untilFull = last.usedBytes >= totalBytes ? 0 : (totalBytes - last.usedBytes) / slope;
      fullAt = last.at + untilFull;
      const end = Math.min(fullAt, last.at + HORIZON_MS);
      forecast[forecast.length - 1] = pct(last.usedBytes);
      x.push(end / 1000);
      used.push(null);
      forecast.push(Math.min(100, pct(last.usedBytes + slope * (end - last.at))));
    }
  }
  return { x, used, forecast, fullAt };
}
