// Retention: old rows go in small batches, so pruning never holds the database for long.
import type { Store } from './store.js';

const RAW_RESULTS_MS = 48 * 3_600_000;
const BATCH = 2_000;

export async function pruneOnce(store: Store, now: number, opts: { historyRetentionMs: number }): Promise<number> {
  let removed = 0;
  const before = now - Math.min(RAW_RESULTS_MS, opts.historyRetentionMs);
  for (;;) {
    const n = store.results.pruneBatch(before, BATCH);
    removed += n;
    if (n < BATCH) break;
    await new Promise((r) => setImmediate(r));
  }
  return removed;
}
