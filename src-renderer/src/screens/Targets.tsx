// Targets & checks: add, edit and remove targets and their checks (with confirmation).
import { useEffect, useState, type FormEvent } from 'react';
import type { CheckConfig, TargetConfig } from '../../../src-main/core/config/schema';
import type { CheckStatus } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { useLoader } from '../lib/hooks';
import { ClientError, errorMessage } from '../client/client';
import { ConfirmDialog, Dialog, FormFooter } from '../components/Dialog';
import { Field } from '../components/Field';
import { Icon } from '../components/icons';
import { StatusDot } from '../components/status';
import { CheckDialog } from './CheckDialog';

type Editing =
  | { kind: 'target'; target?: TargetConfig }
  | { kind: 'removeTarget'; target: TargetConfig }
  | { kind: 'check'; target: string; check?: CheckConfig }
  | { kind: 'removeCheck'; target: string; check: CheckConfig }
  | null;

function describeCheck(check: CheckConfig): string {
  const c = check as Record<string, unknown>;
  if (typeof c.url === 'string') return c.url;
  if (typeof c.host === 'string') return `${c.host}:${String(c.port ?? '?')}`;
  return check.kind;
}

export function TargetsScreen() {
  const client = useApp((s) => s.client)!;
  const info = useApp((s) => s.info)!;
  const overview = useApp((s) => s.overview);
  const revision = useApp((s) => s.configRevision);
  const toast = useApp((s) => s.toast);
  const config = useLoader(() => client.getConfig(), [client, revision]);
  const [editing, setEditing] = useState<Editing>(null);
  const [busy, setBusy] = useState(false);
  const [removeError, setRemoveError] = useState<string | null>(null);
  // "#/targets?add=target" (the dashboard's empty state) or "?add=check&target=web1" opens the form.
  useEffect(() => {
    const query = new URLSearchParams(window.location.hash.split('?')[1] ?? '');
    const add = query.get('add');
    if (add === 'target') setEditing({ kind: 'target' });
    else if (add === 'check' && query.get('target')) setEditing({ kind: 'check', target: query.get('target')! });
    if (add) window.history.replaceState(null, '', '#/targets');
  }, []);

  const targets = config.data?.targets ?? [];
  const statusOf = (target: string, check: string): CheckStatus | null =>
    overview?.targets.find((t) => t.name === target)?.checks.find((c) => c.name === check)?.status ?? null;
  const kindTitle = (kind: string) => info.checkKinds.find((k) => k.kind === kind)?.title ?? kind;

  const close = () => {
    setEditing(null);
    setRemoveError(null);
  };
  const saved = (title: string) => {
    close();
    toast({ tone: 'success', title });
    config.reload();
  };

  const remove = async () => {
    if (!editing || (editing.kind !== 'removeTarget' && editing.kind !== 'removeCheck')) return;
    setBusy(true);
    setRemoveError(null);
    try {
      if (editing.kind === 'removeTarget') {
        await client.removeTarget({ name: editing.target.name });
        saved(`Removed target \u201c${editing.target.name}\u201d`);
      } else {
        await client.removeCheck({ target: editing.target, check: editing.check.name });
        saved(`Removed check \u201c${editing.check.name}\u201d`);
      }
    } catch (error) {
      setRemoveError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1>Targets &amp; checks</h1>
          <p className="page-subtitle">
            Configuration: <span className="mono">{info.configLocation}</span>
          </p>
        </div>
        <button type="button" className="btn btn-primary" onClick={() => setEditing({ kind: 'target' })} data-testid="add-target">
          <Icon name="plus" /> Add target
        </button>
      </div>

      {config.error && (
        <p className="form-error" role="alert">
          {config.error}
        </p>
      )}

      {config.data && targets.length === 0 && (
        <div className="empty-state card">
          <span className="empty-icon">
            <Icon name="server" size={28} />
          </span>
          <h2>No targets yet</h2>
          <p>A target is a server or service you watch; give it one or more checks (HTTP or TCP).</p>
          <button type="button" className="btn btn-primary" onClick={() => setEditing({ kind: 'target' })}>
            <Icon name="plus" /> Add your first target
          </button>
        </div>
      )}

      <div className="stack">
        {targets.map((t) => (
          <section key={t.name} className="card target-config" aria-labelledby={`cfg-${t.name}`} data-testid="target-config" data-target={t.name}>
            <header className="target-config-header">
              <div className="target-title">
                <h2 id={`cfg-${t.name}`}>{t.name}</h2>
                {t.tags && t.tags.length > 0 && (
                  <ul className="tags" aria-label="Tags">
                    {t.tags.map((tag) => (
                      <li key={tag} className="tag">
                        {tag}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
              <div className="row-actions">
                <button type="button" className="btn btn-sm btn-primary" onClick={() => setEditing({ kind: 'check', target: t.name })} data-testid="add-check">
                  <Icon name="plus" size={14} /> Add check
                </button>
                <button type="button" className="btn btn-sm" onClick={() => setEditing({ kind: 'target', target: t })} aria-label={`Edit target ${t.name}`}>
                  <Icon name="edit" size={14} /> Edit
                </button>
                <button type="button" className="btn btn-sm btn-danger-ghost" onClick={() => setEditing({ kind: 'removeTarget', target: t })} aria-label={`Remove target ${t.name}`}>
                  <Icon name="trash" size={14} /> Remove
                </button>
              </div>
            </header>
            {(t.checks ?? []).length === 0 ? (
              <p className="card-empty">No checks yet. Add one to start watching {t.name}.</p>
            ) : (
              <table className="table table-compact table-checks">
                <colgroup>
                  <col className="col-name" />
                  <col className="col-kind" />
                  <col />
                  <col className="col-every" />
                  <col className="col-retries" />
                  <col className="col-actions" />
                </colgroup>
                <thead>
                  <tr>
                    <th scope="col">Check</th>
                    <th scope="col">Kind</th>
                    <th scope="col">Probes</th>
                    <th scope="col">Every</th>
                    <th scope="col" className="num">
                      Retries
                    </th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {(t.checks ?? []).map((c) => {
                    const status = statusOf(t.name, c.name);
                    return (
                      <tr key={c.name} data-testid="check-config" data-check={c.name}>
                        <td>
                          <span className="inline-status">
                            {status && <StatusDot status={status} />}
                            <strong>{c.name}</strong>
                            {c.enabled === false && <span className="tag">disabled</span>}
                          </span>
                        </td>
                        <td>{kindTitle(c.kind)}</td>
                        <td className="mono cell-truncate" title={describeCheck(c)}>
                          {describeCheck(c)}
                        </td>
                        <td>{c.interval ?? <span className="muted">1m</span>}</td>
                        <td className="num">{c.retries ?? <span className="muted">1</span>}</td>
                        <td className="cell-actions">
                          <div className="row-actions">
                            <button type="button" className="btn btn-sm btn-ghost" onClick={() => setEditing({ kind: 'check', target: t.name, check: c })} aria-label={`Edit check ${c.name}`}>
                              <Icon name="edit" size={14} /> Edit
                            </button>
                            <button
                              type="button"
                              className="btn btn-sm btn-ghost btn-danger-ghost"
                              onClick={() => setEditing({ kind: 'removeCheck', target: t.name, check: c })}
                              aria-label={`Remove check ${c.name}`}
                            >
                              <Icon name="trash" size={14} /> Remove
                            </button>
                          </div>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </section>
        ))}
      </div>

      {editing?.kind === 'target' && (
        <TargetDialog
          target={editing.target}
          onClose={close}
          onSaved={(name) => saved(editing.target ? `Saved target \u201c${name}\u201d` : `Added target \u201c${name}\u201d`)}
        />
      )}
      {editing?.kind === 'check' && (
        <CheckDialog
          target={editing.target}
          check={editing.check}
          onClose={close}
          onSaved={(name) => saved(editing.check ? `Saved check \u201c${name}\u201d` : `Added check \u201c${name}\u201d to ${editing.target}`)}
        />
      )}
      {editing?.kind === 'removeTarget' && (
        <ConfirmDialog
          title={`Remove \u201c${editing.target.name}\u201d?`}
          message={
            <>
              The target and its {(editing.target.checks ?? []).length} {(editing.target.checks ?? []).length === 1 ? 'probe' : 'probes'} stop being watched and are removed from the configuration. Their history
              stays in the store.
            </>
          }
          confirmLabel="Remove target"
          onConfirm={remove}
          onClose={close}
          busy={busy}
          error={removeError}
        />
      )}
      {editing?.kind === 'removeCheck' && (
        <ConfirmDialog
          title={`Remove check \u201c${editing.check.name}\u201d?`}
          message={
            <>
              <strong>{editing.check.name}</strong> on {editing.target} stops running and is removed from the configuration. An open alert for it is closed.
            </>
          }
          confirmLabel="Remove check"
          onConfirm={remove}
          onClose={close}
          busy={busy}
          error={removeError}
        />
      )}
    </div>
  );
}

function TargetDialog({ target, onClose, onSaved }: { target?: TargetConfig; onClose: () => void; onSaved: (name: string) => void }) {
  const client = useApp((s) => s.client)!;
  const [name, setName] = useState(target?.name ?? '');
  const [tags, setTags] = useState((target?.tags ?? []).join(', '));
  const [issues, setIssues] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setIssues({});
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    try {
      await client.saveTarget({ ...(target ? { originalName: target.name } : {}), target: { name: name.trim(), tags: tagList } });
      onSaved(name.trim());
    } catch (err) {
      setBusy(false);
      if (err instanceof ClientError && err.issues.length) {
        const byField: Record<string, string[]> = {};
        for (const issue of err.issues) {
          const field = issue.path.startsWith('tags') ? 'tags' : issue.path.startsWith('name') || issue.path.endsWith('.name') ? 'name' : 'other';
          const message = field === 'tags' && issue.path !== 'tags' ? `${tagList[Number(issue.path.split('.')[1])] ?? 'tag'}: ${issue.message}` : issue.message;
          (byField[field] ??= []).push(message);
        }
        setIssues(byField);
        if (byField.other) setError(byField.other.join('; '));
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="target-dialog"] [aria-invalid="true"]')?.focus());
      } else setError(errorMessage(err));
    }
  };

  return (
    <Dialog title={target ? `Edit target \u201c${target.name}\u201d` : 'Add a target'} description="A server or service you watch. Checks are added to it next." onClose={onClose} busy={busy} testId="target-dialog">
      <form onSubmit={submit} className="form" noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <Field label="Name" error={issues.name} hint="Shown on the dashboard and in alerts, e.g. web1." testId="field-target-name">
          {({ id, describedBy, invalid }) => (
            <input
              id={id}
              value={name}
              onChange={(e) => setName(e.target.value)}
              aria-invalid={invalid || undefined}
              aria-describedby={describedBy}
              autoComplete="off"
              spellCheck={false}
              data-testid="input-target-name"
              data-autofocus
            />
          )}
        </Field>
        <Field label="Tags" optional error={issues.tags} hint="Comma separated, e.g. prod, eu-west." testId="field-target-tags">
          {({ id, describedBy, invalid }) => (
            <input id={id} value={tags} onChange={(e) => setTags(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} autoComplete="off" data-testid="input-target-tags" />
          )}
        </Field>
        <FormFooter busy={busy} onCancel={onClose} submitLabel={target ? 'Save target' : 'Add target'} submitTestId="target-save" />
      </form>
    </Dialog>
  );
}
