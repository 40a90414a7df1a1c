// Public API of the backup engine (docs/backup-format.md). The composition root creates one engine
// with createBackupEngine({ dataDir, secrets, now, logger }) and calls run/list/restore/verify/forget.
export { createBackupEngine, chooseKind } from './engine.js';
export type { BackupEngine, BackupEngineOptions, RunOptions, RunProgress, RunResult, VerifyResult, ForgetResult, SecretSource } from './engine.js';
export type { RestoreOptions, RestoreResult } from './restore.js';
export { backupJobSchema, destinationSchema, retentionSchema } from './job-schema.js';
export type { BackupJob, BackupDestination, BackupSource, RetentionConfig } from './job-schema.js';
export { applyRetention } from './retention.js';
export type { RetentionPolicy, RetentionDecision } from './retention.js';
export { RUN_STATES, isTerminal, transition, queuedRun } from './run-state-machine.js';
export type { RunState, RunStateRecord, RunTransition } from './run-state-machine.js';
export type { RunSummary, Manifest, ManifestEntry } from './manifest.js';
export { BackupError } from './errors.js';
export type { BackupErrorCode } from './errors.js';
