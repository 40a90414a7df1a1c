// The bar of bulk actions, shown while probes are selected: pause, resume, acknowledge their open
// alerts, delete (with a confirmation). It sticks to the bottom of the view, above the content.
import { useState } from 'react';
import type { Alert, CheckView } from '../../../../src-main/core/model';
import { Icon } from '../icons';
import { plural } from '../../lib/format';
import type { DashboardActionsApi } from './actions';

export function BulkBar({
  checks,
  alerts,
  actions,
  onDelete,
  onClear,
}: {
  checks: CheckView[];
  alerts: Map<number, Alert>;
  actions: DashboardActionsApi;
  onDelete: () => void;
  onClear: () => void;
}) {
  const [busy, setBusy] = useState(false);
  if (checks.length === 0) return null;
  const withAlerts = checks.filter((c) => alerts.has(c.id)).length;
  const anyRunning = checks.some((c) => c.enabled);
  const anyPaused = checks.some((c) => !c.enabled);
  const run = async (fn: () => Promise<boolean>, clear: boolean) => {
    setBusy(true);
    const ok = await fn();
    setBusy(false);
    if (ok && clear) onClear();
  };
  return (
    <div className="dash-bulk" role="toolbar" aria-label="Actions on the selected probes" data-testid="bulk-bar">
      <strong className="dash-bulk-count" data-testid="selected-count">
        {plural(checks.length, 'probe')} selected
      </strong>
      <div className="dash-bulk-actions">
        <button type="button" className="btn btn-sm" disabled={busy || !anyRunning} onClick={() => run(() => actions.setChecksEnabled(checks, false), true)} data-testid="bulk-pause">
          <Icon name="pause" size={14} /> Pause
        </button>
        <button type="button" className="btn btn-sm" disabled={busy || !anyPaused} onClick={() => run(() => actions.setChecksEnabled(checks, true), true)} data-testid="bulk-resume">
          <Icon name="play" size={14} /> Resume
        </button>
        <button type="button" className="btn btn-sm" disabled={busy || withAlerts === 0} onClick={() => run(() => actions.acknowledge(checks, alerts), false)} data-testid="bulk-ack">
          <Icon name="check" size={14} /> Acknowledge{withAlerts > 0 ? ` ${withAlerts}` : ''}
        </button>
        <button type="button" className="btn btn-sm btn-danger-ghost" disabled={busy} onClick={onDelete} data-testid="bulk-delete">
          <Icon name="trash" size={14} /> Delete
        </button>
        <button type="button" className="btn btn-sm btn-ghost" onClick={onClear} data-testid="bulk-clear">
          <Icon name="x" size={14} /> Clear
        </button>
      </div>
    </div>
  );
}
