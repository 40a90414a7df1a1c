// The pure decisions: run state machine, retention (restic forget semantics), job type choice.
import { describe, expect, it } from 'vitest';
import { canTransition, queuedRun, runDuration, transition } from '../../../src-main/core/backup/run-state-machine.js';
import { applyRetention } from '../../../src-main/core/backup/retention.js';
import { chooseKind } from '../../../src-main/core/backup/engine.js';
import { backupJobSchema } from '../../../src-main/core/backup/job-schema.js';

describe('run state machine', () => {
  it('walks the happy path with a timestamp on every transition', () => {
    let r = queuedRun(1000);
    for (const [s, at] of [['scanning', 1100], ['archiving', 1200], ['uploading', 1300], ['verifying', 1400], ['succeeded', 1500]] as const) r = transition(r, s, at);
    expect(r.transitions.map((t) => [t.from, t.to, t.at])).toEqual([
      [null, 'queued', 1000],
      ['queued', 'scanning', 1100],
      ['scanning', 'archiving', 1200],
      ['archiving', 'uploading', 1300],
      ['uploading', 'verifying', 1400],
      ['verifying', 'succeeded', 1500],
    ]);
    expect(runDuration(r, 9999)).toBe(500);
  });

  it('refuses skipping a step, leaving a terminal state, and succeeding without verifying', () => {
    expect(() => transition(queuedRun(0), 'archiving', 1)).toThrow('cannot go from queued to archiving');
    expect(canTransition('uploading', 'succeeded')).toBe(false);
    const failed = transition(transition(queuedRun(0), 'scanning', 1), 'failed', 2, 'disk full');
    expect(failed.transitions.at(-1)).toEqual({ from: 'scanning', to: 'failed', at: 2, reason: 'disk full' });
    expect(() => transition(failed, 'scanning', 3)).toThrow();
    expect(() => transition(failed, 'interrupted', 3)).toThrow();
    expect(canTransition('archiving', 'interrupted')).toBe(true);
    expect(canTransition('verifying', 'cancelled')).toBe(true);
  });
});

describe('retention (restic forget semantics)', () => {
  const day = 86_400_000;
  const t0 = Date.UTC(2026, 0, 1, 12); // Thursday 1 Jan 2026, 12:00 UTC
  // two runs a day for 60 days
  const runs = Array.from({ length: 120 }, (_, i) => ({ id: `r${String(i).padStart(3, '0')}`, time: t0 + Math.floor(i / 2) * day + (i % 2) * 3_600_000 }));

  it('keepLast keeps the n newest', () => {
    const d = applyRetention(runs, { keepLast: 3 }, { timeZone: 'utc' });
    expect(d.keep.map((k) => k.id)).toEqual(['r119', 'r118', 'r117']);
    expect(d.remove).toHaveLength(117);
  });

  it('keepDaily keeps the newest run of each of the last n days that have runs', () => {
    const d = applyRetention(runs, { keepDaily: 3 }, { timeZone: 'utc' });
    expect(d.keep.map((k) => k.id)).toEqual(['r119', 'r117', 'r115']);
  });

  it('keepWeekly uses ISO weeks and keepMonthly calendar months; rules combine with reasons', () => {
    const d = applyRetention(runs, { keepLast: 1, keepWeekly: 2, keepMonthly: 3 }, { timeZone: 'utc' });
    const byId = new Map(d.keep.map((k) => [k.id, k.reasons]));
    expect(byId.get('r119')).toEqual(['last', 'weekly', 'monthly']); // 1 Mar 2026 (Sunday)
    // the week before ends Sunday 22 Feb (day 52 → r105)
    expect(byId.get('r105')).toEqual(['weekly']);
    // newest run of February: 28 Feb (day 58 → r117); of January: 31 Jan (day 30 → r061)
    expect(byId.get('r117')).toEqual(['monthly']);
    expect(byId.get('r061')).toEqual(['monthly']); // 3 months = Mar, Feb, Jan: Jan's newest is r061
    expect(byId.get('r059')).toBeUndefined();
    expect(d.keep).toHaveLength(4);
  });

  it('with no rule keeps everything', () => {
    expect(applyRetention(runs, {}).remove).toEqual([]);
  });
});

describe('job type', () => {
  const at = Date.UTC(2026, 5, 1);
  const full = { kind: 'full' as const, startedAt: new Date(at - 2 * 86_400_000).toISOString() };
  const inc = { kind: 'incremental' as const, startedAt: new Date(at - 86_400_000).toISOString() };
  it('intelligent: full first, then incremental until the chain is long or the full is old', () => {
    expect(chooseKind('intelligent', [], at, 3, 30 * 86_400_000)).toBe('full');
    expect(chooseKind('intelligent', [full, inc, inc], at, 3, 30 * 86_400_000)).toBe('incremental');
    expect(chooseKind('intelligent', [full, inc, inc, inc], at, 3, 30 * 86_400_000)).toBe('full');
    expect(chooseKind('intelligent', [full, inc], at, 3, 86_400_000)).toBe('full');
    expect(chooseKind('incremental', [full], at, 3, 1)).toBe('incremental');
    expect(chooseKind('full', [full], at, 3, 1e12)).toBe('full');
  });
});

describe('job schema', () => {
  it('accepts the DESIGN §3 example and names the field that is wrong', () => {
    const ok = backupJobSchema.safeParse({
      name: 'docs',
      sources: [{ path: '~/Documents', exclude: ['*.tmp'] }],
      destination: { kind: 'local', path: '/mnt/backup' },
      schedule: '0 2 * * *',
      encryption: { passphraseRef: 'docs-backup' },
      retention: { keepLast: 7, keepDaily: 14, keepWeekly: 8, keepMonthly: 12 },
    });
    expect(ok.success).toBe(true);
    const bad = backupJobSchema.safeParse({ name: 'x', sources: [], destination: { kind: 's3', bucket: 'B!' } });
    expect(bad.success).toBe(false);
    const msgs = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(msgs).toContain('sources: at least one source');
    expect(msgs).toContain('destination.bucket: an S3 bucket name: 3-63 lower-case letters, digits, "." or "-"');
  });
});
