// The dashboard's actions (pause/resume, clone, delete, acknowledge, run now) with exactly one
// toast per action, naming the target and check (or how many, for a bulk action).
import { useCallback, useMemo } from 'react';
import type { Alert, CheckView } from '../../../../src-main/core/model';
import { useApp } from '../../state/store';
import { useLoader } from '../../lib/hooks';
import { errorMessage } from '../../client/client';
import { STATUS_META } from '../status';
import { plural } from '../../lib/format';

const label = (c: Pick<CheckView, 'target' | 'name'>) => `${c.target} / ${c.name}`;

/** "web1 / home" for one, "3 probes on web1 and web2" for several. */
export function subjectOf(checks: ReadonlyArray<Pick<CheckView, 'target' | 'name'>>): string {
  if (checks.length === 1) return label(checks[0]!);
  const targets = [...new Set(checks.map((c) => c.target))];
  const where = targets.length <= 2 ? targets.join(' and ') : `${targets.length} targets`;
  return `${plural(checks.length, 'probe')} on ${where}`;
}

/** Open (unacknowledged) alerts by check id, refreshed when alerts change. */
export function useOpenAlerts(): Map<number, Alert> {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.alertsRevision);
  const openCount = useApp((s) => s.overview?.openAlerts ?? 0);
  const loaded = useLoader(() => (openCount > 0 ? client.listAlerts({ state: 'open', limit: 1000 }) : Promise.resolve([])), [revision, openCount]);
  return useMemo(() => {
    const map = new Map<number, Alert>();
    for (const alert of loaded.data ?? []) if (alert.checkId !== null) map.set(alert.checkId, alert);
    return map;
  }, [loaded.data]);
}

export interface DashboardActionsApi {
  setChecksEnabled(checks: CheckView[], enabled: boolean): Promise<boolean>;
  setTargetEnabled(target: { id: number; name: string }, enabled: boolean): Promise<boolean>;
  clone(check: CheckView): Promise<boolean>;
  remove(checks: CheckView[]): Promise<boolean>;
  acknowledge(checks: CheckView[], alerts: Map<number, Alert>): Promise<boolean>;
  runNow(check: CheckView): Promise<boolean>;
}

export function useDashboardActions(): DashboardActionsApi {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const refreshOverview = useApp((s) => s.refreshOverview);

  const attempt = useCallback(
    async (what: string, key: string | undefined, run: () => Promise<void>): Promise<boolean> => {
      try {
        await run();
        return true;
      } catch (error) {
        toast({ tone: 'danger', title: `Could not ${what}`, body: errorMessage(error), key });
        return false;
      }
    },
    [toast],
  );

  return useMemo<DashboardActionsApi>(
    () => ({
      setChecksEnabled: (checks, enabled) => {
        const subject = subjectOf(checks);
        const key = checks.length === 1 ? `check:${checks[0]!.id}` : undefined;
        return attempt(`${enabled ? 'resume' : 'pause'} ${subject}`, key, async () => {
          await client.setEnabled({ checkIds: checks.map((c) => c.id), enabled });
          toast({ tone: 'info', title: `${enabled ? 'Resumed' : 'Paused'} ${subject}`, key });
        });
      },
      setTargetEnabled: (target, enabled) =>
        attempt(`${enabled ? 'resume' : 'pause'} ${target.name}`, `target:${target.id}`, async () => {
          await client.setEnabled({ targetIds: [target.id], enabled });
          toast({ tone: 'info', title: `${enabled ? 'Resumed' : 'Paused'} every probe of ${target.name}`, key: `target:${target.id}` });
        }),
      clone: (check) =>
        attempt(`clone ${label(check)}`, `check:${check.id}`, async () => {
          const result = await client.cloneCheck({ id: check.id });
          toast({ tone: 'success', title: `Cloned ${label(check)} as \u201c${result.name}\u201d`, key: `check:${check.id}` });
        }),
      remove: (checks) =>
        attempt(`delete ${subjectOf(checks)}`, undefined, async () => {
          await client.removeChecks({ ids: checks.map((c) => c.id) });
          toast({ tone: 'success', title: `Deleted ${subjectOf(checks)}` });
        }),
      acknowledge: (checks, alerts) => {
        const withAlerts = checks.filter((c) => alerts.has(c.id));
        const subject = subjectOf(withAlerts.length ? withAlerts : checks);
        return attempt(`acknowledge ${subject}`, undefined, async () => {
          if (withAlerts.length === 0) {
            toast({ tone: 'info', title: `No open alert on ${subject}` });
            return;
          }
          const acked = await client.acknowledgeAlerts({ ids: withAlerts.map((c) => alerts.get(c.id)!.id) });
          const key = withAlerts.length === 1 ? `check:${withAlerts[0]!.id}` : undefined;
          toast({ tone: 'success', title: `Acknowledged ${acked.length === withAlerts.length ? subject : `${acked.length} of ${plural(withAlerts.length, 'alert')} (${subject})`}`, key });
        });
      },
      runNow: (check) =>
        attempt(`run ${label(check)}`, `check:${check.id}`, async () => {
          const result = await client.runCheckNow({ target: check.target, check: check.name });
          toast({
            tone: result.status === 'up' ? 'success' : result.status === 'degraded' ? 'warning' : 'danger',
            title: `${label(check)}: ${STATUS_META[result.status].label.toLowerCase()}`,
            body: result.message,
            key: `check:${check.id}`,
          });
          void refreshOverview();
        }),
    }),
    [attempt, client, toast, refreshOverview],
  );
}
