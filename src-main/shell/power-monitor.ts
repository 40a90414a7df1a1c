// Electron's powerMonitor for the core's observer-offline detection: while the computer sleeps,
// results do not count (a laptop with its lid shut must not report every server DOWN), and on
// wake every check runs again at once. The core also notices a sleep on its own from the clocks
// (core/engine/observer-online.ts); these events just make it exact and immediate. A locked
// screen is not a sleep: monitoring goes on and the lock is only logged.
import type { Logger } from '../core/log/logger.js';

/** The part of Electron's powerMonitor used here (an EventEmitter). */
export interface PowerEvents {
  on(event: string, listener: () => void): unknown;
  removeListener(event: string, listener: () => void): unknown;
}

export interface PowerAware {
  suspend(): void;
  resume(): void;
}

/** Forwards suspend/resume to the core; returns a function that stops listening. */
export function watchPower(power: PowerEvents, core: PowerAware, log: Logger): () => void {
  const listeners: Record<string, () => void> = {
    suspend: () => {
      log.info('the computer is going to sleep: results do not count until it wakes');
      core.suspend();
    },
    resume: () => {
      log.info('the computer woke up: running every check now');
      core.resume();
    },
    'lock-screen': () => log.info('the screen was locked; monitoring goes on'),
    'unlock-screen': () => log.info('the screen was unlocked'),
  };
  for (const [event, listener] of Object.entries(listeners)) power.on(event, listener);
  return () => {
    for (const [event, listener] of Object.entries(listeners)) power.removeListener(event, listener);
  };
}
