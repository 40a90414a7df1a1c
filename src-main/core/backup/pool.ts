// A bounded-concurrency loop (segments are built, verified and restored several at once).
/** Runs fn over items, at most `limit` at once; the first failure rejects (the rest still settle). */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let stop = false;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (!stop && next < items.length) {
      try {
        await fn(items[next++]!);
      } catch (err) {
        stop = true; // no new items once one failed
        throw err;
      }
    }
  });
  const settled = await Promise.allSettled(workers);
  const failed = settled.find((x): x is PromiseRejectedResult => x.status === 'rejected');
  if (failed) throw failed.reason;
}
