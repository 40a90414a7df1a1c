// The circuit breaker's transitions, driven by an explicit clock.
import { describe, expect, it } from 'vitest';
import { breakerGate, closedBreaker, parseBreakerState, recordHealResult, type BreakerState } from '../../../src-main/core/healing/circuit-breaker.js';

const cfg = { failures: 3, windowMs: 60 * 60_000, openForMs: 30 * 60_000 };
const min = 60_000;

describe('circuit breaker', () => {
  it('opens after N failed heals within the window, not when they are spread wider', () => {
    let s = closedBreaker();
    s = recordHealResult(s, false, 0, cfg);
    s = recordHealResult(s, false, 10 * min, cfg);
    expect(s.phase).toBe('closed');
    s = recordHealResult(s, false, 20 * min, cfg);
    expect(s).toEqual({ phase: 'open', failures: [], openedAt: 20 * min });

    let spread = closedBreaker();
    for (const t of [0, 40 * min, 80 * min]) spread = recordHealResult(spread, false, t, cfg);
    expect(spread.phase).toBe('closed'); // the first fell out of the hour
    expect(spread.failures).toEqual([40 * min, 80 * min]);
  });

  it('open refuses until openFor has passed, then allows one trial (half-open); success closes, failure reopens', () => {
    const open: BreakerState = { phase: 'open', failures: [], openedAt: 0 };
    expect(breakerGate(open, 29 * min, cfg)).toEqual({ allowed: false, state: open, until: 30 * min });
    const trial = breakerGate(open, 30 * min, cfg);
    expect(trial).toEqual({ allowed: true, state: { phase: 'half-open', failures: [], openedAt: 0 } });
    expect(recordHealResult(trial.state, true, 31 * min, cfg)).toEqual(closedBreaker());
    expect(recordHealResult(trial.state, false, 31 * min, cfg)).toEqual({ phase: 'open', failures: [], openedAt: 31 * min });
  });

  it('a success while closed clears earlier failures', () => {
    let s = recordHealResult(closedBreaker(), false, 0, cfg);
    s = recordHealResult(s, false, min, cfg);
    s = recordHealResult(s, true, 2 * min, cfg);
    s = recordHealResult(s, false, 3 * min, cfg);
    expect(s).toEqual({ phase: 'closed', failures: [3 * min], openedAt: null });
  });

  it('survives a JSON round trip; damaged state reads as closed', () => {
    const open: BreakerState = { phase: 'open', failures: [], openedAt: 5 };
    expect(parseBreakerState(JSON.parse(JSON.stringify(open)))).toEqual(open);
    expect(parseBreakerState({ phase: 'open' })).toEqual(closedBreaker());
    expect(parseBreakerState('nonsense')).toEqual(closedBreaker());
    expect(parseBreakerState({ phase: 'closed', failures: [1, 'x', 2] })).toEqual({ phase: 'closed', failures: [1, 2], openedAt: null });
  });
});
