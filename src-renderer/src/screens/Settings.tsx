// Settings: monitoring (pause, reminder cadence, concurrency), notifications (desktop ones and launch
// at login in the desktop app only; browser notifications in the headless dashboard), appearance,
// the public status page, the configuration file (export YAML or JSON, import), and secrets (names
// and sources only; values never come back).
import { useRef, useState, type ChangeEvent, type FormEvent } from 'react';
import type { Settings } from '../../../src-main/core/config/schema';
import type { SecretInfo } from '../../../src-main/core/api/service';
import type { FieldIssue } from '../../../src-main/core/api/errors';
import { useApp } from '../state/store';
import { useLoader } from '../lib/hooks';
import { ClientError, errorMessage } from '../client/client';
import { Checkbox, Field } from '../components/Field';
import { ConfirmDialog, Dialog, FormFooter } from '../components/Dialog';
import { Icon } from '../components/icons';
import { ThemeToggle } from '../components/ThemeToggle';
import { BrowserNotificationsSetting } from '../components/BrowserNotifications';
import '../styles/headless.css';

export function SettingsScreen() {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.configRevision);
  const config = useLoader(() => client.getConfig(), [client, revision]);
  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="page-subtitle">How Kaavan watches, tells you, and keeps secrets.</p>
        </div>
      </div>
      <div className="settings-grid">
        <MonitoringCard />
        {config.data ? (
          <SettingsForm key={JSON.stringify(config.data.settings ?? {})} settings={config.data.settings ?? {}} onSaved={config.reload} />
        ) : (
          <section className="card">{config.error ? <p className="form-error">{config.error}</p> : <p className="muted">Loading&hellip;</p>}</section>
        )}
        {config.data && <StatusPageCard key={JSON.stringify(config.data.settings?.statusPage ?? {})} settings={config.data.settings?.statusPage} onSaved={config.reload} />}
        <SecretsCard />
        <ConfigFileCard />
        <AboutCard />
      </div>
    </div>
  );
}

function MonitoringCard() {
  const client = useApp((s) => s.client)!;
  const paused = useApp((s) => s.overview?.paused ?? false);
  const setOverview = useApp((s) => s.setOverview);
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const toggle = async () => {
    setBusy(true);
    try {
      setOverview(await client.setPaused({ paused: !paused }));
    } catch (error) {
      toast({ tone: 'danger', title: 'Could not change monitoring', body: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card" aria-labelledby="monitoring-heading">
      <h2 id="monitoring-heading" className="card-title">
        Monitoring
      </h2>
      <div className="setting-row">
        <div>
          <div className="setting-label">{paused ? 'Monitoring is paused' : 'Monitoring is running'}</div>
          <div className="field-hint">{paused ? 'No checks run and no alerts open while paused.' : 'Checks run on their intervals.'}</div>
        </div>
        <button type="button" className={`btn ${paused ? 'btn-primary' : ''}`} onClick={toggle} disabled={busy}>
          <Icon name={paused ? 'play' : 'pause'} />
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <div className="setting-row">
        <div>
          <div className="setting-label">Theme</div>
          <div className="field-hint">Follow the system, or choose light or dark.</div>
        </div>
        <ThemeToggle />
      </div>
    </section>
  );
}

function SettingsForm({ settings, onSaved }: { settings: Settings; onSaved: () => void }) {
  const client = useApp((s) => s.client)!;
  const info = useApp((s) => s.info)!;
  const toast = useApp((s) => s.toast);
  const [reminderEvery, setReminderEvery] = useState(String(settings.reminderEvery ?? ''));
  const [concurrency, setConcurrency] = useState(String(settings.concurrency ?? ''));
  const [notifications, setNotifications] = useState(settings.notifications !== false);
  const [launchAtLogin, setLaunchAtLogin] = useState(settings.launchAtLogin === true);
  const [startPaused, setStartPaused] = useState(settings.paused === true);
  const [issues, setIssues] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const num = (text: string): number | undefined => (text.trim() === '' ? undefined : Number(text));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setIssues({});
    const next: Settings = {
      notifications,
      paused: startPaused,
      ...(num(reminderEvery) !== undefined ? { reminderEvery: num(reminderEvery) } : {}),
      ...(num(concurrency) !== undefined ? { concurrency: num(concurrency) } : {}),
      ...(info.mode === 'electron' ? { launchAtLogin } : {}),
    };
    try {
      await client.updateSettings(next);
      toast({ tone: 'success', title: 'Settings saved' });
      onSaved();
    } catch (err) {
      if (err instanceof ClientError && err.issues.length) {
        const byField: Record<string, string[]> = {};
        for (const i of err.issues) (byField[i.path.split('.')[0] ?? ''] ??= []).push(i.message);
        setIssues(byField);
        const known = ['reminderEvery', 'concurrency', 'notifications', 'launchAtLogin', 'paused'];
        const other = err.issues.filter((i) => !known.includes(i.path.split('.')[0] ?? ''));
        if (other.length) setError(other.map((i) => `${i.path}: ${i.message}`).join('; '));
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="alerting-heading">
      <h2 id="alerting-heading" className="card-title">
        Alerting &amp; engine
      </h2>
      <form onSubmit={submit} className="form" noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="form-grid">
          <Field label="Remind every" hint="While a check stays down, remind after this many failed probes (default 5)." error={issues.reminderEvery} testId="field-reminderEvery">
            {({ id, describedBy, invalid }) => (
              <div className="input-suffix">
                <input id={id} type="number" min={1} inputMode="numeric" value={reminderEvery} placeholder="5" onChange={(e) => setReminderEvery(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} />
                <span aria-hidden="true">failures</span>
              </div>
            )}
          </Field>
          <Field label="Concurrency" hint="Probes in flight at once across all checks (default 16)." error={issues.concurrency} testId="field-concurrency">
            {({ id, describedBy, invalid }) => (
              <input id={id} type="number" min={1} inputMode="numeric" value={concurrency} placeholder="16" onChange={(e) => setConcurrency(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} />
            )}
          </Field>
        </div>
        <div className="stack-sm">
          {/* Desktop-only settings are not shown in the headless dashboard; the browser has its own notifications. */}
          {info.mode === 'electron' ? (
            <>
              <Checkbox label="Desktop notifications" hint="Native notifications when a check goes down, stays down, or recovers." checked={notifications} onChange={setNotifications} />
              <Checkbox label="Launch at login" hint="Start Kaavan in the tray when you log in." checked={launchAtLogin} onChange={setLaunchAtLogin} />
            </>
          ) : (
            <BrowserNotificationsSetting />
          )}
          <Checkbox label="Start with monitoring paused" hint="Applies the next time Kaavan starts." checked={startPaused} onChange={setStartPaused} />
        </div>
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving\u2026' : 'Save settings'}
          </button>
        </div>
      </form>
    </section>
  );
}

function SecretsCard() {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const secrets = useLoader(() => client.listSecrets(), [client]);
  const [editing, setEditing] = useState<{ mode: 'set'; name?: string } | { mode: 'delete'; secret: SecretInfo } | null>(null);
  const [busy, setBusy] = useState(false);
  const [deleteError, setDeleteError] = useState<string | null>(null);

  const remove = async (secret: SecretInfo) => {
    setBusy(true);
    setDeleteError(null);
    try {
      const result = await client.deleteSecret({ name: secret.name });
      toast({ tone: result.deleted ? 'success' : 'info', title: result.deleted ? `Deleted secret \u201c${secret.name}\u201d` : `\u201c${secret.name}\u201d was not in the keychain` });
      setEditing(null);
      secrets.reload();
    } catch (error) {
      setDeleteError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card settings-wide" aria-labelledby="secrets-heading">
      <div className="card-title-row">
        <h2 id="secrets-heading" className="card-title">
          Secrets
        </h2>
        <button type="button" className="btn btn-sm btn-primary" onClick={() => setEditing({ mode: 'set' })}>
          <Icon name="plus" size={14} /> Add secret
        </button>
      </div>
      <p className="field-hint">
        Passwords and keys referenced by name in the configuration (e.g. <code>passwordRef: smtp-ops</code>). Stored in the OS keychain; values are never shown
        again. On servers without a keychain, set <code>KAAVAN_SECRET_&lt;NAME&gt;</code> in the environment.
      </p>
      {secrets.error && (
        <p className="notice" role="alert" data-testid="secrets-error">
          <Icon name="alert" />
          <span>{secrets.error}</span>
        </p>
      )}
      {secrets.data && secrets.data.length === 0 && <p className="card-empty">No secrets stored.</p>}
      {secrets.data && secrets.data.length > 0 && (
        <table className="table table-compact">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col">
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {secrets.data.map((s) => (
              <tr key={`${s.source}:${s.name}`}>
                <td className="mono">{s.name}</td>
                <td>{s.source === 'keychain' ? 'OS keychain' : 'Environment variable'}</td>
                <td className="cell-actions">
                  <div className="row-actions">
                    <button type="button" className="btn btn-sm btn-ghost" onClick={() => setEditing({ mode: 'set', name: s.name })} aria-label={`Replace secret ${s.name}`}>
                      <Icon name="key" size={14} /> Replace
                    </button>
                    {s.source === 'keychain' && (
                      <button type="button" className="btn btn-sm btn-ghost btn-danger-ghost" onClick={() => setEditing({ mode: 'delete', secret: s })} aria-label={`Delete secret ${s.name}`}>
                        <Icon name="trash" size={14} /> Delete
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing?.mode === 'set' && (
        <SecretDialog
          name={editing.name}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            toast({ tone: 'success', title: `Saved secret \u201c${name}\u201d` });
            secrets.reload();
          }}
        />
      )}
      {editing?.mode === 'delete' && (
        <ConfirmDialog
          title={`Delete secret \u201c${editing.secret.name}\u201d?`}
          message="Checks and channels that reference it will fail until it is set again. This cannot be undone."
          confirmLabel="Delete secret"
          onConfirm={() => void remove(editing.secret)}
          onClose={() => {
            setEditing(null);
            setDeleteError(null);
          }}
          busy={busy}
          error={deleteError}
        />
      )}
    </section>
  );
}

function SecretDialog({ name: initialName, onClose, onSaved }: { name?: string; onClose: () => void; onSaved: (name: string) => void }) {
  const client = useApp((s) => s.client)!;
  const [name, setName] = useState(initialName ?? '');
  const [value, setValue] = useState('');
  const [issues, setIssues] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setIssues({});
    setError(null);
    try {
      await client.setSecret({ name: name.trim(), value });
      setValue('');
      onSaved(name.trim());
    } catch (err) {
      setBusy(false);
      if (err instanceof ClientError && err.issues.length) {
        const byField: Record<string, string[]> = {};
        for (const i of err.issues) (byField[i.path] ??= []).push(i.message);
        setIssues(byField);
      } else setError(errorMessage(err));
    }
  };

  return (
    <Dialog title={initialName ? `Replace \u201c${initialName}\u201d` : 'Add a secret'} description="The value goes straight to the keychain and is never shown again." onClose={onClose} busy={busy} testId="secret-dialog">
      <form onSubmit={submit} className="form" noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <Field label="Name" error={issues.name} hint="Letters, digits, dot, underscore and dash." testId="field-secret-name">
          {({ id, describedBy, invalid }) => (
            <input id={id} value={name} onChange={(e) => setName(e.target.value)} readOnly={Boolean(initialName)} aria-invalid={invalid || undefined} aria-describedby={describedBy} autoComplete="off" spellCheck={false} className="mono" data-autofocus={initialName ? undefined : true} />
          )}
        </Field>
        <Field label="Value" error={issues.value} testId="field-secret-value">
          {({ id, describedBy, invalid }) => (
            <input id={id} type="password" value={value} onChange={(e) => setValue(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} autoComplete="new-password" data-autofocus={initialName ? true : undefined} />
          )}
        </Field>
        <FormFooter busy={busy} onCancel={onClose} submitLabel={'Save secret'} submitDisabled={!value} />
      </form>
    </Dialog>
  );
}

function AboutCard() {
  const info = useApp((s) => s.info)!;
  return (
    <section className="card" aria-labelledby="about-heading">
      <h2 id="about-heading" className="card-title">
        About
      </h2>
      <dl className="facts">
        <div>
          <dt>Version</dt>
          <dd>{info.version}</dd>
        </div>
        <div>
          <dt>Mode</dt>
          <dd>{info.mode === 'electron' ? 'Desktop app' : 'Headless (kaavan serve)'}</dd>
        </div>
        <div>
          <dt>Configuration</dt>
          <dd className="mono break">{info.configLocation}</dd>
        </div>
        <div>
          <dt>Data folder</dt>
          <dd className="mono break">{info.dataDir}</dd>
        </div>
        <div>
          <dt>Check kinds</dt>
          <dd>{info.checkKinds.map((k) => k.title).join(', ')}</dd>
        </div>
      </dl>
    </section>
  );
}

/**
 * Export the configuration as YAML (the config file as written, comments included, when it is one)
 * or JSON; import one (YAML or JSON) after validating it. A YAML import keeps its comments.
 */
function ConfigFileCard() {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const fileRef = useRef<HTMLInputElement>(null);
  const [pending, setPending] = useState<{ file: string; text: string; targets: number } | null>(null);
  const [issues, setIssues] = useState<FieldIssue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const exportConfig = async (format: 'yaml' | 'json') => {
    try {
      const file = await client.exportConfig({ format });
      const blob = new Blob([file.text], { type: format === 'json' ? 'application/json' : 'application/yaml' });
      const href = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = href;
      a.download = file.fileName;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(href), 10_000);
    } catch (err) {
      toast({ tone: 'danger', title: 'Could not export the configuration', body: errorMessage(err) });
    }
  };

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    setIssues([]);
    setError(null);
    const isJson = file.name.toLowerCase().endsWith('.json');
    let text: string;
    let config: unknown;
    try {
      text = await file.text();
      // The YAML parser is loaded only when someone imports a YAML file.
      config = isJson ? JSON.parse(text) : (await import('yaml')).parse(text);
    } catch (err) {
      setError(`${file.name} is not valid ${isJson ? 'JSON' : 'YAML'}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      return;
    }
    try {
      const result = await client.validateConfig({ config });
      if (!result.ok) {
        setError(`${file.name} is not a valid Kaavan configuration:`);
        setIssues(result.issues);
        return;
      }
      const targets = Array.isArray((config as { targets?: unknown }).targets) ? (config as { targets: unknown[] }).targets.length : 0;
      setPending({ file: file.name, text, targets });
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  const replace = async () => {
    if (!pending) return;
    setBusy(true);
    try {
      const result = await client.importConfig({ text: pending.text, fileName: pending.file });
      toast({ tone: 'success', title: `Imported ${pending.file}`, body: result.keptComments ? 'Its comments are kept in the configuration file.' : undefined });
      setPending(null);
      useApp.setState((s) => ({ configRevision: s.configRevision + 1 }));
    } catch (err) {
      setPending(null);
      if (err instanceof ClientError && err.issues.length) {
        setError(`${pending.file} was refused:`);
        setIssues(err.issues);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="config-file-heading">
      <h2 id="config-file-heading" className="card-title">
        Configuration file
      </h2>
      <p className="field-hint">
        Export the whole configuration (targets, checks, settings; secret values are never in it) as YAML with its comments, or as JSON. Import one in YAML or
        JSON: it replaces everything, and a YAML file keeps its comments.
      </p>
      {error && (
        <div className="form-error" role="alert" data-testid="import-error">
          <Icon name="alert" />
          <div>
            <div>{error}</div>
            {issues.length > 0 && (
              <ul className="issue-list">
                {issues.map((i) => (
                  <li key={`${i.path}:${i.message}`}>
                    <code>{i.path}</code> {i.message}
                  </li>
                ))}
              </ul>
            )}
          </div>
        </div>
      )}
      <div className="config-file-actions form-actions-start">
        <button type="button" className="btn" onClick={() => void exportConfig('yaml')}>
          Export YAML
        </button>
        <button type="button" className="btn" onClick={() => void exportConfig('json')}>
          Export JSON
        </button>
        <button type="button" className="btn" onClick={() => fileRef.current?.click()}>
          Import&hellip;
        </button>
        <input ref={fileRef} type="file" accept=".json,.yaml,.yml,application/json,application/yaml,text/yaml" className="sr-only" tabIndex={-1} aria-hidden="true" onChange={(e) => void onFile(e)} />
      </div>
      {pending && (
        <ConfirmDialog
          title="Replace the configuration?"
          message={
            <>
              <strong>{pending.file}</strong> is valid and has {pending.targets === 1 ? '1 target' : `${pending.targets} targets`}. Importing it replaces every target, check and setting now in use.
            </>
          }
          confirmLabel="Replace configuration"
          onConfirm={() => void replace()}
          onClose={() => setPending(null)}
          busy={busy}
        />
      )}
    </section>
  );
}

type StatusPageSettings = NonNullable<Settings['statusPage']>;

/** The public status page of `kaavan serve`: off by default; a title, and optionally the only tags it shows. */
function StatusPageCard({ settings, onSaved }: { settings: StatusPageSettings | undefined; onSaved: () => void }) {
  const client = useApp((s) => s.client)!;
  const info = useApp((s) => s.info)!;
  const toast = useApp((s) => s.toast);
  const [enabled, setEnabled] = useState(settings?.enabled === true);
  const [title, setTitle] = useState(settings?.title ?? '');
  const [tags, setTags] = useState((settings?.tags ?? []).join(', '));
  const [issues, setIssues] = useState<Record<string, string[]>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setIssues({});
    setError(null);
    const tagList = tags
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean);
    const next: StatusPageSettings = { enabled, ...(title.trim() ? { title: title.trim() } : {}), ...(tagList.length ? { tags: tagList } : {}) };
    try {
      await client.updateSettings({ statusPage: next });
      toast({ tone: 'success', title: enabled ? 'Status page on' : 'Status page off' });
      onSaved();
    } catch (err) {
      if (err instanceof ClientError && err.issues.length) {
        const byField: Record<string, string[]> = {};
        for (const i of err.issues) (byField[i.path.split('.')[1] ?? ''] ??= []).push(i.message);
        setIssues(byField);
      } else setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const origin = info.mode === 'headless' ? window.location.origin : null;
  return (
    <section className="card" aria-labelledby="status-page-heading" data-testid="status-page-card">
      <h2 id="status-page-heading" className="card-title">
        Public status page
      </h2>
      <p className="field-hint status-page-intro">
        A read-only page without the token, served by <code>kaavan serve</code> at <code>/status</code> (every target) and <code>/status/&lt;tag&gt;</code>. It shows
        names, status and 24 h uptime; never secrets, probe messages, or the user or query of a URL.
      </p>
      <form onSubmit={submit} className="form" noValidate>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <Checkbox label="Serve the status page" checked={enabled} onChange={setEnabled} testId="status-page-enabled" />
        <div className="form-grid">
          <Field label="Title" hint="Default: Service status." error={issues.title} testId="field-status-title">
            {({ id, describedBy, invalid }) => <input id={id} value={title} placeholder="Service status" maxLength={80} onChange={(e) => setTitle(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} />}
          </Field>
          <Field label="Only these tags" hint="Comma-separated. Empty: every target, and a page for every tag." error={issues.tags} testId="field-status-tags">
            {({ id, describedBy, invalid }) => <input id={id} value={tags} placeholder="prod, public" onChange={(e) => setTags(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} />}
          </Field>
        </div>
        {settings?.enabled && origin && (
          <p className="field-hint status-page-link">
            Open it at{' '}
            <a href={`${origin}/status`} target="_blank" rel="noreferrer">
              {origin}/status
            </a>
            . To publish it, put a reverse proxy in front of this port.
          </p>
        )}
        <div className="form-actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? 'Saving\u2026' : 'Save status page'}
          </button>
        </div>
      </form>
    </section>
  );
}
