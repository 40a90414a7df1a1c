// Acknowledge (with a note), silence for a while, and resolve, shared by the alert history and the
// alert detail. A silence holds reminders back; the recovery is always sent.
import { useId, useState, type FormEvent } from 'react';
import type { Alert } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { errorMessage } from '../client/client';
import { Dialog, FormFooter } from './Dialog';
import { Icon } from './icons';
import { humanDuration } from '../lib/format';
import '../styles/incident.css';

/** True while the alert's reminders are held back. */
export function isSilenced(alert: Alert, now: number): boolean {
  return (alert.silencedUntil ?? 0) > now;
}

const SILENCE_CHOICES = [
  { ms: 3_600_000, label: '1 hour' },
  { ms: 4 * 3_600_000, label: '4 hours' },
  { ms: 8 * 3_600_000, label: '8 hours' },
  { ms: 24 * 3_600_000, label: '24 hours' },
  { ms: 7 * 86_400_000, label: '7 days' },
];

/** "down for 4 min 12 s" for a resolved alert, "12 min so far" for an active one. */
export function alertDuration(alert: Alert, now: number): string {
  const downSince = typeof alert.metadata.downSince === 'number' ? alert.metadata.downSince : alert.openedAt;
  if (alert.state === 'resolved' && alert.resolvedAt !== null) {
    const span = humanDuration(alert.resolvedAt - downSince);
    return alert.resolvedBy === 'manual' ? `resolved by hand after ${span}` : `recovered, down for ${span}`;
  }
  return `${humanDuration(now - downSince)} so far`;
}

type Mode = 'ack' | 'resolve' | 'silence' | null;

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
      <SilenceButton alert={alert} className={btn} onOpen={() => setMode('silence')} onDone={onDone} />
      <button type="button" className={btn} onClick={() => setMode('resolve')} aria-label={`Resolve alert for ${name}`} data-testid="resolve-button">
        <Icon name="x" size={14} />
        Resolve
      </button>
      {mode === 'silence' && (
        <SilenceDialog
          alert={alert}
          onClose={() => setMode(null)}
          onDone={() => {
            setMode(null);
            onDone?.();
          }}
        />
      )}
      {(mode === 'ack' || mode === 'resolve') && (
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

/** "Silence" while not silenced; "Unsilence" (lifts it at once) while silenced. */
function SilenceButton({ alert, className, onOpen, onDone }: { alert: Alert; className: string; onOpen: () => void; onDone?: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const name = `${alert.target} / ${alert.check}`;
  if (!isSilenced(alert, Date.now())) {
    return (
      <button type="button" className={className} onClick={onOpen} aria-label={`Silence alert for ${name}`} data-testid="silence-button">
        <Icon name="clock" size={14} />
        Silence
      </button>
    );
  }
  const lift = async () => {
    setBusy(true);
    try {
      await client.silenceAlert({ id: alert.id, forMs: 0 });
      toast({ tone: 'info', title: `Reminders on again: ${name}` });
      useApp.setState((s) => ({ alertsRevision: s.alertsRevision + 1 }));
      onDone?.();
    } catch (err) {
      toast({ tone: 'danger', title: 'Could not lift the silence', body: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <button type="button" className={className} onClick={() => void lift()} disabled={busy} aria-label={`Lift the silence of ${name}`} data-testid="unsilence-button">
      <Icon name="bell" size={14} />
      Unsilence
    </button>
  );
}

function SilenceDialog({ alert, onClose, onDone }: { alert: Alert; onClose: () => void; onDone: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const [forMs, setForMs] = useState(SILENCE_CHOICES[0]!.ms);
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const forId = useId();
  const noteId = useId();
  const name = `${alert.target} / ${alert.check}`;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await client.silenceAlert({ id: alert.id, forMs, ...(note.trim() ? { note: note.trim() } : {}) });
      toast({ tone: 'info', title: `Silenced for ${humanDuration(forMs)}: ${name}`, body: 'You are still told when it recovers.' });
      useApp.setState((s) => ({ alertsRevision: s.alertsRevision + 1, auditRevision: s.auditRevision + 1 }));
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };

  return (
    <Dialog
      title="Silence alert"
      description={
        <>
          No reminders or escalations for <strong>{name}</strong> for a while. The recovery notice is always sent.
        </>
      }
      onClose={onClose}
      busy={busy}
      testId="silence-dialog"
    >
      <form onSubmit={submit} className="form">
        <div className="field">
          <label htmlFor={forId} className="field-label">
            For
          </label>
          <select id={forId} value={forMs} onChange={(e) => setForMs(Number(e.target.value))} data-testid="silence-duration" data-autofocus>
            {SILENCE_CHOICES.map((c) => (
              <option key={c.ms} value={c.ms}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={noteId} className="field-label">
            Note <span className="field-optional">optional</span>
          </label>
          <textarea id={noteId} value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={2000} placeholder="e.g. Deploy in progress" />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <FormFooter busy={busy} onCancel={onClose} submitLabel="Silence" submitTestId="silence-submit" />
      </form>
    </Dialog>
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
