// Checks the engine runs that are not in the user's file: each backup job's check under the target
// "Backups" (backup/backup-checks.ts). The per-check page shows them like any other, read-only, and
// the dashboard's actions refuse them with a message saying where to change them instead.
import type { CheckConfig, KaavanConfig } from '../config/schema.js';
import { withBackupChecks } from '../backup/backup-checks.js';
import { KaavanError } from './errors.js';

export interface DerivedCheck {
  /** The check's settings as the engine runs them. */
  config: CheckConfig;
  /** The backup job it is made from. */
  backupJob: string;
}

const userCheck = (doc: KaavanConfig, target: string, name: string) => (doc.targets ?? []).find((t) => t.name === target)?.checks?.find((c) => c.name === name);

/** The derived check target/name, or null when the user's file has it (or nobody does). */
export function derivedCheck(doc: KaavanConfig, target: string, name: string): DerivedCheck | null {
  if (userCheck(doc, target, name)) return null;
  const check = (withBackupChecks(doc).targets ?? []).find((t) => t.name === target)?.checks?.find((c) => c.name === name);
  if (!check || check.kind !== 'backup') return null;
  return { config: structuredClone(check), backupJob: (check as { job: string }).job };
}

/** A target the engine runs that the user's file does not have (the "Backups" target of the jobs). */
export function isDerivedTarget(doc: KaavanConfig, target: string): boolean {
  return !(doc.targets ?? []).some((t) => t.name === target) && (withBackupChecks(doc).targets ?? []).some((t) => t.name === target);
}

/**
 * Refuses `action` ("pause", "delete") on derived checks and targets with one message naming them
 * and where to change them instead.
 */
export function refuseDerived(doc: KaavanConfig, action: string, checks: ReadonlyArray<{ target: string; name: string }>, targets: ReadonlyArray<string> = []): void {
  const parts = [
    ...targets.filter((t) => isDerivedTarget(doc, t)).map((t) => `the target "${t}" is made from the backup jobs`),
    ...checks.flatMap((c) => {
      const d = derivedCheck(doc, c.target, c.name);
      return d ? [`"${c.target} / ${c.name}" is the check of backup job "${d.backupJob}"`] : [];
    }),
  ];
  if (parts.length === 0) return;
  throw new KaavanError('conflict', `cannot ${action}: ${parts.join('; ')}, not part of the configuration file; change backup jobs on the Backups page instead`);
}
