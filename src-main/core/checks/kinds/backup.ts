// The backup check: a backup job watched like any other check (docs/config.md, "Backups"). Every job
// of the `backups:` section gets one automatically (target "Backups", category "backups"), so a
// stuck, failed, overdue, suspiciously small or fast, or unverifiable backup raises an alert and
// counts in the health score. The judgement is backup/assess.ts; the status comes from the backup
// service through the probe context (the app and `kaavan serve`; `check --once` has no runs to judge).
import { z } from 'zod';
import { defineCheckKind } from '../types.js';
import { assessBackupJob } from '../../backup/assess.js';

export const backupParamsShape = {
  job: z.string().trim().min(1, 'the name of a job in the backups section').max(64, 'at most 64 characters'),
};

export const backupCheck = defineCheckKind({
  kind: 'backup',
  title: 'Backup job',
  paramsShape: backupParamsShape,
  form: { fields: [{ path: 'job', label: 'Backup job', type: 'text', required: true, placeholder: 'nightly', help: 'The name of a job in the backups section (each job already has a check under “Backups”).' }] },
  describe: (params) => `backup job ${params.job}`,
  async probe(params, ctx) {
    if (!ctx.backups) return { status: 'degraded', latencyMs: null, message: 'backup runs are only known to the app and kaavan serve' };
    const status = ctx.backups.status(params.job);
    if (!status) return { status: 'down', latencyMs: null, message: `no backup job named "${params.job}" in the backups section` };
    return assessBackupJob(status, ctx.now());
  },
});
