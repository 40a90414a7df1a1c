import { makeProbeContext } from '../../../src-main/core/checks/probe-context.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Scheduler, runWithDeadline } from '../../../src-main/core/engine/scheduler.js';
import { httpCheck } from '../../../src-main/core/checks/kinds/http.js';
import type { ProbeOutcome } from '../../../src-main/core/model.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function listen(server: Server | ReturnType<typeof createTcpServer>): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

describe('scheduler', () => {
  it('one hanging endpoint does not delay 50 healthy ones (real HTTP, concurrency 8)', async () => {
    const healthy = createServer((_req, res) => res.end('ok'));
    const healthyPort = await listen(healthy);
    const sockets = new Set<Socket>();
    // Accepts connections and never answers.
    const hanging = createTcpServer((socket) => sockets.add(socket));
    const hangingPort = await listen(hanging);
    cleanups.push(() => {
      // At the end, when the probes' connections exist: close them so the server can stop.
      healthy.closeAllConnections();
      return new Promise<void>((r) => healthy.close(() => r()));
    });
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => hanging.close(() => r()));
    });

    const started = Date.now();
    const firstOutcome = new Map<string, { at: number; outcome: ProbeOutcome }>();
    const scheduler = new Scheduler({
      concurrency: 8,
      jitter: 0,
      random: () => 0,
      onOutcome: (id, outcome) => {
        if (!firstOutcome.has(id)) firstOutcome.set(id, { at: Date.now() - started, outcome });
      },
    });
    cleanups.push(() => scheduler.stop());
    const job = (id: string, port: number, timeoutMs: number) => ({
      id,
      intervalMs: 60_000,
      timeoutMs,
      probe: (signal: AbortSignal) => httpCheck.probe({ url: `http://127.0.0.1:${port}/` }, makeProbeContext({ signal, timeoutMs })),
    });
    scheduler.upsert(job('hanging', hangingPort, 4000));
    for (let i = 0; i < 50; i++) scheduler.upsert(job(`healthy-${i}`, healthyPort, 4000));
    scheduler.start();

    const deadline = Date.now() + 10_000;
    while (firstOutcome.size < 51 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    const healthyTimes = [...firstOutcome].filter(([id]) => id.startsWith('healthy')).map(([, v]) => v);
    expect(healthyTimes).toHaveLength(50);
    expect(healthyTimes.every((v) => v.outcome.status === 'up')).toBe(true);
    // All 50 finish long before the hanging probe's 4 s timeout.
    expect(Math.max(...healthyTimes.map((v) => v.at))).toBeLessThan(2000);
    const hung = firstOutcome.get('hanging')!;
    expect(hung.outcome.status).toBe('down');
    expect(hung.outcome.message).toMatch(/timed out/);
    expect(hung.at).toBeGreaterThanOrEqual(3900);
  });

  it('cuts off a probe that ignores its abort signal at the deadline', async () => {
    const t0 = Date.now();
    const outcome = await runWithDeadline(() => new Promise<ProbeOutcome>(() => undefined), 300, 100);
    expect(outcome).toMatchObject({ status: 'down', message: 'timed out after 300 ms' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('turns a throwing probe into a DOWN outcome', async () => {
    const outcome = await runWithDeadline(async () => {
      throw new Error('kind blew up');
    }, 1000);
    expect(outcome).toEqual({ status: 'down', latencyMs: null, message: 'check failed: kind blew up' });
  });

  it('runs each job again after its interval and never overlaps runs of one job', async () => {
    let running = 0;
    let maxRunning = 0;
    const spans: Array<{ start: number; end: number }> = [];
    const scheduler = new Scheduler({ concurrency: 4, jitter: 0, random: () => 0, onOutcome: () => undefined });
    cleanups.push(() => scheduler.stop());
    scheduler.upsert({
      id: 'slow',
      intervalMs: 200,
      timeoutMs: 5000,
      // Each run takes longer than the interval: the next one must wait for it, never overlap.
      probe: async () => {
        const start = performance.now();
        running++;
        maxRunning = Math.max(maxRunning, running);
        await new Promise((r) => setTimeout(r, 350));
        running--;
        spans.push({ start, end: performance.now() });
        return { status: 'up', latencyMs: 350, message: 'ok' };
      },
    });
    scheduler.start();
    while (spans.length < 3) await new Promise((r) => setTimeout(r, 20));
    expect(maxRunning).toBe(1);
    for (let i = 1; i < spans.length; i++) expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.end);
  });

  it('pause stops new runs; remove drops a job', async () => {
    let count = 0;
    const scheduler = new Scheduler({ concurrency: 2, jitter: 0, random: () => 0, onOutcome: () => count++ });
    cleanups.push(() => scheduler.stop());
    scheduler.upsert({ id: 'a', intervalMs: 1000, timeoutMs: 500, probe: async () => ({ status: 'up', latencyMs: 1, message: 'ok' }) });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 100));
    expect(count).toBe(1);
    scheduler.pause();
    await new Promise((r) => setTimeout(r, 1200));
    expect(count).toBe(1);
    await scheduler.remove('a');
    expect(scheduler.size).toBe(0);
  });
});

describe('first runs', () => {
  it('are spread over a window that grows with the number of checks, at most one interval', () => {
    const delays = new Map<number, number[]>();
    for (const count of [10, 400, 2000, 20_000]) {
      // random() = 0.999…: the last moment of the window. setTimeout is intercepted to read each
      // first run's delay; nothing runs.
      const scheduler = new Scheduler({ concurrency: 1, jitter: 0, random: () => 0.999_999, onOutcome: () => undefined });
      const timers: number[] = [];
      const realSetTimeout = globalThis.setTimeout;
      globalThis.setTimeout = ((fn: () => void, ms?: number) => {
        timers.push(ms ?? 0);
        return realSetTimeout(() => undefined, 0);
      }) as typeof setTimeout;
      try {
        for (let i = 0; i < count; i++) scheduler.upsert({ id: `c${i}`, intervalMs: 30_000, timeoutMs: 1000, probe: async () => ({ status: 'up', latencyMs: 1, message: 'ok' }) });
        scheduler.start();
      } finally {
        globalThis.setTimeout = realSetTimeout;
        scheduler.stop();
      }
      delays.set(count, timers);
    }
    expect(Math.max(...delays.get(10)!)).toBeLessThanOrEqual(2000);
    expect(Math.max(...delays.get(400)!)).toBeLessThanOrEqual(2000);
    // 2,000 checks: about 10 s (5 ms each), so ~200 first probes per second, not 1,000.
    expect(Math.max(...delays.get(2000)!)).toBeGreaterThan(9000);
    expect(Math.max(...delays.get(2000)!)).toBeLessThanOrEqual(10_000);
    // Never beyond one interval.
    expect(Math.max(...delays.get(20_000)!)).toBeLessThanOrEqual(30_000);
  });
});
