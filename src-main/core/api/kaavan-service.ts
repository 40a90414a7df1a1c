// The one implementation of KaavanService. Transports call it through methods.ts (validated input).
import type { ChannelInfo, CheckDetail, CheckSeries, KaavanEvent, KaavanService, SecretInfo, SeriesRange, ServiceInfo, ValidationResult } from './service.js';
import type { AlertChannel } from '../alerts/channel.js';
import { channelSecretRefs, describeChannel, sendTest } from '../alerts/channel-config.js';
import type { AuditEntry, CheckResult, CheckView, KaavanHealth, Overview } from '../model.js';
import type { SelfHealth } from '../health/self-health.js';
import type { CheckConfig, KaavanConfig, Settings } from '../config/schema.js';
import { targetSchema } from '../config/schema.js';
import { KaavanError, formatPath, type FieldIssue } from './errors.js';
import type { ConfigManager } from '../config/config-manager.js';
import { validateCheck, validateConfig } from '../config/validate.js';
import type { MonitorEngine } from '../engine/monitor-engine.js';
import type { AlertManager } from '../alerts/alert-manager.js';
import type { Store } from '../store/store.js';
import type { SecretStore } from '../secrets/secrets.js';
import { checkKinds } from '../checks/registry.js';
import { checkPageFacts, checkSeriesFromStore } from './check-pages.js';
import { DashboardActions } from './dashboard-actions.js';
import { exportConfig as exportConfigFile, importConfig as importConfigFile } from './config-transfer.js';
import type { HealCoordinator } from '../healing/heal-coordinator.js';
import { IncidentMethods } from './incident-methods.js';
import { kindInfo } from '../checks/form.js';
import { acceptFilesBaseline, hostDetail, offeredHostKey, saveTargetSsh, statusReport, trustHostKey, type HostMethodDeps } from './host-methods.js';
import type { BackupService } from '../backup/backup-service.js';
import { validateBackupJobInput } from '../backup/job-config.js';
import type { BackupJobView, BackupRunView } from './service.js';
import { derivedCheck } from './derived-checks.js';

export const KAAVAN_VERSION = '0.1.0';

export interface ServiceDeps {
  mode: 'electron' | 'headless';
  dataDir: string;
  config: ConfigManager;
  engine: MonitorEngine;
  alerts: AlertManager;
  store: Store;
  secrets: SecretStore;
  events: EventHub;
  health: SelfHealth;
  now: () => number;
  /** A fresh channel by name (configured or built in), for "Send test"; null when there is none. */
  channelFor?: (name: string) => AlertChannel | null;
  // --- Dependencies added by later issues (dashboard, hosts, incident response, backups). ---
  /** Incident response (issue 8): the heal coordinator and a way to wake the delivery lanes. */
  healing?: HealCoordinator;
  deliveryLanes?: { names: () => string[]; kick: () => void };
  /** Backup jobs and runs (issue 9): runs, schedules, catalog, progress. */
  backups?: BackupService;

}

/** Fan-out of service events; a throwing listener cannot break the others. */
export class EventHub {
  private readonly listeners = new Set<(event: KaavanEvent) => void>();

  subscribe(listener: (event: KaavanEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: KaavanEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken subscriber (a closed socket, a destroyed window) must not affect the rest.
      }
    }
  }
}

function invalid(message: string, issues: FieldIssue[]): KaavanError {
  return new KaavanError('invalid_input', message, issues);
}

export class KaavanServiceImpl implements KaavanService {
  private readonly incident: IncidentMethods;

  constructor(private readonly deps: ServiceDeps) {
    this.incident = new IncidentMethods({
      store: deps.store,
      now: deps.now,
      config: () => deps.config.current,
      channelNames: () => deps.deliveryLanes?.names() ?? [],
      kickDelivery: () => deps.deliveryLanes?.kick(),
      ...(deps.healing ? { healing: deps.healing } : {}),
      checkIdOf: (target, check) => deps.engine.findCheck(target, check)?.id ?? null,
      audit: (action, subject, detail) => this.audit(action, subject, detail),
      onAlertChanged: () => deps.engine.markDirty(),
    });
  }

  async info(): Promise<ServiceInfo> {
    return {
      version: KAAVAN_VERSION,
      mode: this.deps.mode,
      configLocation: this.deps.config.store.location,
      dataDir: this.deps.dataDir,
      checkKinds: checkKinds.map((k) => kindInfo(k)),
    };
  }

  async overview(): Promise<Overview> {
    return this.deps.engine.overview();
  }

  async health(): Promise<KaavanHealth> {
    return this.deps.health.snapshot();
  }

  async checkHistory(input: { target: string; check: string; sinceMs?: number; limit?: number }) {
    const runtime = this.deps.engine.findCheck(input.target, input.check);
    if (!runtime) throw new KaavanError('not_found', `no check "${input.check}" in target "${input.target}"`);
    const since = input.sinceMs ?? this.deps.now() - 24 * 3_600_000;
    return this.deps.store.results.history(runtime.id, since, input.limit ?? 2000);
  }

  async listAlerts(input: Parameters<KaavanService['listAlerts']>[0]) {
    return this.deps.store.alerts.list(input);
  }

  async alertDetail(input: { id: number }) {
    const alert = this.deps.store.alerts.get(input.id);
    if (!alert) throw new KaavanError('not_found', `no alert with id ${input.id}`);
    return { alert, events: this.deps.store.alerts.events(input.id) };
  }

  async acknowledgeAlert(input: { id: number; note?: string }) {
    const alert = this.deps.alerts.acknowledge(input.id, input.note?.trim() || null);
    this.audit('alert.acknowledge', `${alert.target} / ${alert.check}`, { alert: alert.id, note: input.note ?? null });
    this.deps.engine.markDirty();
    return alert;
  }

  async resolveAlert(input: { id: number; note?: string }) {
    const alert = this.deps.alerts.resolve(input.id, input.note?.trim() || null);
    this.audit('alert.resolve', `${alert.target} / ${alert.check}`, { alert: alert.id, note: input.note ?? null });
    this.deps.engine.markDirty();
    return alert;
  }

  async getConfig(): Promise<KaavanConfig> {
    return structuredClone(this.deps.config.current);
  }

  async validateConfig(input: { config: unknown }): Promise<ValidationResult> {
    const result = validateConfig(input.config);
    return { ok: result.ok, issues: result.issues };
  }

  async replaceConfig(input: { config: unknown }): Promise<KaavanConfig> {
    const result = validateConfig(input.config);
    if (!result.ok) throw invalid('the configuration is not valid', result.issues);
    const saved = await this.deps.config.update(() => result.value);
    this.audit('config.replace', 'configuration', { targets: saved.targets?.length ?? 0 });
    return saved;
  }

  async saveTarget(input: { originalName?: string; target: { name: string; tags?: string[] } }): Promise<KaavanConfig> {
    const current = this.deps.config.current.targets ?? [];
    const original = input.originalName ? current.find((t) => t.name === input.originalName) : undefined;
    if (input.originalName && !original) throw new KaavanError('not_found', `no target named "${input.originalName}"`);
    // Fields the form does not edit (ssh, checks) are kept as they are.
    const candidate = { ...(original ?? {}), name: input.target.name, tags: input.target.tags ?? [], checks: original?.checks ?? [] };
    const parsed = targetSchema.safeParse(candidate);
    if (!parsed.success) {
      throw invalid('the target is not valid', parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
    }
    const name = parsed.data.name;
    if (name !== input.originalName && current.some((t) => t.name === name)) {
      throw invalid(`a target named "${name}" already exists`, [{ path: 'name', message: `a target named "${name}" already exists` }]);
    }
    if (original && input.originalName !== name) this.deps.engine.expectRename({ kind: 'target', from: input.originalName!, to: name });
    const saved = await this.deps.config.update((draft) => {
      draft.targets ??= [];
      const next = { ...parsed.data, tags: parsed.data.tags?.length ? parsed.data.tags : undefined };
      if (!next.tags) delete next.tags;
      if (original) {
        const index = draft.targets.findIndex((t) => t.name === input.originalName);
        draft.targets[index] = next;
      } else {
        draft.targets.push(next);
      }
    });
    this.audit(original ? 'target.update' : 'target.add', name, original && input.originalName !== name ? { renamedFrom: input.originalName } : {});
    return saved;
  }

  async removeTarget(input: { name: string }): Promise<KaavanConfig> {
    if (!(this.deps.config.current.targets ?? []).some((t) => t.name === input.name)) {
      throw new KaavanError('not_found', `no target named "${input.name}"`);
    }
    const saved = await this.deps.config.update((draft) => {
      draft.targets = (draft.targets ?? []).filter((t) => t.name !== input.name);
    });
    this.audit('target.remove', input.name, {});
    return saved;
  }

  async validateCheck(input: { check: unknown }): Promise<ValidationResult> {
    const result = validateCheck(input.check);
    return { ok: result.ok, issues: result.issues };
  }

  async saveCheck(input: { target: string; originalName?: string; check: unknown }): Promise<KaavanConfig> {
    const target = (this.deps.config.current.targets ?? []).find((t) => t.name === input.target);
    if (!target) throw new KaavanError('not_found', `no target named "${input.target}"`);
    const result = validateCheck(input.check);
    if (!result.ok) throw invalid('the check is not valid', result.issues);
    const check: CheckConfig = result.value;
    const checks = target.checks ?? [];
    if (input.originalName && !checks.some((c) => c.name === input.originalName)) {
      throw new KaavanError('not_found', `no check "${input.originalName}" in target "${input.target}"`);
    }
    if (check.name !== input.originalName && checks.some((c) => c.name === check.name)) {
      const message = `a check named "${check.name}" already exists in "${input.target}"`;
      throw invalid(message, [{ path: 'name', message }]);
    }
    if (input.originalName && input.originalName !== check.name) {
      this.deps.engine.expectRename({ kind: 'check', target: input.target, from: input.originalName, to: check.name });
    }
    const saved = await this.deps.config.update((draft) => {
      const t = draft.targets!.find((x) => x.name === input.target)!;
      t.checks ??= [];
      if (input.originalName) t.checks[t.checks.findIndex((c) => c.name === input.originalName)] = check;
      else t.checks.push(check);
    });
    this.audit(input.originalName ? 'check.update' : 'check.add', `${input.target} / ${check.name}`, { kind: check.kind });
    return saved;
  }

  async removeCheck(input: { target: string; check: string }): Promise<KaavanConfig> {
    const target = (this.deps.config.current.targets ?? []).find((t) => t.name === input.target);
    if (!target?.checks?.some((c) => c.name === input.check)) {
      throw new KaavanError('not_found', `no check "${input.check}" in target "${input.target}"`);
    }
    const saved = await this.deps.config.update((draft) => {
      const t = draft.targets!.find((x) => x.name === input.target)!;
      t.checks = (t.checks ?? []).filter((c) => c.name !== input.check);
    });
    this.audit('check.remove', `${input.target} / ${input.check}`, {});
    return saved;
  }

  async updateSettings(input: Settings): Promise<KaavanConfig> {
    const saved = await this.deps.config.update((draft) => {
      draft.settings = { ...(draft.settings ?? {}), ...input };
    });
    this.audit('settings.update', 'settings', { ...input });
    return saved;
  }

  async setPaused(input: { paused: boolean }): Promise<Overview> {
    this.deps.engine.setPaused(input.paused);
    this.audit(input.paused ? 'monitoring.pause' : 'monitoring.resume', 'monitoring', {});
    return this.deps.engine.overview();
  }

  async runCheckNow(input: { target: string; check: string }): Promise<CheckResult> {
    const result = await this.deps.engine.runNow(input.target, input.check);
    this.audit('check.run', `${input.target} / ${input.check}`, { status: result.status });
    return result;
  }

  async listSecrets(): Promise<SecretInfo[]> {
    return this.deps.secrets.list();
  }

  async setSecret(input: { name: string; value: string }): Promise<SecretInfo> {
    const info = await this.deps.secrets.set(input.name, input.value);
    this.audit('secret.set', input.name, {});
    return info;
  }

  async deleteSecret(input: { name: string }): Promise<{ deleted: boolean }> {
    const deleted = await this.deps.secrets.delete(input.name);
    this.audit('secret.delete', input.name, { deleted });
    return { deleted };
  }

  async listAudit(input: { limit?: number }): Promise<AuditEntry[]> {
    return this.deps.store.audit.list(input.limit ?? 200);
  }

  async listChannels(): Promise<ChannelInfo[]> {
    const configured = this.deps.config.current.channels ?? [];
    if (configured.length === 0) {
      const builtIn = ['console', 'desktop'].map((name) => this.deps.channelFor?.(name)).filter((c): c is AlertChannel => !!c);
      return builtIn.map((c) => ({ name: c.name, kind: c.name, describe: c.name === 'console' ? 'the server log' : 'notifications on this computer', builtIn: true, enabled: true, secrets: [] }));
    }
    return Promise.all(
      configured.map(async (entry) => ({
        name: entry.name,
        kind: entry.kind,
        describe: describeChannel(entry),
        builtIn: false,
        enabled: entry.enabled !== false,
        secrets: await Promise.all(
          channelSecretRefs(entry).map(async (ref) => ({ name: ref, set: (await this.deps.secrets.get(ref).catch(() => null)) !== null })),
        ),
      })),
    );
  }

  async testChannel(input: { name: string }) {
    const channel = this.deps.channelFor?.(input.name) ?? null;
    if (!channel) throw new KaavanError('not_found', `no channel named "${input.name}"`);
    const result = await sendTest(channel, { now: this.deps.now });
    this.audit('channel.test', input.name, { ok: result.ok });
    return result;
  }

  // --- Dashboard (issue 6). ---
  // SEAM: placeholders replaced by the dashboard work in this same session.
  async checkDetail(input: { id: number }): Promise<CheckDetail> {
    const view = this.checkView(input.id);
    const doc = this.deps.config.current;
    const own = (doc.targets ?? []).find((t) => t.name === view.target)?.checks?.find((c) => c.name === view.name);
    // A backup job's check is not in the file: its settings as run, marked read-only.
    const derived = own ? null : derivedCheck(doc, view.target, view.name);
    const config = own ? structuredClone(own) : derived?.config;
    if (!config) throw new KaavanError('not_found', `no check with id ${input.id}`);
    return { view, config, derivedFrom: derived ? { backupJob: derived.backupJob } : null, ...checkPageFacts(this.deps.store, view.id, this.deps.now(), view.retries) };
  }

  async checkSeries(input: { id: number; range: SeriesRange }): Promise<CheckSeries> {
    const view = this.checkView(input.id);
    return checkSeriesFromStore(this.deps.store, view.id, input.range, this.deps.now(), view.intervalMs);
  }

  private checkView(id: number): CheckView {
    for (const target of this.deps.engine.overview().targets) {
      const view = target.checks.find((c) => c.id === id);
      if (view) return view;
    }
    throw new KaavanError('not_found', `no check with id ${id} (it may have been removed)`);
  }

  setEnabled(input: { checkIds?: number[]; targetIds?: number[]; enabled: boolean }): Promise<KaavanConfig> {
    return this.dashboardActions.setEnabled(input);
  }

  cloneCheck(input: { id: number }) {
    return this.dashboardActions.cloneCheck(input);
  }

  removeChecks(input: { ids: number[] }): Promise<KaavanConfig> {
    return this.dashboardActions.removeChecks(input);
  }

  acknowledgeAlerts(input: { ids: number[]; note?: string }) {
    return this.dashboardActions.acknowledgeAlerts(input);
  }

  private get dashboardActions(): DashboardActions {
    return (this.dashboardActionsInstance ??= new DashboardActions(this.deps));
  }

  private dashboardActionsInstance: DashboardActions | null = null;

  async exportConfig(input: { format: 'yaml' | 'json' }) {
    return exportConfigFile(this.deps.config, input.format);
  }

  async importConfig(input: { text: string; fileName: string }) {
    const imported = await importConfigFile(this.deps.config, input);
    this.audit('config.replace', 'configuration', { targets: imported.config.targets?.length ?? 0, file: input.fileName, keptComments: imported.keptComments });
    return imported;
  }

  // --- Hosts (issue 7). ---
  async hostKeyOffer(input: { target?: string; host?: string; port?: number }) {
    return offeredHostKey(this.hostDeps(), input);
  }

  async trustHostKey(input: { target: string; fingerprint: string }) {
    return trustHostKey(this.hostDeps(), input);
  }

  async saveTargetSsh(input: { target: string; ssh: unknown }) {
    return saveTargetSsh(this.hostDeps(), input);
  }

  async acceptBaseline(input: { id: number }) {
    return acceptFilesBaseline(this.hostDeps(), input);
  }

  async hostDetail(input: { targetId: number }) {
    return hostDetail(this.hostDeps(), input);
  }

  async statusReport(input: { sinceMs?: number }) {
    return statusReport(this.hostDeps(), input);
  }

  private hostDeps(): HostMethodDeps {
    const { config, engine, store, secrets, now } = this.deps;
    return { config, engine, store, secrets, now, audit: (action, subject, detail) => this.audit(action, subject, detail) };
  }

  // --- Incident response (issue 8). Logic in incident-methods.ts. ---
  async silenceAlert(input: { id: number; forMs: number; note?: string }) {
    return this.incident.silenceAlert(input);
  }

  async alertHistory(input: Parameters<KaavanService['alertHistory']>[0]) {
    return this.incident.alertHistory(input);
  }

  async exportAlertsCsv(input: Parameters<KaavanService['exportAlertsCsv']>[0]) {
    return this.incident.exportAlertsCsv(input);
  }

  async deliveryQueue(input: Parameters<KaavanService['deliveryQueue']>[0]) {
    return this.incident.deliveryQueue(input);
  }

  async retryDelivery(input: { id: number }) {
    return this.incident.retryDelivery(input);
  }

  async previewRoute(input: Parameters<KaavanService['previewRoute']>[0]) {
    return this.incident.previewRoute(input);
  }

  async healStatus() {
    return this.incident.healStatus();
  }

  async searchAudit(input: Parameters<KaavanService['searchAudit']>[0]) {
    return this.incident.searchAudit(input);
  }

  // --- Backups (issue 9). The work is in backup/backup-service.ts and backup/job-config.ts. ---
  private get backups(): BackupService {
    if (!this.deps.backups) throw new KaavanError('unavailable', 'backups are not available here');
    return this.deps.backups;
  }

  async listBackupJobs(): Promise<BackupJobView[]> {
    return this.backups.jobs();
  }

  async listBackupRuns(input: { job?: string; limit?: number }): Promise<BackupRunView[]> {
    return this.backups.runs(input);
  }

  async runBackup(input: { job: string; type?: 'full' | 'incremental' | 'intelligent' }): Promise<{ runId: string }> {
    return this.backups.run(input.job, { ...(input.type ? { type: input.type } : {}), trigger: 'user' });
  }

  async cancelBackup(input: { runId: string }): Promise<{ cancelled: boolean }> {
    return this.backups.cancel(input.runId);
  }

  async verifyBackupRun(input: { job: string; runId: string }) {
    return this.backups.verify(input.job, input.runId);
  }

  async validateBackupJob(input: { job: unknown }): Promise<ValidationResult> {
    const others = (this.deps.config.current.backups ?? []).map((j) => j.name);
    const original = input.job && typeof input.job === 'object' ? (input.job as { name?: unknown }).name : undefined;
    // The form validates as the user types: the job's own current name is not a conflict.
    const result = validateBackupJobInput(input.job, others.filter((n) => n !== original), this.deps.config.current.targets ?? []);
    return { ok: result.ok, issues: result.issues };
  }

  async saveBackupJob(input: { originalName?: string; job: unknown }): Promise<KaavanConfig> {
    const current = this.deps.config.current.backups ?? [];
    if (input.originalName && !current.some((j) => j.name === input.originalName)) throw new KaavanError('not_found', `no backup job named "${input.originalName}"`);
    const result = validateBackupJobInput(input.job, current.map((j) => j.name).filter((n) => n !== input.originalName), this.deps.config.current.targets ?? []);
    if (!result.ok) throw invalid('the backup job is not valid', result.issues);
    const job = result.value;
    const saved = await this.deps.config.update((draft) => {
      draft.backups ??= [];
      const index = input.originalName ? draft.backups.findIndex((j) => j.name === input.originalName) : -1;
      if (index >= 0) draft.backups[index] = job;
      else draft.backups.push(job);
    });
    this.audit(input.originalName ? 'backup.job.update' : 'backup.job.add', job.name, input.originalName && input.originalName !== job.name ? { renamedFrom: input.originalName } : {});
    return saved;
  }

  async removeBackupJob(input: { name: string }): Promise<KaavanConfig> {
    if (!(this.deps.config.current.backups ?? []).some((j) => j.name === input.name)) throw new KaavanError('not_found', `no backup job named "${input.name}"`);
    const saved = await this.deps.config.update((draft) => {
      draft.backups = (draft.backups ?? []).filter((j) => j.name !== input.name);
      if (draft.backups.length === 0) delete draft.backups;
    });
    this.audit('backup.job.remove', input.name, {});
    return saved;
  }

  subscribe(listener: (event: KaavanEvent) => void): () => void {
    return this.deps.events.subscribe(listener);
  }

  private audit(action: string, subject: string, detail: Record<string, unknown>): void {
    this.deps.store.audit.record({ at: this.deps.now(), actor: 'user', action, subject, detail });
  }
}
