// Add / edit a check. The fields come from the kind's own form description (ServiceInfo.checkKinds,
// written next to each kind in core/checks/kinds); there is no per-kind code here. While typing, the
// check is validated by the server's own schema (validateCheck, debounced) and each issue is shown
// next to the field its path names; on submit the issues returned by saveCheck are placed the same way.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { CheckConfig } from '../../../src-main/core/config/schema';
import type { FieldIssue } from '../../../src-main/core/api/errors';
import type { FormFieldSpec } from '../../../src-main/core/checks/form';
import { useApp } from '../state/store';
import { ClientError, errorMessage } from '../client/client';
import { useDebounced } from '../lib/hooks';
import { ConfirmDialog, Dialog, FormFooter } from '../components/Dialog';
import { Checkbox, Field } from '../components/Field';
import { Icon } from '../components/icons';
import { KEPT_OPTION, checkFromForm, fieldsFor, formFromCheck, issuesByField, withKind, type CheckFormState, type FieldValue, type MapRow, type RecordRow } from './check-form-model';
import { healHostLabel, healToConfirm, type HealToConfirm } from './heal-confirm';
import '../styles/host.css';

const MAIN_SECTION = 'What to check';
const SECRET_LIST_ID = 'check-secret-names';

/** "not set yet" when a referenced secret does not exist (null while the list is unknown). */
function missingSecret(name: string, known: string[] | null): string | null {
  const trimmed = name.trim();
  if (!trimmed || known === null || known.includes(trimmed)) return null;
  return `The secret “${trimmed}” is not set yet: add it in Settings → Secrets (or kaavan secret set ${trimmed}); until then the probe is down.`;
}

/** The field's hint: its help, and the default when one applies. */
function hintOf(field: FormFieldSpec): string | undefined {
  const def = field.default !== undefined && field.type !== 'boolean' ? `Default: ${String(field.default)}.` : '';
  return [field.help, def].filter(Boolean).join(' ') || undefined;
}

export function CheckDialog({
  target,
  check,
  onClose,
  onSaved,
}: {
  target: string;
  /** The check being edited; undefined to add one. */
  check?: CheckConfig;
  onClose: () => void;
  onSaved: (name: string) => void;
}) {
  const client = useApp((s) => s.client)!;
  const info = useApp((s) => s.info)!;
  const kinds = info.checkKinds;
  const [form, setForm] = useState<CheckFormState>(() => formFromCheck(check, kinds, kinds[0]?.kind ?? 'http'));
  const [dirty, setDirty] = useState<Record<string, boolean>>({});
  const [submitted, setSubmitted] = useState(false);
  const [liveIssues, setLiveIssues] = useState<FieldIssue[]>([]);
  const [submitIssues, setSubmitIssues] = useState<FieldIssue[] | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  // Names of the secrets that exist (never their values), offered while typing a reference.
  const [secretNames, setSecretNames] = useState<string[] | null>(null);
  useEffect(() => {
    client.listSecrets().then(
      (list) => setSecretNames(list.map((s) => s.name)),
      () => setSecretNames(null),
    );
  }, [client]);

  const fields = useMemo(() => fieldsFor(kinds, form.kind), [kinds, form.kind]);
  const candidate = useMemo(() => checkFromForm(form, kinds, check), [form, kinds, check]);
  const candidateJson = JSON.stringify(candidate);
  const debouncedJson = useDebounced(candidateJson, 350);

  // Live validation with the server's schema.
  useEffect(() => {
    let cancelled = false;
    client.validateCheck({ check: JSON.parse(debouncedJson) as unknown }).then(
      (result) => {
        if (!cancelled) setLiveIssues(result.issues);
      },
      () => {
        // Transport trouble shows in the banner; keep the last known issues.
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, debouncedJson]);

  const set = (path: string, value: FieldValue) => {
    setForm((f) => ({ ...f, values: { ...f.values, [path]: value } }));
    setDirty((d) => ({ ...d, [path]: true }));
    setSubmitIssues(null);
  };
  const setKind = (kind: string) => {
    setForm((f) => withKind(f, kinds, kind));
    setDirty((d) => ({ ...d, kind: true }));
    setSubmitIssues(null);
  };

  // After a submit, the server's answer wins until the next edit; otherwise the live result.
  const issues = submitIssues ?? liveIssues;
  const sorted = issuesByField(issues, fields);
  const errorFor = (path: string): string[] | null => {
    if (!submitted && !dirty[path]) return null;
    return sorted.fields[path] ?? null;
  };

  // A save that turns a heal on waits for this confirmation; cancelling it keeps the form open.
  const [healConfirm, setHealConfirm] = useState<HealToConfirm | null>(null);

  const focusFirstProblem = () => requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setSubmitError(null);
    if (!healToConfirm(check, candidate, '')) return save();
    // Only a valid check is worth confirming: its problems are shown first. The target's SSH host
    // is read now, so the confirmation names where the command will really run.
    setBusy(true);
    try {
      const [{ issues: found }, config] = await Promise.all([client.validateCheck({ check: candidate }), client.getConfig()]);
      setBusy(false);
      if (found.length) {
        setSubmitIssues(found);
        focusFirstProblem();
      } else setHealConfirm(healToConfirm(check, candidate, healHostLabel(config.targets?.find((t) => t.name === target)?.ssh)));
    } catch (error) {
      setBusy(false);
      setSubmitError(errorMessage(error));
    }
  };

  const save = async () => {
    setBusy(true);
    try {
      await client.saveCheck({ target, ...(check ? { originalName: check.name } : {}), check: candidate });
      onSaved(String(candidate.name));
    } catch (error) {
      setBusy(false);
      if (error instanceof ClientError && error.code === 'invalid_input' && error.issues.length) {
        setSubmitIssues(error.issues);
        setSubmitError(null);
        // Move focus to the first field with a problem.
        focusFirstProblem();
      } else {
        setSubmitError(errorMessage(error));
      }
    }
  };

  const generalIssues = submitted ? sorted.general : [];
  const sections: Array<{ title: string; fields: FormFieldSpec[] }> = [];
  for (const field of fields) {
    const title = field.section ?? MAIN_SECTION;
    let section = sections.find((s) => s.title === title);
    if (!section) sections.push((section = { title, fields: [] }));
    section.fields.push(field);
  }

  return (
    <>
      <Dialog
        title={check ? `Edit check \u201c${check.name}\u201d` : `Add a check to \u201c${target}\u201d`}
        onClose={onClose}
        size="lg"
        busy={busy}
        testId="check-dialog"
      >
        <form ref={formRef} onSubmit={submit} className="form" noValidate>
          {(generalIssues.length > 0 || submitError) && (
            <div className="form-error" role="alert" data-testid="form-error">
              <Icon name="alert" />
              <div>
                {submitError && <div>{submitError}</div>}
                {generalIssues.map((i) => (
                  <div key={`${i.path}:${i.message}`}>
                    {i.path !== '(root)' && <code>{i.path}</code>} {i.message}
                  </div>
                ))}
              </div>
            </div>
          )}
          {sections.map((section) => (
            <fieldset key={section.title} className="form-section">
              <legend>{section.title}</legend>
              <div className="form-grid">
                {section.title === MAIN_SECTION && (
                  <Field label="Kind" error={errorFor('kind')} testId="field-kind">
                    {({ id, describedBy, invalid }) => (
                      <select id={id} value={form.kind} onChange={(e) => setKind(e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} data-testid="input-kind">
                        {kinds.map((k) => (
                          <option key={k.kind} value={k.kind}>
                            {k.title}
                          </option>
                        ))}
                      </select>
                    )}
                  </Field>
                )}
                {section.fields.map((field) => (
                  <FormFieldInput
                    key={field.path}
                    field={field}
                    secretNames={secretNames}
                    value={form.values[field.path]}
                    onChange={(v) => set(field.path, v)}
                    error={errorFor(field.path)}
                    autoFocus={field.path === 'name'}
                  />
                ))}
              </div>
            </fieldset>
          ))}
          <datalist id={SECRET_LIST_ID}>
            {(secretNames ?? []).map((n) => (
              <option key={n} value={n} />
            ))}
          </datalist>
          <FormFooter busy={busy} onCancel={onClose} submitLabel={check ? 'Save check' : 'Add check'} submitTestId="check-save" />
        </form>
      </Dialog>
      {healConfirm && (
        <HealConfirmDialog
          heal={healConfirm}
          subject={`${target} / ${String(candidate.name)}`}
          onClose={() => setHealConfirm(null)}
          onConfirm={() => {
            setHealConfirm(null);
            void save();
          }}
        />
      )}
    </>
  );
}

/** The Delivery screen's "Turn on self-healing?" wording, for a heal the form is about to turn on. */
function HealConfirmDialog({ heal, subject, onClose, onConfirm }: { heal: HealToConfirm; subject: string; onClose: () => void; onConfirm: () => void }) {
  return (
    <ConfirmDialog
      title="Turn on self-healing?"
      tone="primary"
      confirmLabel="Turn on and save"
      onClose={onClose}
      onConfirm={onConfirm}
      message={
        <>
          When <strong>{subject}</strong> goes down, Kaavan will{' '}
          {heal.kind === 'command' ? (
            <>
              run this command on <strong data-testid="heal-confirm-host">{heal.host}</strong>, with Kaavan’s rights
            </>
          ) : (
            'send this request'
          )}
          :
          <code className="heal-confirm-command" data-testid="heal-confirm-command">
            {heal.action}
          </code>
          At most {heal.maxAttempts} times per outage, {heal.cooldown} apart; after {heal.breakerFailures} failed heals the circuit breaker stops it for a while. Every attempt is in the audit log.
        </>
      }
    />
  );
}

/** One field of a kind's form, by its type. Test ids use the path ("input-expect.status"). */
function FormFieldInput({
  field,
  value,
  onChange,
  error,
  autoFocus,
  secretNames,
}: {
  field: FormFieldSpec;
  value: FieldValue | undefined;
  onChange: (value: FieldValue) => void;
  error: string[] | null;
  autoFocus?: boolean;
  secretNames: string[] | null;
}) {
  // A value the form cannot show (anomaly thresholds written by hand) stays selectable once chosen away.
  const [keptAtStart] = useState(value === KEPT_OPTION);
  const missing = field.type === 'secret' && typeof value === 'string' ? missingSecret(value, secretNames) : null;
  const hint = missing ?? hintOf(field);
  const testId = `field-${field.path}`;
  if (field.type === 'boolean') {
    return (
      <div className="stack-sm" data-testid={testId}>
        <Checkbox label={field.label} hint={field.help} checked={value === true} onChange={onChange} testId={`input-${field.path}`} />
        {error && <div className="field-error">{error.join('; ')}</div>}
      </div>
    );
  }
  if (field.type === 'map') return <MapTable field={field} rows={(value as MapRow[] | undefined) ?? []} onChange={onChange} error={error} hint={hint} secretNames={secretNames} />;
  if (field.type === 'rows') return <RecordTable field={field} rows={(value as RecordRow[] | undefined) ?? []} onChange={onChange} error={error} hint={hint} />;
  const textValue = typeof value === 'string' ? value : '';
  const wide = field.multiline || field.type === 'list';
  return (
    <Field label={field.label} hint={hint} error={error} optional={!field.required} testId={testId} className={wide ? 'field-wide' : undefined}>
      {({ id, describedBy, invalid }) => {
        const common = {
          id,
          'aria-invalid': invalid || undefined,
          'aria-describedby': describedBy,
          'data-testid': `input-${field.path}`,
          className: field.mono ? 'mono' : undefined,
        };
        if (field.type === 'select') {
          return (
            <select {...common} value={textValue} onChange={(e) => onChange(e.target.value)}>
              <option value="">{field.default !== undefined ? `Default (${String(field.default)})` : '—'}</option>
              {(field.options ?? []).map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
              {(keptAtStart || textValue === KEPT_OPTION) && <option value={KEPT_OPTION}>{field.keptLabel ?? 'as written in the file'}</option>}
            </select>
          );
        }
        if (field.multiline || (field.type === 'list' && field.separator !== 'comma')) {
          return <textarea {...common} rows={field.type === 'list' ? 3 : 4} value={textValue} placeholder={field.placeholder} spellCheck={false} onChange={(e) => onChange(e.target.value)} />;
        }
        return (
          <input
            {...common}
            type="text"
            value={textValue}
            placeholder={field.type === 'secret' ? (field.placeholder ?? 'secret name, e.g. api-token') : field.placeholder}
            autoComplete="off"
            spellCheck={false}
            data-autofocus={autoFocus || undefined}
            list={field.type === 'secret' ? SECRET_LIST_ID : undefined}
            onChange={(e) => onChange(e.target.value)}
          />
        );
      }}
    </Field>
  );
}

/** Name → value pairs (HTTP headers) as a table; a value may be the name of a secret instead. */
function MapTable({
  field,
  rows,
  onChange,
  error,
  hint,
  secretNames,
}: {
  field: FormFieldSpec;
  rows: MapRow[];
  onChange: (rows: MapRow[]) => void;
  error: string[] | null;
  hint?: string;
  secretNames: string[] | null;
}) {
  const missing = rows.filter((r) => r.secret).map((r) => missingSecret(r.value, secretNames)).find(Boolean);
  const update = (i: number, change: Partial<MapRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const keyLabel = field.keyLabel ?? 'Name';
  return (
    <div className={`field field-wide${error ? ' field-invalid' : ''}`} data-testid={`field-${field.path}`}>
      <span className="field-label">
        {field.label}
        {!field.required && <span className="field-optional">optional</span>}
      </span>
      {rows.length > 0 && (
        <table className="table table-compact form-table">
          <colgroup>
            <col className="col-key" />
            <col />
            {field.secretValues && <col className="col-secret" />}
            <col className="col-remove" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">{keyLabel}</th>
              <th scope="col">Value</th>
              {field.secretValues && <th scope="col">Secret</th>}
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} data-testid={`row-${field.path}`}>
                <td>
                  <input className="mono" aria-label={`${keyLabel} ${i + 1}`} value={row.name} placeholder="X-Api-Key" onChange={(e) => update(i, { name: e.target.value })} data-testid={`input-${field.path}-name`} />
                </td>
                <td>
                  <input
                    className="mono"
                    aria-label={row.secret ? `Secret name for ${row.name || `${keyLabel.toLowerCase()} ${i + 1}`}` : `Value of ${row.name || `${keyLabel.toLowerCase()} ${i + 1}`}`}
                    value={row.value}
                    placeholder={row.secret ? 'secret name' : 'value'}
                    list={row.secret ? SECRET_LIST_ID : undefined}
                    onChange={(e) => update(i, { value: e.target.value })}
                    data-testid={`input-${field.path}-value`}
                  />
                </td>
                {field.secretValues && (
                  <td className="cell-center">
                    <input type="checkbox" aria-label={`${row.name || keyLabel} comes from a secret`} checked={row.secret} onChange={(e) => update(i, { secret: e.target.checked })} data-testid={`input-${field.path}-secret`} />
                  </td>
                )}
                <td className="cell-actions">
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove ${row.name || `row ${i + 1}`}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    <Icon name="trash" size={14} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div>
        <button type="button" className="btn btn-sm" onClick={() => onChange([...rows, { name: '', value: '', secret: false }])} data-testid={`add-${field.path}`}>
          <Icon name="plus" size={14} /> Add {keyLabel.toLowerCase()}
        </button>
      </div>
      {error ? (
        <div className="field-error">
          <Icon name="alert" size={14} />
          <span>{error.join('; ')}</span>
        </div>
      ) : (
        (missing ?? hint) && <div className="field-hint">{missing ?? hint}</div>
      )}
    </div>
  );
}

/** A list of small records (log patterns with a severity) as a table. */
function RecordTable({ field, rows, onChange, error, hint }: { field: FormFieldSpec; rows: RecordRow[]; onChange: (rows: RecordRow[]) => void; error: string[] | null; hint?: string }) {
  const columns = field.columns ?? [];
  const update = (i: number, key: string, value: string) => onChange(rows.map((r, j) => (j === i ? { ...r, [key]: value } : r)));
  return (
    <div className={`field field-wide${error ? ' field-invalid' : ''}`} data-testid={`field-${field.path}`}>
      <span className="field-label">
        {field.label}
        {!field.required && <span className="field-optional">optional</span>}
      </span>
      {rows.length > 0 && (
        <table className="table table-compact form-table">
          <colgroup>
            {columns.map((c) => (
              <col key={c.key} className={c.type === 'select' ? 'col-select' : undefined} />
            ))}
            <col className="col-remove" />
          </colgroup>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col">
                  {c.label}
                </th>
              ))}
              <th scope="col">
                <span className="sr-only">Remove</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={i} data-testid={`row-${field.path}`}>
                {columns.map((c) => (
                  <td key={c.key}>
                    {c.type === 'select' ? (
                      <select aria-label={`${c.label} ${i + 1}`} value={row[c.key] ?? ''} onChange={(e) => update(i, c.key, e.target.value)} data-testid={`input-${field.path}-${c.key}`}>
                        <option value="">default</option>
                        {(c.options ?? []).map((o) => (
                          <option key={o}>{o}</option>
                        ))}
                      </select>
                    ) : (
                      <input className="mono" aria-label={`${c.label} ${i + 1}`} value={row[c.key] ?? ''} placeholder={c.placeholder} onChange={(e) => update(i, c.key, e.target.value)} data-testid={`input-${field.path}-${c.key}`} />
                    )}
                  </td>
                ))}
                <td className="cell-actions">
                  <button type="button" className="btn btn-sm btn-ghost" aria-label={`Remove row ${i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                    <Icon name="trash" size={14} />
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div>
        <button type="button" className="btn btn-sm" onClick={() => onChange([...rows, {}])} data-testid={`add-${field.path}`}>
          <Icon name="plus" size={14} /> Add
        </button>
      </div>
      {error ? (
        <div className="field-error">
          <Icon name="alert" size={14} />
          <span>{error.join('; ')}</span>
        </div>
      ) : (
        hint && <div className="field-hint">{hint}</div>
      )}
    </div>
  );
}
