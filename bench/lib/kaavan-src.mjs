// Loads Kaavan's TypeScript sources through tsx, so `node bench/<name>.mjs` works without a build.
import { register } from 'tsx/esm/api';

register();

const src = (p) => new URL(`../../src-main/core/${p}`, import.meta.url).href;

export async function loadKaavan() {
  const [{ httpCheck }, { tcpCheck }, { Scheduler, runWithDeadline }] = await Promise.all([
    import(src('checks/kinds/http.ts')),
    import(src('checks/kinds/tcp.ts')),
    import(src('engine/scheduler.ts')),
  ]);
  return { httpCheck, tcpCheck, Scheduler, runWithDeadline };
}
