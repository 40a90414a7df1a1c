// A compact latency histogram with fixed log-scale bins, so percentiles over a day or a month come
// from a few small buckets instead of every raw sample. Bins grow by 5 % from 0.1 ms to 10 min
// (320 bins); a percentile is reported at its bin's geometric middle, so it is within ±2.5 % of
// the exact nearest-rank value (clamped to the observed min/max where those are known).
//
// Stored as a BLOB (roll-up hour buckets): byte 0 is the format version (1), then one entry per
// non-empty bin in ascending order, each with gap = bin − previous bin − 1 (previous starts at −1)
// and its count: one byte 0GGGCCCC when gap < 8 and count ≤ 16 (count stored minus one), otherwise
// the byte 0x80 followed by gap and count as unsigned LEB128 varints. An hour of 120 probes with a
// typical spread takes 20–40 bytes.

export const HISTOGRAM_MIN_MS = 0.1;
export const HISTOGRAM_MAX_MS = 600_000;
export const HISTOGRAM_GROWTH = 1.05;
const LN_GROWTH = Math.log(HISTOGRAM_GROWTH);
/** Bins 0..BIN_COUNT-1; bin i covers [0.1 ms × 1.05^i, 0.1 ms × 1.05^(i+1)), the ends clamp. */
export const HISTOGRAM_BIN_COUNT = Math.ceil(Math.log(HISTOGRAM_MAX_MS / HISTOGRAM_MIN_MS) / LN_GROWTH);
const FORMAT_VERSION = 1;

/** The bin a latency (ms) falls in. */
export function binOf(latencyMs: number): number {
  if (!(latencyMs > HISTOGRAM_MIN_MS)) return 0;
  // The small epsilon keeps exact bin edges (e.g. 0.1 × 1.05^k computed in floating point) in their own bin.
  const bin = Math.floor(Math.log(latencyMs / HISTOGRAM_MIN_MS) / LN_GROWTH + 1e-9);
  return bin >= HISTOGRAM_BIN_COUNT ? HISTOGRAM_BIN_COUNT - 1 : bin;
}

/** The value a bin stands for: its geometric middle, rounded to 0.1 ms. */
export function binValue(bin: number): number {
  return Math.round(HISTOGRAM_MIN_MS * Math.pow(HISTOGRAM_GROWTH, bin + 0.5) * 10) / 10;
}

/**
 * Nearest-rank percentile (p in 0..100) over dense bin counts, or null when empty. `total` is the
 * sum of `counts`; `clamp` narrows the answer to the observed range.
 */
export function percentileOfBins(
  counts: ArrayLike<number>,
  total: number,
  p: number,
  clamp?: { min: number | null; max: number | null },
): number | null {
  if (total <= 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let seen = 0;
  for (let bin = 0; bin < counts.length; bin++) {
    seen += counts[bin]!;
    if (seen >= rank) return clampValue(binValue(bin), clamp);
  }
  return null;
}

function clampValue(value: number, clamp?: { min: number | null; max: number | null }): number {
  if (clamp?.min != null && value < clamp.min) return clamp.min;
  if (clamp?.max != null && value > clamp.max) return clamp.max;
  return value;
}

/** A sparse histogram (only non-empty bins), cheap to keep per hour bucket. */
export class LatencyHistogram {
  private readonly counts = new Map<number, number>();
  private n = 0;

  get total(): number {
    return this.n;
  }

  add(latencyMs: number, count = 1): void {
    this.addToBin(binOf(latencyMs), count);
  }

  addToBin(bin: number, count: number): void {
    if (count <= 0) return;
    this.counts.set(bin, (this.counts.get(bin) ?? 0) + count);
    this.n += count;
  }

  merge(other: LatencyHistogram): this {
    for (const [bin, count] of other.counts) this.addToBin(bin, count);
    return this;
  }

  /** Non-empty bins in ascending order. */
  bins(): Array<[bin: number, count: number]> {
    return [...this.counts].sort((a, b) => a[0] - b[0]);
  }

  percentile(p: number, clamp?: { min: number | null; max: number | null }): number | null {
    if (this.n === 0) return null;
    const rank = Math.min(this.n, Math.max(1, Math.ceil((p / 100) * this.n)));
    let seen = 0;
    for (const [bin, count] of this.bins()) {
      seen += count;
      if (seen >= rank) return clampValue(binValue(bin), clamp);
    }
    return null;
  }

  encode(): Uint8Array {
    const bytes: number[] = [FORMAT_VERSION];
    let previous = -1;
    for (const [bin, count] of this.bins()) {
      const gap = bin - previous - 1;
      if (gap < 8 && count <= 16) bytes.push((gap << 4) | (count - 1));
      else {
        bytes.push(0x80);
        pushVarint(bytes, gap);
        pushVarint(bytes, count);
      }
      previous = bin;
    }
    return Uint8Array.from(bytes);
  }

  /** Reads an encoded histogram; throws on a blob that is not one (a damaged store). */
  static decode(blob: Uint8Array | ArrayBuffer | null | undefined): LatencyHistogram {
    const histogram = new LatencyHistogram();
    if (!blob) return histogram;
    const bytes = blob instanceof Uint8Array ? blob : new Uint8Array(blob);
    if (bytes.length === 0) return histogram;
    if (bytes[0] !== FORMAT_VERSION) throw new Error(`latency histogram: unknown format ${bytes[0]}`);
    let offset = 1;
    let previous = -1;
    const read = (): number => {
      let value = 0;
      let scale = 1;
      for (;;) {
        if (offset >= bytes.length) throw new Error('latency histogram: truncated');
        const byte = bytes[offset++]!;
        value += (byte & 0x7f) * scale;
        if (byte < 0x80) return value;
        scale *= 128;
      }
    };
    while (offset < bytes.length) {
      const head = bytes[offset++]!;
      let gap: number;
      let count: number;
      if (head < 0x80) {
        gap = head >> 4;
        count = (head & 0x0f) + 1;
      } else if (head === 0x80) {
        gap = read();
        count = read();
      } else throw new Error('latency histogram: damaged entry');
      const bin = previous + 1 + gap;
      if (bin >= HISTOGRAM_BIN_COUNT) throw new Error('latency histogram: bin out of range');
      histogram.addToBin(bin, count);
      previous = bin;
    }
    return histogram;
  }
}

function pushVarint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
