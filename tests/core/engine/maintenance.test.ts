import { describe, expect, it } from 'vitest';
import { compileMaintenance, maintenanceAt } from '../../../src-main/core/engine/maintenance.js';
import { filterSuppressed } from '../../../src-main/core/engine/host-oversight.js';
import type { Alert } from '../../../src-main/core/model.js';

const web1 = { name: 'web1', tags: ['prod'] };
const db1 = { name: 'db1', tags: ['db'] };
const at = (iso: string) => Date.parse(iso);

describe('maintenance windows', () => {
  it('a one-off window covers [start, end) of the named target only', () => {
    const windows = compileMaintenance([{ targets: ['WEB1'], start: '2026-11-24T02:00:00Z', end: '2026-11-24T04:00:00Z', reason: 'kernel upgrade' }]);
    expect(maintenanceAt(windows, web1, at('2026-11-24T01:59:59Z'))).toBeNull();
    expect(maintenanceAt(windows, web1, at('2026-11-24T02:00:00Z'))).toEqual({ until: at('2026-11-24T04:00:00Z'), reason: 'kernel upgrade' });
    expect(maintenanceAt(windows, web1, at('2026-11-24T04:00:00Z'))).toBeNull();
    expect(maintenanceAt(windows, db1, at('2026-11-24T03:00:00Z'))).toBeNull();
  });

  it('a recurring window follows its cron expression in its time zone', () => {
    // Sundays 03:00 in Helsinki (UTC+2 in November) for 2 hours: 01:00-03:00 UTC.
    const windows = compileMaintenance([{ tags: ['prod'], schedule: '0 3 * * 0', duration: '2h', timezone: 'Europe/Helsinki', name: 'weekly patching' }]);
    expect(maintenanceAt(windows, web1, at('2026-11-29T00:59:00Z'))).toBeNull();
    expect(maintenanceAt(windows, web1, at('2026-11-29T01:00:00Z'))).toEqual({ until: at('2026-11-29T03:00:00Z'), reason: 'weekly patching' });
    expect(maintenanceAt(windows, web1, at('2026-11-29T02:59:59Z'))?.until).toBe(at('2026-11-29T03:00:00Z'));
    expect(maintenanceAt(windows, web1, at('2026-11-29T03:00:00Z'))).toBeNull();
    expect(maintenanceAt(windows, web1, at('2026-11-30T01:30:00Z'))).toBeNull();
    expect(maintenanceAt(windows, db1, at('2026-11-29T01:30:00Z'))).toBeNull();
  });

  it('a window without targets or tags covers every target; overlaps last until the later end', () => {
    const windows = compileMaintenance([
      { start: '2026-11-24T02:00:00Z', end: '2026-11-24T03:00:00Z' },
      { targets: ['db1'], start: '2026-11-24T02:30:00Z', end: '2026-11-24T05:00:00Z', reason: 'migration' },
    ]);
    expect(maintenanceAt(windows, web1, at('2026-11-24T02:45:00Z'))).toEqual({ until: at('2026-11-24T03:00:00Z'), reason: 'a maintenance window' });
    expect(maintenanceAt(windows, db1, at('2026-11-24T02:45:00Z'))).toEqual({ until: at('2026-11-24T05:00:00Z'), reason: 'migration' });
  });
});

describe('what a suppressed check may still do with its alert', () => {
  const alert = { id: 1 } as Alert;
  const reason = { reason: 'maintenance' as const, message: 'in maintenance' };
  it('opens nothing and reminds nobody, but still resolves (with its notice)', () => {
    expect(filterSuppressed({ kind: 'open', downSince: 1, late: false }, reason)).toBeNull();
    expect(filterSuppressed({ kind: 'remind', alert, failuresWhileDown: 5, downSince: 1 }, reason)).toEqual({ kind: 'seen', alert });
    expect(filterSuppressed({ kind: 'reopen', alert }, reason)).toEqual({ kind: 'seen', alert });
    expect(filterSuppressed({ kind: 'resolve', alert, downtimeMs: 10 }, reason)).toEqual({ kind: 'resolve', alert, downtimeMs: 10 });
    expect(filterSuppressed({ kind: 'open', downSince: 1, late: false }, null)).toEqual({ kind: 'open', downSince: 1, late: false });
  });
});
