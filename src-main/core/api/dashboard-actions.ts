// Quick and bulk actions of the dashboard (pause/resume, clone, delete, acknowledge). Checks and
// targets are addressed by their stable ids; each bulk action is ONE configuration write (one
// reconcile, one file save) and ONE audit entry naming the checks, so 500 selected checks do not
// mean 500 saves or 500 audit rows.
import type { Alert } from '../model.js';
import type { CheckConfig, KaavanConfig } from '../config/schema.js';
import type { ConfigManager } from '../config/config-manager.js';
import type { MonitorEngine } from '../engine/monitor-engine.js';
import type { AlertManager } from '../alerts/alert-manager.js';
import type { Store } from '../store/store.js';
import { KaavanError } from './errors.js';
import { nameKey } from '../config/fields.js';
import { refuseDerived } from './derived-checks.js';

export interface DashboardActionDeps {
  config: ConfigManager;
  engine: MonitorEngine;
  alerts: AlertManager;
  store: Store;
  now: () => number;
}

/** Check labels by stable id, from the engine's live view (ids are what the dashboard holds). */
function labelsOf(engine: MonitorEngine): {
  checks: Map<number, { target: string; name: string }>;
  targets: Map<number, string>;
} {
  const checks = new Map<number, { target: string; name: string }>();
  const targets = new Map<number, string>();
  for (const target of engine.overview().targets) {
    targets.set(target.id, target.name);
    for (const check of target.checks) checks.set(check.id, { target: check.target, name: check.name });
  }
  return { checks, targets };
}

function unknownIds(kind: 'check' | 'target', ids: number[]): KaavanError {
  const list = ids.join(', ');
  return new KaavanError('not_found', ids.length === 1 ? `no ${kind} with id ${list}` : `no ${kind}s with ids ${list}`);
}

/** "web1 / homepage, web1 / api and 3 more": audit subjects stay one readable line. */
export function namesLine(names: string[], max = 5): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

/** A name not yet used in the target: "homepage (copy)", then "homepage (copy 2)", … within 64 characters. */
export function freeCopyName(name: string, taken: ReadonlyArray<string>): string {
  const used = new Set(taken.map(nameKey));
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? ' (copy)' : ` (copy ${n})`;
    const candidate = `${name.slice(0, 64 - suffix.length).trimEnd()}${suffix}`;
    if (!used.has(nameKey(candidate))) return candidate;
  }
}

export class DashboardActions {
  constructor(private readonly deps: DashboardActionDeps) {}

  async setEnabled(input: { checkIds?: number[]; targetIds?: number[]; enabled: boolean }): Promise<KaavanConfig> {
    const checkIds = [...new Set(input.checkIds ?? [])];
    const targetIds = [...new Set(input.targetIds ?? [])];
    if (checkIds.length === 0 && targetIds.length === 0) {
      throw new KaavanError('invalid_input', 'choose at least one check or target to pause or resume', [{ path: 'checkIds', message: 'choose at least one check or target' }]);
    }
    const labels = labelsOf(this.deps.engine);
    const missingChecks = checkIds.filter((id) => !labels.checks.has(id));
    if (missingChecks.length) throw unknownIds('check', missingChecks);
    const missingTargets = targetIds.filter((id) => !labels.targets.has(id));
    if (missingTargets.length) throw unknownIds('target', missingTargets);

    const checkNames = checkIds.map((id) => labels.checks.get(id)!);
    const targetNames = targetIds.map((id) => labels.targets.get(id)!);
    refuseDerived(this.deps.config.current, input.enabled ? 'resume' : 'pause', checkNames, targetNames);
    const saved = await this.deps.config.update((draft) => {
      for (const target of draft.targets ?? []) {
        if (targetNames.includes(target.name)) {
          // Resuming a whole target means every check in it runs again.
          if (input.enabled) {
            delete target.enabled;
            for (const check of target.checks ?? []) delete check.enabled;
          } else target.enabled = false;
        }
        for (const check of target.checks ?? []) {
          if (!checkNames.some((c) => c.target === target.name && c.name === check.name)) continue;
          if (input.enabled) {
            delete check.enabled;
            // A check cannot run inside a paused target: resuming the check resumes its target.
            if (target.enabled === false) delete target.enabled;
          } else check.enabled = false;
        }
      }
    });
    const subjects = [...targetNames.map((t) => `${t} (whole target)`), ...checkNames.map((c) => `${c.target} / ${c.name}`)];
    this.audit(input.enabled ? 'check.resume' : 'check.pause', namesLine(subjects), {
      checks: checkNames.map((c) => `${c.target} / ${c.name}`),
      targets: targetNames,
    });
    return saved;
  }

  async cloneCheck(input: { id: number }): Promise<{ config: KaavanConfig; target: string; name: string }> {
    const label = labelsOf(this.deps.engine).checks.get(input.id);
    if (!label) throw unknownIds('check', [input.id]);
    refuseDerived(this.deps.config.current, 'clone', [label]);
    const target = (this.deps.config.current.targets ?? []).find((t) => t.name === label.target);
    const original = target?.checks?.find((c) => c.name === label.name);
    if (!target || !original) throw unknownIds('check', [input.id]);
    const name = freeCopyName(original.name, (target.checks ?? []).map((c) => c.name));
    const copy: CheckConfig = { ...structuredClone(original), name };
    const config = await this.deps.config.update((draft) => {
      const t = draft.targets!.find((x) => x.name === label.target)!;
      const index = t.checks!.findIndex((c) => c.name === label.name);
      // Right after the original, so it is found next to it.
      t.checks!.splice(index + 1, 0, copy);
    });
    this.audit('check.clone', `${label.target} / ${name}`, { from: `${label.target} / ${label.name}` });
    return { config, target: label.target, name };
  }

  async removeChecks(input: { ids: number[] }): Promise<KaavanConfig> {
    const ids = [...new Set(input.ids)];
    const labels = labelsOf(this.deps.engine);
    const missing = ids.filter((id) => !labels.checks.has(id));
    if (missing.length) throw unknownIds('check', missing);
    const doomed = ids.map((id) => labels.checks.get(id)!);
    refuseDerived(this.deps.config.current, 'delete', doomed);
    const saved = await this.deps.config.update((draft) => {
      for (const target of draft.targets ?? []) {
        if (!target.checks) continue;
        target.checks = target.checks.filter((c) => !doomed.some((d) => d.target === target.name && d.name === c.name));
      }
    });
    const names = doomed.map((c) => `${c.target} / ${c.name}`);
    this.audit('check.remove', namesLine(names), { checks: names });
    return saved;
  }

  /** Acknowledges every open alert among `ids`; already acknowledged or resolved ones are skipped, unknown ids rejected. */
  async acknowledgeAlerts(input: { ids: number[]; note?: string }): Promise<Alert[]> {
    const ids = [...new Set(input.ids)];
    const found = ids.map((id) => this.deps.store.alerts.get(id));
    const missing = ids.filter((_, i) => !found[i]);
    if (missing.length) throw new KaavanError('not_found', missing.length === 1 ? `no alert with id ${missing[0]}` : `no alerts with ids ${missing.join(', ')}`);
    const note = input.note?.trim() || null;
    const acknowledged: Alert[] = [];
    for (const alert of found) {
      if (alert!.state !== 'open') continue;
      acknowledged.push(this.deps.alerts.acknowledge(alert!.id, note));
    }
    if (acknowledged.length) {
      const names = acknowledged.map((a) => `${a.target} / ${a.check}`);
      this.audit('alert.acknowledge', namesLine(names), { alerts: acknowledged.map((a) => a.id), checks: names, note });
      this.deps.engine.markDirty();
    }
    return acknowledged;
  }

  private audit(action: string, subject: string, detail: Record<string, unknown>): void {
    this.deps.store.audit.record({ at: this.deps.now(), actor: 'user', action, subject, detail });
  }
}
