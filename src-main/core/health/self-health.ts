// Kaavan's own health: problems of the observer (store writes failing, descriptors exhausted, a
// delivery backlog), kept apart from the health of watched servers. Level-triggered: a reporter
// raises a problem while it is true and clears it when it stops being true.
import type { HealthProblem, KaavanHealth } from '../model.js';

export class SelfHealth {
  private readonly problems = new Map<string, HealthProblem>();
  private readonly listeners = new Set<(health: KaavanHealth) => void>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Raises (or refreshes) a problem; listeners hear about it only when it is new or its text changed. */
  raise(code: string, message: string): void {
    const existing = this.problems.get(code);
    if (existing) {
      existing.count++;
      if (existing.message === message) return;
      existing.message = message;
    } else {
      this.problems.set(code, { code, message, since: this.now(), count: 1 });
    }
    this.publish();
  }

  clear(code: string): void {
    if (this.problems.delete(code)) this.publish();
  }

  has(code: string): boolean {
    return this.problems.has(code);
  }

  snapshot(): KaavanHealth {
    const problems = [...this.problems.values()].map((p) => ({ ...p }));
    return { ok: problems.length === 0, problems, generatedAt: this.now() };
  }

  subscribe(listener: (health: KaavanHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(): void {
    const health = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(health);
      } catch {
        // A broken listener must not stop the others.
      }
    }
  }
}
