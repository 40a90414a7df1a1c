// Retention with restic `forget` semantics, as a pure function (docs/backup-format.md §7).
// Runs are considered newest first; keepLast keeps the n newest, keepDaily/Weekly/Monthly keep the
// newest run of each of the last n days / ISO weeks / months that have runs. A run is kept when any
// rule keeps it. With no rule at all, everything is kept (restic refuses such a forget).

export interface RetentionPolicy {
  keepLast?: number;
  keepDaily?: number;
  keepWeekly?: number;
  keepMonthly?: number;
}

export interface RetentionRun {
  id: string;
  /** Start time, epoch ms. */
  time: number;
}

export interface RetentionDecision {
  keep: { id: string; reasons: string[] }[];
  remove: string[];
}

export interface RetentionOptions {
  /** Calendar buckets in UTC or in the machine's local time (restic uses local time). */
  timeZone?: 'utc' | 'local';
}

const pad = (n: number) => String(n).padStart(2, '0');

function parts(time: number, tz: 'utc' | 'local') {
  const d = new Date(time);
  return tz === 'utc'
    ? { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, day: d.getUTCDate() }
    : { y: d.getFullYear(), m: d.getMonth() + 1, day: d.getDate() };
}

/** ISO-8601 week key, e.g. "2026-W48". */
function isoWeek(y: number, m: number, day: number): string {
  const d = new Date(Date.UTC(y, m - 1, day));
  const dow = d.getUTCDay() || 7;
  d.setUTCDate(d.getUTCDate() + 4 - dow); // Thursday of this week decides the year
  const yearStart = Date.UTC(d.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((d.getTime() - yearStart) / 86_400_000 + 1) / 7);
  return `${d.getUTCFullYear()}-W${pad(week)}`;
}

export function applyRetention(runs: RetentionRun[], policy: RetentionPolicy, opts: RetentionOptions = {}): RetentionDecision {
  const tz = opts.timeZone ?? 'local';
  const sorted = [...runs].sort((a, b) => b.time - a.time || (a.id < b.id ? 1 : -1));
  const rules: { name: string; left: number; bucket: (t: number) => string; last: string | null }[] = [];
  if (policy.keepLast) rules.push({ name: 'last', left: policy.keepLast, bucket: () => '', last: null });
  if (policy.keepDaily) rules.push({ name: 'daily', left: policy.keepDaily, bucket: (t) => { const p = parts(t, tz); return `${p.y}-${pad(p.m)}-${pad(p.day)}`; }, last: null });
  if (policy.keepWeekly) rules.push({ name: 'weekly', left: policy.keepWeekly, bucket: (t) => { const p = parts(t, tz); return isoWeek(p.y, p.m, p.day); }, last: null });
  if (policy.keepMonthly) rules.push({ name: 'monthly', left: policy.keepMonthly, bucket: (t) => { const p = parts(t, tz); return `${p.y}-${pad(p.m)}`; }, last: null });
  if (!rules.length) return { keep: sorted.map((r) => ({ id: r.id, reasons: ['no policy'] })), remove: [] };
  const decision: RetentionDecision = { keep: [], remove: [] };
  for (const run of sorted) {
    const reasons: string[] = [];
    for (const rule of rules) {
      if (rule.left <= 0) continue;
      // keepLast: every run is its own bucket
      const b = rule.name === 'last' ? run.id : rule.bucket(run.time);
      if (b !== rule.last) {
        rule.last = b;
        rule.left--;
        reasons.push(rule.name);
      }
    }
    if (reasons.length) decision.keep.push({ id: run.id, reasons });
    else decision.remove.push(run.id);
  }
  return decision;
}
