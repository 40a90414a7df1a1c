// The one service API of Kaavan. Implemented once (kaavan-service.ts); exposed by two transports:
// Electron IPC (src-main/shell/ipc.ts + src-preload) and the headless HTTP/WebSocket server
// (src-main/headless/server.ts). The renderer talks to it through src-renderer/src/client.
// Inputs are validated in one place (methods.ts) before they reach an implementation.
import type {
  Alert,
  AlertEvent,
  AlertState,
  AuditEntry,
  CheckResult,
  CheckStatus,
  CheckView,
  KaavanHealth,
  Overview,
  OverviewSummary,
  ResultPoint,
  Severity,
} from '../model.js';
import type { CheckConfig, KaavanConfig, Settings, TargetConfig } from '../config/schema.js';
import type { FieldIssue } from './errors.js';
import type { AlertHistoryQuery } from '../store/alerts-repo.js';
import type { AuditFilter } from '../store/audit-repo.js';
import type { NoticeKind } from '../alerts/channel.js';
import type { RoutePreview } from '../alerts/routing.js';
import type { HealStatus } from '../healing/heal-coordinator.js';
import type { AlertHistoryPage, DeliveryQueue } from './incident-methods.js';
import type { CheckKindInfo } from '../checks/form.js';
import type { HostDetail, HostKeyOffer } from './host-methods.js';
import type { StatusReport } from '../report/report.js';

export interface ValidationResult {
  ok: boolean;
  issues: FieldIssue[];
}

export interface AlertFilter {
  state?: AlertState | 'active';
  severity?: Severity;
  target?: string;
  limit?: number;
}

export interface ServiceInfo {
  version: string;
  /** "electron" or "headless": lets the UI hide settings that only one mode has. */
  mode: 'electron' | 'headless';
  /** Where the configuration lives (a file path, or "app settings"). */
  configLocation: string;
  dataDir: string;
  /** Every check kind with its form description (checks/form.ts): the UI renders forms from it. */
  checkKinds: CheckKindInfo[];
}

export interface ChannelInfo {
  name: string;
  kind: string;
  /** "ops@example.com via smtp.example.com:587 (starttls)". */
  describe: string;
  /** A default of the app or serve, not from the config. */
  builtIn: boolean;
  enabled: boolean;
  /** Secrets the channel needs and whether each is set (never their values). */
  secrets: Array<{ name: string; set: boolean }>;
}

export interface SecretInfo {
  name: string;
  /** Where the value was found. */
  source: 'keychain' | 'env';
}

/** Everything the UI (or a script) can ask of Kaavan. All methods take at most one object argument. */
export interface KaavanService {
  info(): Promise<ServiceInfo>;
  overview(): Promise<Overview>;
  /** Kaavan's own health (store, descriptors, delivery backlog): never a watched server's. */
  health(): Promise<KaavanHealth>;
  checkHistory(input: { target: string; check: string; sinceMs?: number; limit?: number }): Promise<ResultPoint[]>;

  listAlerts(input: AlertFilter): Promise<Alert[]>;
  alertDetail(input: { id: number }): Promise<{ alert: Alert; events: AlertEvent[] }>;
  acknowledgeAlert(input: { id: number; note?: string }): Promise<Alert>;
  resolveAlert(input: { id: number; note?: string }): Promise<Alert>;

  getConfig(): Promise<KaavanConfig>;
  /** Validates a whole document without saving it. */
  validateConfig(input: { config: unknown }): Promise<ValidationResult>;
  /** Replaces the whole document (import). Rejects with invalid_input and field issues. */
  replaceConfig(input: { config: unknown }): Promise<KaavanConfig>;
  /** Adds a target, or updates the one named `originalName` (renaming it when names differ). */
  saveTarget(input: { originalName?: string; target: { name: string; tags?: string[] } }): Promise<KaavanConfig>;
  removeTarget(input: { name: string }): Promise<KaavanConfig>;
  /** Adds a check to `target`, or updates the one named `originalName`. Issue paths are relative to the check. */
  saveCheck(input: { target: string; originalName?: string; check: unknown }): Promise<KaavanConfig>;
  removeCheck(input: { target: string; check: string }): Promise<KaavanConfig>;
  /** Validates one check (for inline form errors); paths relative to the check. */
  validateCheck(input: { check: unknown }): Promise<ValidationResult>;
  updateSettings(input: Settings): Promise<KaavanConfig>;

  setPaused(input: { paused: boolean }): Promise<Overview>;
  runCheckNow(input: { target: string; check: string }): Promise<CheckResult>;

  listSecrets(): Promise<SecretInfo[]>;
  /** The value is written to the keychain; it never comes back through any method. */
  setSecret(input: { name: string; value: string }): Promise<SecretInfo>;
  deleteSecret(input: { name: string }): Promise<{ deleted: boolean }>;

  listAudit(input: { limit?: number }): Promise<AuditEntry[]>;

  /** The channels notices go to: configured ones, or the built-in defaults when none are. */
  listChannels(): Promise<ChannelInfo[]>;
  /** Sends a test notice through one channel now; the server's exact answer on failure. */
  testChannel(input: { name: string }): Promise<{ ok: true; answer: string } | { ok: false; error: string }>;

  // --- Dashboard (issue 6): per-check and per-target pages, series, pause, clone, bulk actions. ---
  /** Everything the per-check page shows except the chart. */
  checkDetail(input: { id: number }): Promise<CheckDetail>;
  /** Latency and status over a range, from results (1 h), minute roll-ups (24 h, 7 d) or hour roll-ups (30 d, 1 y). */
  checkSeries(input: { id: number; range: SeriesRange }): Promise<CheckSeries>;
  /** Pauses (enabled: false) or resumes checks and whole targets by id, in one configuration write. */
  setEnabled(input: { checkIds?: number[]; targetIds?: number[]; enabled: boolean }): Promise<KaavanConfig>;
  /** Copies a check within its target under a free name ("homepage (copy)"). */
  cloneCheck(input: { id: number }): Promise<{ config: KaavanConfig; target: string; name: string }>;
  /** Removes checks by id in one configuration write. */
  removeChecks(input: { ids: number[] }): Promise<KaavanConfig>;
  /** Acknowledges many alerts at once (bulk action on the dashboard). */
  acknowledgeAlerts(input: { ids: number[]; note?: string }): Promise<Alert[]>;
  /** The whole configuration as a file; YAML is the config file as written (comments too) when it is a YAML file in step. */
  exportConfig(input: { format: 'yaml' | 'json' }): Promise<{ fileName: string; text: string; asWritten: boolean }>;
  /** Replaces the whole configuration from a file's text; a YAML file imported into a YAML config keeps its comments. */
  importConfig(input: { text: string; fileName: string }): Promise<{ config: KaavanConfig; keptComments: boolean }>;

  // --- Hosts (issue 7): health score, host keys, baselines, maintenance, reports. ---
  /** The host key a server offers (a target's, or host:port from the form), beside the pinned one. */
  hostKeyOffer(input: { target?: string; host?: string; port?: number }): Promise<HostKeyOffer>;
  /** Pins `fingerprint` as the target's hostKey, if the server still offers exactly that key. */
  trustHostKey(input: { target: string; fingerprint: string }): Promise<KaavanConfig>;
  /** Sets a target's SSH connection, or removes it with null (host-level checks then run on this computer). */
  saveTargetSsh(input: { target: string; ssh: unknown }): Promise<KaavanConfig>;
  /** "Accept current state": the files check's current files become its baseline. */
  acceptBaseline(input: { id: number }): Promise<{ files: number; unreadable: string[] }>;
  /** The host panel of a target page: system gauges, disk trends, file diffs, log lines. */
  hostDetail(input: { targetId: number }): Promise<HostDetail>;
  /** The status report over [sinceMs, now] (default: the last 24 h). */
  statusReport(input: { sinceMs?: number }): Promise<StatusReport>;

  // --- Incident response (issue 8): silences, delivery queue, audit filters, routes, healing. ---
  /** Holds an alert's reminders back for `forMs` (0 lifts the silence); the recovery is always sent. */
  silenceAlert(input: { id: number; forMs: number; note?: string }): Promise<Alert>;
  /** A page of the alert history: full-text search, time range and filters, newest first. */
  alertHistory(input: AlertHistoryQuery): Promise<AlertHistoryPage>;
  /** The alerts a history query matches as CSV text (at most 100,000 rows). */
  exportAlertsCsv(input: Omit<AlertHistoryQuery, 'offset' | 'limit'>): Promise<{ csv: string; rows: number; truncated: boolean }>;
  /** Undelivered notices (pending and failed) per channel, with attempts, last error and next attempt. */
  deliveryQueue(input: { channel?: string; state?: 'pending' | 'failed'; limit?: number }): Promise<DeliveryQueue>;
  /** Makes one undelivered notice due now ("Retry now"). */
  retryDelivery(input: { id: number }): Promise<{ channel: string }>;
  /** Where an alert on target/check with this severity and event would go (routes, quiet hours now, escalation). */
  previewRoute(input: { target: string; check: string; severity?: Severity; event?: NoticeKind }): Promise<RoutePreview>;
  /** Every configured heal: the exact action, its guards and the circuit breaker's state. */
  healStatus(): Promise<HealStatus[]>;
  /** The audit log filtered by action (or family: "alert"), subject, actor and time range. */
  searchAudit(input: AuditFilter): Promise<AuditEntry[]>;

  // --- Backups (issue 9): jobs, runs, progress, restore. ---
  listBackupJobs(): Promise<BackupJobView[]>;
  listBackupRuns(input: { job?: string; limit?: number }): Promise<BackupRunView[]>;
  /** Starts a run now (one per job at a time); progress comes as backup.progress events. */
  runBackup(input: { job: string; type?: 'full' | 'incremental' | 'intelligent' }): Promise<{ runId: string }>;
  cancelBackup(input: { runId: string }): Promise<{ cancelled: boolean }>;
  /** Re-reads a run from its destination and checks every hash. */
  verifyBackupRun(input: { job: string; runId: string }): Promise<{ ok: boolean; files: number; segments: number; problems: string[] }>;
  validateBackupJob(input: { job: unknown }): Promise<ValidationResult>;
  /** Adds a job, or updates the one named `originalName`. Issue paths are relative to the job. */
  saveBackupJob(input: { originalName?: string; job: unknown }): Promise<KaavanConfig>;
  removeBackupJob(input: { name: string }): Promise<KaavanConfig>;

  /** Subscribes to the event stream; returns the unsubscribe function. */
  subscribe(listener: (event: KaavanEvent) => void): () => void;
}

export type KaavanEvent =
  | { type: 'check.result'; result: CheckResult; status: CheckStatus }
  | { type: 'check.transition'; target: string; check: string; from: CheckStatus; to: CheckStatus; at: number; message: string }
  | { type: 'alert.opened' | 'alert.reminder' | 'alert.acknowledged' | 'alert.resolved'; alert: Alert; text: string }
  /** A full snapshot: sent when the set of targets/checks changes (and on request). */
  | { type: 'overview'; overview: Overview }
  /**
   * Per-check deltas, coalesced (at most every 150 ms): only the checks whose view changed, plus the
   * summary. Clients merge them by check id into the last snapshot.
   */
  | { type: 'checks.changed'; checks: CheckView[]; summary: OverviewSummary }
  | { type: 'health'; health: KaavanHealth }
  | { type: 'config.changed' }
  // --- Events added by later issues (one line each). ---
  | { type: 'backup.progress'; progress: BackupProgress }
  | { type: 'backup.finished'; run: BackupRunView };

export type SeriesRange = '1h' | '24h' | '7d' | '30d' | '1y';

/** One bucket of a check's series (one probe for 1 h; a minute or an hour of roll-ups otherwise). */
export interface SeriesPoint {
  at: number;
  up: number;
  degraded: number;
  down: number;
  meanMs: number | null;
  p95Ms: number | null;
}

export interface CheckSeries {
  id: number;
  range: SeriesRange;
  bucketMs: number;
  points: SeriesPoint[];
}

export interface CheckDetail {
  view: CheckView;
  /** The check as the configuration document has it (a derived check: its settings as run). */
  config: CheckConfig;
  /** Set for a check that is not in the file but made from a backup job: read-only here, edited on the Backups page. */
  derivedFrom: { backupJob: string } | null;
  uptime: { h24: number | null; d7: number | null; d30: number | null };
  transitions: Array<{ at: number; from: CheckStatus; to: CheckStatus; message: string }>;
  alerts: Alert[];
  /** The most recent probes, oldest first (the bar of recent probes). */
  recent: ResultPoint[];
}

export type BackupRunState = 'queued' | 'scanning' | 'archiving' | 'uploading' | 'verifying' | 'succeeded' | 'failed' | 'cancelled' | 'interrupted';

export interface BackupProgress {
  runId: string;
  job: string;
  state: BackupRunState;
  files: number;
  filesTotal: number;
  bytes: number;
  bytesTotal: number;
  storedBytes: number;
  rateBytesPerSec: number;
  etaMs: number | null;
}

export interface BackupRunView {
  id: string;
  job: string;
  kind: 'full' | 'incremental' | null;
  state: BackupRunState;
  startedAt: number;
  finishedAt: number | null;
  files: number;
  bytes: number;
  storedBytes: number;
  durationMs: number;
  warnings: number;
  error: string | null;
}

export interface BackupJobView {
  name: string;
  type: 'full' | 'incremental' | 'intelligent';
  /** The cron expression, or null when the job only runs on demand. */
  schedule: string | null;
  nextRunAt: number | null;
  /** "s3://bucket/prefix" or the local folder. */
  destination: string;
  encrypted: boolean;
  /** One line per source: a folder, "web1:/var/www", "postgres app". */
  sources: string[];
  lastRun: BackupRunView | null;
  lastSuccess: BackupRunView | null;
  running: BackupProgress | null;
}

export type { TargetConfig, CheckConfig };
