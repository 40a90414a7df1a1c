// Each backup job is also a monitored check: the engine reconciles the configuration with one
// `backup` check per job added to a target named "Backups" (category "backups" for the health score).
// The checks are derived, never written to the user's file; the job's name is the check's name, so
// renaming a job is renaming its check.
import type { KaavanConfig, TargetConfig } from '../config/schema.js';
import { nameKey } from '../config/fields.js';

export const BACKUP_TARGET = 'Backups';

/** How often a job's check is judged (runs finishing also judge it at once). */
const BACKUP_CHECK_INTERVAL = '1m';

type Check = NonNullable<TargetConfig['checks']>[number];

export function backupChecks(doc: KaavanConfig): Check[] {
  return (doc.backups ?? []).map((job) => ({
    name: job.name,
    kind: 'backup' as const,
    job: job.name,
    interval: BACKUP_CHECK_INTERVAL,
    timeout: '10s',
    // The judgement already waits (stuck after minutes, overdue after two periods): no retries on top.
    retries: 0,
    category: 'backups',
  }));
}

/** The document the monitor engine runs: the user's, plus the backup checks. */
export function withBackupChecks(doc: KaavanConfig): KaavanConfig {
  const checks = backupChecks(doc);
  if (checks.length === 0) return doc;
  const targets = doc.targets ?? [];
  const index = targets.findIndex((t) => nameKey(t.name) === nameKey(BACKUP_TARGET));
  if (index < 0) return { ...doc, targets: [...targets, { name: BACKUP_TARGET, checks }] };
  // A target of that name already exists: the job checks join it, its own checks keep their names.
  const own = targets[index]!;
  const taken = new Set((own.checks ?? []).map((c) => nameKey(c.name)));
  const merged = { ...own, checks: [...(own.checks ?? []), ...checks.filter((c) => !taken.has(nameKey(c.name)))] };
  return { ...doc, targets: targets.map((t, i) => (i === index ? merged : t)) };
}
