// Latency sparkline as inline SVG (no canvas, no style attributes: CSP-friendly). Gaps where a
// probe got no answer are drawn as marks on the baseline in the "down" colour.
import { formatMs } from '../lib/format';

const W = 160;
const H = 36;
const PAD = 3;

export function Sparkline({ values, width = W, height = H }: { values: Array<number | null>; width?: number; height?: number }) {
  const numbers = values.filter((v): v is number => v !== null);
  const failures = values.length - numbers.length;
  if (values.length === 0) {
    return (
      <svg className="sparkline sparkline-empty" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label="No latency data yet">
        <line x1={PAD} x2={width - PAD} y1={height - PAD} y2={height - PAD} className="spark-baseline" />
      </svg>
    );
  }
  const max = Math.max(1, ...numbers) * 1.15;
  const step = values.length > 1 ? (width - PAD * 2) / (values.length - 1) : 0;
  const x = (i: number) => (values.length > 1 ? PAD + i * step : width / 2);
  const y = (v: number) => height - PAD - (v / max) * (height - PAD * 2);

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
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
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
}
