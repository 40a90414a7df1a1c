// Throughput of a job's succeeded runs over time (MiB/s), with uPlot. A small wrapper until the shared
// chart component lands: built with its data (a job has at most a few hundred runs, so a new plot per
// change is cheap and the scales always fit the data), resized with its container.
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { BackupRunView } from '../../../../src-main/core/api/service';

const MIB = 1024 * 1024;

/** x: run start (s), y: MiB read per second of the run; succeeded runs only, oldest first. */
export function throughputSeries(runs: BackupRunView[]): [number[], number[]] {
  const ok = runs.filter((r) => r.state === 'succeeded' && r.durationMs > 0).sort((a, b) => a.startedAt - b.startedAt);
  return [ok.map((r) => r.startedAt / 1000), ok.map((r) => r.bytes / MIB / (r.durationMs / 1000))];
}

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

export function ThroughputChart({ runs, theme }: { runs: BackupRunView[]; theme: string }) {
  const box = useRef<HTMLDivElement>(null);
  const data = throughputSeries(runs);
  const key = JSON.stringify(data);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const [xs, ys] = JSON.parse(key) as [number[], number[]];
    const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
    const pad = Math.max(43_200, (x1 - x0) * 0.05);
    const xRange: uPlot.Range.MinMax = xs.length ? [x0 - pad, x1 + pad] : [0, 1];
    const yRange: uPlot.Range.MinMax = [0, Math.max(1, ...ys) * 1.2];
    const axis = { stroke: cssVar('--text-muted', '#5a6474'), grid: { stroke: cssVar('--border', '#e1e5eb'), width: 1 }, ticks: { stroke: cssVar('--border', '#e1e5eb') } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 180,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      // Ranges from the data itself: a single run gets a readable day around it, the top some room.
      scales: { x: { time: true, range: () => xRange }, y: { range: () => yRange } },
      axes: [axis, { ...axis, label: 'MiB/s', size: 56 }],
      series: [{}, { label: 'Throughput', stroke: cssVar('--accent', '#2f54d4'), width: 2, points: { show: true, size: 6, fill: cssVar('--surface', '#fff') }, value: (_u, v) => (v === null ? '—' : `${v.toFixed(1)} MiB/s`) }],
    };
    const chart = new uPlot(opts, [xs, ys], el);
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
    // Colours come from the theme: a new plot when it changes, as when the data does.
  }, [key, theme]);

  return (
    <figure className="backup-chart" data-testid="backup-throughput-chart">
      <div ref={box} className="backup-chart-canvas" role="img" aria-label={`Throughput of ${data[0].length} succeeded runs`} />
      <figcaption className="muted backup-chart-caption">Throughput of succeeded runs (size read ÷ duration)</figcaption>
    </figure>
  );
}
