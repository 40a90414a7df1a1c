// Throughput of a job's succeeded runs over time (MiB/s), with uPlot. A small wrapper until the shared
// chart component lands: created once per mount, resized with its container, data swapped in place.
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
  const plot = useRef<uPlot | null>(null);
  const data = throughputSeries(runs);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const axis = { stroke: cssVar('--text-muted', '#5a6474'), grid: { stroke: cssVar('--border', '#e1e5eb'), width: 1 }, ticks: { stroke: cssVar('--border', '#e1e5eb') } };
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 180,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        // One run (or several in one minute) still gets a readable day around it, not a span of years.
        x: { time: true, range: (_u, min, max) => (max - min < 3600 ? [min - 43_200, max + 43_200] : [min, max]) },
        y: { range: (_u, _min, max) => [0, Math.max(1, (max ?? 0) * 1.2)] },
      },
      axes: [axis, { ...axis, label: 'MiB/s', size: 56 }],
      series: [{}, { label: 'Throughput', stroke: cssVar('--accent', '#2f54d4'), width: 2, points: { show: true, size: 6, fill: cssVar('--surface', '#fff') }, value: (_u, v) => (v === null ? '—' : `${v.toFixed(1)} MiB/s`) }],
    };
    const chart = new uPlot(opts, throughputSeries([]), el);
    plot.current = chart;
    const resize = new ResizeObserver(() => chart.setSize({ width: Math.max(200, el.clientWidth), height: 180 }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // Colours come from the theme: a new plot when it changes.
  }, [theme]);

  const key = JSON.stringify(data);
  useEffect(() => {
    plot.current?.setData(JSON.parse(key) as [number[], number[]]);
  }, [key, theme]);

  return (
    <figure className="backup-chart" data-testid="backup-throughput-chart">
      <div ref={box} className="backup-chart-canvas" role="img" aria-label={`Throughput of ${data[0].length} succeeded runs`} />
      <figcaption className="muted backup-chart-caption">Throughput of succeeded runs (size read ÷ duration)</figcaption>
    </figure>
  );
}
