// Small statistics helpers shared by the benchmarks.

/** Nearest-rank percentile of an ascending-sorted array. */
export function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const mean = n ? sorted.reduce((s, x) => s + x, 0) / n : NaN;
  return {
    n,
    min: sorted[0],
    median: percentile(sorted, 50),
    mean,
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[n - 1],
  };
}

export const fmt = (x, digits = 3) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

/** "+0.123 ms (+45.6 %)" for a value against a reference. */
export function overhead(value, reference, digits = 3) {
  const d = value - reference;
  const pct = reference > 0 ? (d / reference) * 100 : NaN;
  const sign = d >= 0 ? '+' : '−';
  const psign = pct >= 0 ? '+' : '−';
  return `${sign}${Math.abs(d).toFixed(digits)} ms (${psign}${Math.abs(pct).toFixed(0)} %)`;
}

/** A markdown table from a header row and rows of cells. */
export function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
