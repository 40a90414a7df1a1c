// Latency sparkline and the bar of recent probes, as inline SVG (no canvas, no style attributes:
// CSP-friendly). Sparklines shown together take one shared `max` (dashboard-view's
// sharedLatencyScale) so their heights compare; points above it are drawn at the top. The line is
// coloured by the check's status; probes without an answer are marks in the "down" colour.
import { memo } from 'react';
import type { CheckStatus } from '../../../src-main/core/model';
import { formatMs } from '../lib/format';
import { STATUS_META } from './status';

const W = 160;
const H = 36;
const PAD = 3;

export const Sparkline = memo(function Sparkline({
  values,
  width = W,
  height = H,
  max,
  status = 'up',
}: {
  values: Array<number | null>;
  width?: number;
  height?: number;
  /** Top of the scale in ms (shared between sparklines); default: this series' own maximum. */
  max?: number;
  status?: CheckStatus;
}) {
  const numbers = values.filter((v): v is number => v !== null);
  const failures = values.length - numbers.length;
  const tone = STATUS_META[status].tone;
  if (values.length === 0) {
    return (
      <svg className="sparkline sparkline-empty" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="No latency data yet">
        <line x1={PAD} x2={width - PAD} y1={height - PAD} y2={height - PAD} className="spark-baseline" />
      </svg>
    );
  }
  const top = max ?? Math.max(1, ...numbers) * 1.15;
  const step = values.length > 1 ? (width - PAD * 2) / (values.length - 1) : 0;
  const x = (i: number) => (values.length > 1 ? PAD + i * step : width / 2);
  const y = (v: number) => height - PAD - (Math.min(v, top) / top) * (height - PAD * 2);

  // Split the series into runs without gaps; each run becomes a line and a filled area.
  const runs: Array<Array<[number, number]>> = [];
  let run: Array<[number, number]> = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run);
      run = [];
    } else run.push([x(i), y(v)]);
  });
  if (run.length) runs.push(run);

  const label =
    numbers.length > 0
      ? `Latency of the last ${values.length} probes: ${formatMs(Math.min(...numbers))} to ${formatMs(Math.max(...numbers))}${failures ? `, ${failures} without answer` : ''}`
      : `No answer in the last ${values.length} probes`;

  return (
    <svg className={`sparkline spark-tone-${tone}`} width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      <line x1={PAD} x2={width - PAD} y1={height - PAD} y2={height - PAD} className="spark-baseline" />
      {runs.map((r, i) => {
        const line = r.map(([px, py], j) => `${j === 0 ? 'M' : 'L'}${px.toFixed(1)},${py.toFixed(1)}`).join(' ');
        const first = r[0]!;
        const last = r[r.length - 1]!;
        const area = `${line} L${last[0].toFixed(1)},${height - PAD} L${first[0].toFixed(1)},${height - PAD} Z`;
        return (
          <g key={i}>
            {r.length > 1 && <path d={area} className="spark-area" />}
            {r.length > 1 ? <path d={line} className="spark-line" /> : <circle cx={first[0]} cy={first[1]} r={1.8} className="spark-point" />}
          </g>
        );
      })}
      {values.map((v, i) =>
        v === null ? <rect key={`f${i}`} x={x(i) - 1.5} y={height - PAD - 8} width={3} height={8} rx={1} className="spark-fail" /> : null,
      )}
      {runs.length > 0 && values[values.length - 1] !== null && (
        <circle cx={x(values.length - 1)} cy={y(values[values.length - 1]!)} r={2.4} className="spark-last" />
      )}
    </svg>
  );
});

/**
 * The bar of recent probes (compact list): one slim bar per probe, oldest first, its height the
 * latency on the shared scale, red where nothing answered; the last bar takes the check's status
 * colour (degraded and pending are only known for the latest probe).
 */
export const ProbeBar = memo(function ProbeBar({
  values,
  max,
  status,
  slots = 30,
  width = 120,
  height = 18,
}: {
  values: Array<number | null>;
  max: number;
  status: CheckStatus;
  slots?: number;
  width?: number;
  height?: number;
}) {
  const recent = values.slice(-slots);
  const gap = 1;
  const barW = (width - gap * (slots - 1)) / slots;
  const offset = slots - recent.length;
  const failures = recent.filter((v) => v === null).length;
  const label = recent.length === 0 ? 'No probes yet' : `Last ${recent.length} probes${failures ? `, ${failures} without answer` : ', all answered'}`;
  // One path per colour instead of one element per probe: a row mounts in a handful of nodes,
  // which keeps fast scrolling through 2,000 rows cheap.
  const paths: Record<string, string> = {};
  const add = (cls: string, x: number, h: number) => {
    paths[cls] = `${paths[cls] ?? ''}M${x.toFixed(1)} ${(height - h).toFixed(1)}h${barW.toFixed(1)}v${h.toFixed(1)}h${(-barW).toFixed(1)}Z`;
  };
  for (let i = 0; i < offset; i++) add('probe-empty', i * (barW + gap), 2);
  recent.forEach((v, i) => {
    const last = i === recent.length - 1;
    const h = v === null ? height : Math.max(3, (Math.min(v, max) / max) * height);
    add(v === null ? 'probe-down' : last ? `probe-${STATUS_META[status].tone}` : 'probe-ok', (offset + i) * (barW + gap), h);
  });
  return (
    <svg className="probe-bar" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
      <title>{label}</title>
      {Object.entries(paths).map(([cls, d]) => (
        <path key={cls} d={d} className={cls} />
      ))}
    </svg>
  );
});
