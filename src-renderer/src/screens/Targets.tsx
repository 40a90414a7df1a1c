// Targets & checks: add, edit and remove targets and their checks (with confirmation).
import { useEffect, useState, type FormEvent } from 'react';
import type { CheckConfig, TargetConfig } from '../../../src-main/core/config/schema';
import type { CheckStatus } from '../../../src-main/core/model';
import { useApp } from '../state/store';
import { useLoader } from '../lib/hooks';
import { ClientError, errorMessage } from '../client/client';
import { ConfirmDialog, Dialog, FormFooter } from '../components/Dialog';
import { Checkbox, Field } from '../components/Field';
import { Icon } from '../components/icons';
import { Badge, StatusDot } from '../components/status';
import { CheckDialog } from './CheckDialog';
import { HostKeyQuestion } from '../components/host/HostPanel';
import type { HostKeyOffer } from '../../../src-main/core/api/host-methods';
import '../styles/host.css';

type Editing =
  | { kind: 'target'; target?: TargetConfig }
  | { kind: 'removeTarget'; target: TargetConfig }
  | { kind: 'check'; target: string; check?: CheckConfig }
  | { kind: 'removeCheck'; target: string; check: CheckConfig }
  | null;

/** What a check probes, for the table: the live description when known, with an HTTP method and headers. */
function describeCheck(check: CheckConfig, live: string | undefined): string {
  const c = check as Record<string, unknown>;
  let text = live ?? (typeof c.url === 'string' ? c.url : typeof c.host === 'string' ? `${c.host}${c.port !== undefined ? `:${String(c.port)}` : ''}` : check.kind);
  if (check.kind === 'http') {
    if (typeof c.method === 'string' && c.method !== 'GET') text = `${c.method} ${text}`;
    const headers = c.headers && typeof c.headers === 'object' ? Object.keys(c.headers).length : 0;
    if (headers) text += ` · ${headers} header${headers === 1 ? '' : 's'}`;
  }
  return text;
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
  const viewOf = (target: string, check: string) => overview?.targets.find((t) => t.name === target)?.checks.find((c) => c.name === check);
  const statusOf = (target: string, check: string): CheckStatus | null => viewOf(target, check)?.status ?? null;
  const targetId = (target: string) => overview?.targets.find((t) => t.name === target)?.id;
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
                <h2 id={`cfg-${t.name}`}>{targetId(t.name) !== undefined ? <a href={`#/targets/${targetId(t.name)}`}>{t.name}</a> : t.name}</h2>
                {t.ssh && (
                  <span className="tag mono" title="Host-level checks run over SSH">
                    ssh {t.ssh.user}@{t.ssh.host}
                    {t.ssh.port && t.ssh.port !== 22 ? `:${t.ssh.port}` : ''}
                  </span>
                )}
                {t.ssh && !t.ssh.hostKey && <Badge tone="warn" icon="key" label="host key not trusted" size="sm" testId="target-untrusted" />}
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
                        <td className="mono cell-truncate" title={describeCheck(c, viewOf(t.name, c.name)?.describe)}>
                          {describeCheck(c, viewOf(t.name, c.name)?.describe)}
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

type SshAuth = 'key' | 'password' | 'agent';

interface SshForm {
  on: boolean;
  host: string;
  port: string;
  user: string;
  auth: SshAuth;
  keyRef: string;
  passphraseRef: string;
  passwordRef: string;
  hostKey: string;
}

function sshFormOf(ssh: TargetConfig['ssh']): SshForm {
  return {
    on: Boolean(ssh),
    host: ssh?.host ?? '',
    port: ssh?.port !== undefined ? String(ssh.port) : '',
    user: ssh?.user ?? '',
    auth: ssh?.passwordRef !== undefined ? 'password' : ssh?.agent ? 'agent' : 'key',
    keyRef: ssh?.keyRef ?? '',
    passphraseRef: ssh?.passphraseRef ?? '',
    passwordRef: ssh?.passwordRef ?? '',
    hostKey: ssh?.hostKey ?? '',
  };
}

/** The ssh: object of the config from the form (only the chosen way to log in); null when off. */
export function sshFromForm(f: SshForm): Record<string, unknown> | null {
  if (!f.on) return null;
  const out: Record<string, unknown> = { host: f.host.trim() };
  const port = f.port.trim();
  if (port) out.port = /^\d+$/.test(port) ? Number(port) : port;
  out.user = f.user.trim();
  if (f.auth === 'key') {
    out.keyRef = f.keyRef.trim();
    if (f.passphraseRef.trim()) out.passphraseRef = f.passphraseRef.trim();
  } else if (f.auth === 'password') out.passwordRef = f.passwordRef.trim();
  else out.agent = true;
  if (f.hostKey.trim()) out.hostKey = f.hostKey.trim();
  return out;
}

const SSH_FIELDS = ['host', 'port', 'user', 'keyRef', 'passphraseRef', 'passwordRef', 'hostKey'] as const;

function TargetDialog({ target, onClose, onSaved }: { target?: TargetConfig; onClose: () => void; onSaved: (name: string) => void }) {
  const client = useApp((s) => s.client)!;
  const [name, setName] = useState(target?.name ?? '');
  const [tags, setTags] = useState((target?.tags ?? []).join(', '));
  const [ssh, setSsh] = useState<SshForm>(() => sshFormOf(target?.ssh));
  const [offer, setOffer] = useState<HostKeyOffer | null>(null);
  const [offerError, setOfferError] = useState<string | null>(null);
  const [fetching, setFetching] = useState(false);
  // Set once the target itself is saved, so a retry after an SSH problem edits it instead of adding it again.
  const [savedAs, setSavedAs] = useState<string | null>(null);
  const [issues, setIssues] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const setSshField = <K extends keyof SshForm>(key: K, value: SshForm[K]) => setSsh((f) => ({ ...f, [key]: value }));

  const showHostKey = async () => {
    setFetching(true);
    setOfferError(null);
    setOffer(null);
    try {
      const port = ssh.port.trim() ? Number(ssh.port.trim()) : undefined;
      const found = await client.hostKeyOffer({ host: ssh.host.trim(), ...(port && Number.isInteger(port) ? { port } : {}) });
      const pinned = ssh.hostKey.trim() || null;
      setOffer({ ...found, pinned, state: pinned === null ? 'unknown' : pinned === found.fingerprint ? 'trusted' : 'changed' });
    } catch (err) {
      setOfferError(errorMessage(err));
    } finally {
      setFetching(false);
    }
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setIssues({});
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const newName = name.trim();
    const sshValue = sshFromForm(ssh);
    const original = savedAs ?? target?.name;
    let step: 'target' | 'ssh' = 'target';
    try {
      await client.saveTarget({ ...(original ? { originalName: original } : {}), target: { name: newName, tags: tagList } });
      setSavedAs(newName);
      if (JSON.stringify(sshValue) !== JSON.stringify(target?.ssh ?? null) || (savedAs && sshValue)) {
        step = 'ssh';
        await client.saveTargetSsh({ target: newName, ssh: sshValue });
      }
      onSaved(newName);
    } catch (err) {
      setBusy(false);
      if (err instanceof ClientError && err.issues.length) {
        const byField: Record<string, string[]> = {};
        for (const issue of err.issues) {
          let field: string;
          if (step === 'ssh' || issue.path.startsWith('ssh')) {
            const key = issue.path.split('.')[1];
            field = key && (SSH_FIELDS as readonly string[]).includes(key) ? `ssh.${key}` : 'ssh';
          } else field = issue.path.startsWith('tags') ? 'tags' : issue.path.startsWith('name') || issue.path.endsWith('.name') ? 'name' : 'other';
          const message = field === 'tags' && issue.path !== 'tags' ? `${tagList[Number(issue.path.split('.')[1])] ?? 'tag'}: ${issue.message}` : issue.message;
          (byField[field] ??= []).push(message);
        }
        setIssues(byField);
        const general = [...(byField.other ?? []), ...(byField.ssh ?? [])];
        if (general.length) setError(general.join('; '));
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="target-dialog"] [aria-invalid="true"]')?.focus());
      } else setError(errorMessage(err));
    }
  };

  const sshInput = (field: (typeof SSH_FIELDS)[number], label: string, props: { placeholder?: string; hint?: string; optional?: boolean; mono?: boolean } = {}) => (
    <Field label={label} hint={props.hint} error={issues[`ssh.${field}`]} optional={props.optional} testId={`field-ssh-${field}`}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          className={props.mono ? 'mono' : undefined}
          value={ssh[field]}
          onChange={(e) => setSshField(field, e.target.value)}
          placeholder={props.placeholder}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          autoComplete="off"
          spellCheck={false}
          data-testid={`input-ssh-${field}`}
        />
      )}
    </Field>
  );

  return (
    <Dialog title={target ? `Edit target \u201c${target.name}\u201d` : 'Add a target'} description="A server or service you watch. Checks are added to it next." onClose={onClose} busy={busy} size="lg" testId="target-dialog">
      <form onSubmit={submit} className="form" noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="form-grid">
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
        </div>
        <fieldset className="form-section">
          <legend>SSH connection</legend>
          <Checkbox
            label="Watch this server over SSH"
            hint="Host-level checks (system, disk, files, logs, cron, command) then run on it; without SSH they run on this computer. Nothing is installed on the server."
            checked={ssh.on}
            onChange={(v) => setSshField('on', v)}
            testId="input-ssh-on"
          />
          {ssh.on && (
            <>
              <div className="form-grid form-grid-url">
                {sshInput('host', 'Host', { placeholder: 'web1.example.com', mono: true })}
                {sshInput('port', 'Port', { placeholder: '22', optional: true })}
              </div>
              <div className="form-grid">
                {sshInput('user', 'User', { placeholder: 'ops' })}
                <Field label="Log in with" testId="field-ssh-auth">
                  {({ id }) => (
                    <select id={id} value={ssh.auth} onChange={(e) => setSshField('auth', e.target.value as SshAuth)} data-testid="input-ssh-auth">
                      <option value="key">a private key (secret)</option>
                      <option value="password">a password (secret)</option>
                      <option value="agent">the SSH agent</option>
                    </select>
                  )}
                </Field>
                {ssh.auth === 'key' && sshInput('keyRef', 'Key secret', { placeholder: 'web1-key', hint: 'The name of the secret holding the private key (Settings → Secrets, or kaavan secret set).', mono: true })}
                {ssh.auth === 'key' && sshInput('passphraseRef', 'Passphrase secret', { placeholder: 'web1-key-passphrase', optional: true, hint: 'Only when the key has a passphrase.', mono: true })}
                {ssh.auth === 'password' && sshInput('passwordRef', 'Password secret', { placeholder: 'web1-password', hint: 'The name of the secret holding the password.', mono: true })}
              </div>
              {sshInput('hostKey', 'Trusted host key', { placeholder: 'SHA256:…', optional: true, mono: true, hint: 'Until a key is trusted every connection is refused. Show the key the server offers and trust it, or paste what `ssh-keygen -lf` prints on the server.' })}
              {offer ? (
                <HostKeyQuestion
                  offer={offer}
                  onTrust={() => {
                    setSshField('hostKey', offer.fingerprint);
                    setOffer(null);
                  }}
                  onCancel={() => setOffer(null)}
                />
              ) : (
                <div className="hostkey-actions">
                  <button type="button" className="btn btn-sm" onClick={showHostKey} disabled={fetching || !ssh.host.trim()} data-testid="show-host-key">
                    <Icon name="key" size={14} /> {fetching ? 'Connecting…' : 'Show the server’s host key'}
                  </button>
                </div>
              )}
              {offerError && (
                <p className="field-error" role="alert">
                  {offerError}
                </p>
              )}
            </>
          )}
        </fieldset>
        <FormFooter busy={busy} onCancel={onClose} submitLabel={target ? 'Save target' : 'Add target'} submitTestId="target-save" />
      </form>
    </Dialog>
  );
}
