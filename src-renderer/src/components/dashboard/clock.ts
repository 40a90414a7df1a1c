// One shared clock for the "for 5 min" texts: a single timer, and only the small components that
// show a duration re-render when it ticks (not 2,000 rows).
import { useSyncExternalStore } from 'react';

const TICK_MS = 5000;
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function useClock(): number {
  return useSyncExternalStore(subscribe, () => now);
}
