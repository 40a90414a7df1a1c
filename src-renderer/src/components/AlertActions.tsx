// Acknowledge (with a note) and resolve, shared by the alert table and the alert detail.
import { useId, useState, type FormEvent } from 'react';
import type { Alert } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { errorMessage } from '../client/client';
import { Dialog, FormFooter } from './Dialog';
import { Icon } from './icons';
import { humanDuration } from '../lib/format';

/** "down for 4 min 12 s" for a resolved alert, "12 min so far" for an active one. */
export function alertDuration(alert: Alert, now: number): string {
  const downSince = typeof alert.metadata.downSince === 'number' ? alert.metadata.downSince : alert.openedAt;
  if (alert.state === 'resolved' && alert.resolvedAt !== null) {
    const span = humanDuration(alert.resolvedAt - downSince);
    return alert.resolvedBy === 'manual' ? `resolved by hand after ${span}` : `recovered, down for ${span}`;
  }
  return `${humanDuration(now - downSince)} so far`;
}

type Mode = 'ack' | 'resolve' | null;

export function AlertActions({ alert, onDone, size = 'sm' }: { alert: Alert; onDone?: () => void; size?: 'sm' | 'md' }) {
  const [mode, setMode] = useState<Mode>(null);
  if (alert.state === 'resolved') return null;
  const name = `${alert.target} / ${alert.check}`;
  const btn = size === 'sm' ? 'btn btn-sm' : 'btn';
  return (
    <div className="row-actions">
      {alert.state === 'open' && (
        <button type="button" className={btn} onClick={() => setMode('ack')} aria-label={`Acknowledge alert for ${name}`} data-testid="ack-button">
          <Icon name="check" size={14} />
          Acknowledge
        </button>
      )}
      <button type="button" className={btn} onClick={() => setMode('resolve')} aria-label={`Resolve alert for ${name}`} data-testid="resolve-button">
        <Icon name="x" size={14} />
        Resolve
      </button>
      {mode && (
        <NoteDialog
          alert={alert}
          mode={mode}
          onClose={() => setMode(null)}
          onDone={() => {
            setMode(null);
            onDone?.();
          }}
        />
      )}
    </div>
  );
}

function NoteDialog({ alert, mode, onClose, onDone }: { alert: Alert; mode: 'ack' | 'resolve'; onClose: () => void; onDone: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const refreshOverview = useApp((s) => s.refreshOverview);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noteId = useId();
  const name = `${alert.target} / ${alert.check}`;
  const ack = mode === 'ack';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const input = { id: alert.id, ...(note.trim() ? { note: note.trim() } : {}) };
      if (ack) await client.acknowledgeAlert(input);
      else await client.resolveAlert(input);
      toast({ tone: 'success', title: ack ? `Acknowledged: ${name}` : `Resolved: ${name}`, body: note.trim() || undefined });
      useApp.setState((s) => ({ alertsRevision: s.alertsRevision + 1 }));
      void refreshOverview();
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title={ack ? 'Acknowledge alert' : 'Resolve alert'}
      description={
        ack ? (
          <>
            Let others know you are on <strong>{name}</strong>. No more reminders are sent for this outage; you are still told when it recovers.
          </>
        ) : (
          <>
            Close the alert for <strong>{name}</strong> by hand. If the check is still failing, it stays quiet until it recovers and fails again.
          </>
        )
      }
      onClose={onClose}
      busy={busy}
      testId={ack ? 'ack-dialog' : 'resolve-dialog'}
    >
      <form onSubmit={submit} className="form">
        <div className="field">
          <label htmlFor={noteId} className="field-label">
            Note <span className="field-optional">optional</span>
          </label>
          <textarea
            id={noteId}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            rows={3}
            maxLength={2000}
            placeholder={ack ? 'e.g. Restarting the service, back in 10 min' : 'e.g. False alarm: planned maintenance'}
            data-testid="note-input"
            data-autofocus
          />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <FormFooter busy={busy} onCancel={onClose} submitLabel={ack ? 'Acknowledge' : 'Resolve'} submitTestId="note-submit" />
      </form>
    </Dialog>
  );
}
