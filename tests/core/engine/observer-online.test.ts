import { describe, expect, it } from 'vitest';
import { ObserverOnline, looksLikeNetworkLoss } from '../../../src-main/core/engine/observer-online.js';

function clocks() {
  const c = { wall: 1_700_000_000_000, mono: 0 };
  return { c, now: () => c.wall, monotonic: () => c.mono, advance: (ms: number) => ((c.wall += ms), (c.mono += ms)) };
}
const lost = { status: 'down', message: 'network unreachable for 203.0.113.9:443 (ENETUNREACH)' };
const refused = { status: 'down', message: 'connection refused by 127.0.0.1:1 (ECONNREFUSED)' };
const ok = { status: 'up', message: 'HTTP 200 in 12 ms' };

describe('observer offline', () => {
  it('tells a lost network from a server that answered no', () => {
    expect(['DNS lookup failed for x (EAI_AGAIN)', 'host h is unreachable (EHOSTUNREACH)', 'timed out after 5 s (connecting)', 'web1:22 did not complete the SSH handshake within 10 s'].every(looksLikeNetworkLoss)).toBe(true);
    expect(['connection refused by h:1 (ECONNREFUSED)', 'HTTP 500 in 3 ms', 'authentication failed for ops@web1'].some(looksLikeNetworkLoss)).toBe(false);
  });

  it('a lost-network failure with no interface but loopback is observer offline; a refusal is not', () => {
    const { now, monotonic } = clocks();
    let network = false;
    const observer = new ObserverOnline({ now, monotonic, hasNetwork: () => network });
    expect(observer.judge('a', lost, true, now())).toMatchObject({ observerOffline: true, reason: 'this computer has no network connection' });
    expect(observer.judge('a', refused, true, now()).observerOffline).toBe(false);
    // Checks of this computer itself never count as network evidence.
    expect(observer.judge('local', lost, false, now()).observerOffline).toBe(false);
    network = true;
    expect(observer.judge('a', lost, true, now()).observerOffline).toBe(false);
  });

  it('every target failing like a lost network at once is observer offline, until one answers', () => {
    const { now, monotonic, advance } = clocks();
    const observer = new ObserverOnline({ now, monotonic, hasNetwork: () => true });
    expect(observer.judge('a', lost, true, now()).observerOffline).toBe(false);
    advance(1000);
    expect(observer.judge('b', lost, true, now())).toMatchObject({ observerOffline: true, reason: 'this computer reaches none of its 2 targets' });
    expect(observer.state(now())).toEqual({ offline: true, reason: 'this computer reaches none of its 2 targets' });
    expect(observer.judge('a', ok, true, now()).observerOffline).toBe(false);
    expect(observer.state(now()).offline).toBe(false);
    // One target down while another answers is that target's problem.
    expect(observer.judge('b', lost, true, now()).observerOffline).toBe(false);
  });

  it('a wall-clock jump ahead of the monotonic clock is a sleep: the result in flight and failures in the grace period do not count', () => {
    const { c, now, monotonic, advance } = clocks();
    const observer = new ObserverOnline({ now, monotonic, hasNetwork: () => true, wakeGraceMs: 30_000 });
    advance(10_000);
    expect(observer.tick()).toBe(false);
    c.wall += 45 * 60_000; // the laptop slept 45 minutes: the monotonic clock stood still
    expect(observer.judge('a', ok, true, now())).toMatchObject({ observerOffline: true, woke: true, reason: 'this computer was asleep' });
    advance(5_000);
    expect(observer.judge('a', lost, true, now())).toMatchObject({ observerOffline: true, woke: false });
    expect(observer.judge('a', ok, true, now()).observerOffline).toBe(false);
    advance(30_000);
    expect(observer.judge('a', refused, true, now()).observerOffline).toBe(false);
  });

  it('suspend and resume from the shell', () => {
    const { now, monotonic } = clocks();
    const observer = new ObserverOnline({ now, monotonic, hasNetwork: () => true });
    observer.suspend();
    expect(observer.judge('a', ok, true, now())).toMatchObject({ observerOffline: true, reason: 'this computer is asleep' });
    expect(observer.state()).toEqual({ offline: true, reason: 'this computer is asleep' });
    observer.resume();
    expect(observer.state().offline).toBe(false);
    expect(observer.judge('a', lost, true, now())).toMatchObject({ observerOffline: true, reason: 'this computer just woke up' });
  });
});
