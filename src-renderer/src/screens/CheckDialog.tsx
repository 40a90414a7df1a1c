// Add / edit a check. The form adapts to the kind; while typing, the check is validated by the
// server's own schema (validateCheck, debounced) and each issue is shown next to the field its path
// names; on submit the issues returned by saveCheck are placed the same way.
import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { CheckConfig } from '../../../src-main/core/config/schema';
import type { FieldIssue } from '../../../src-main/core/api/errors';
import { useApp } from '../state/store';
import { ClientError, errorMessage } from '../client/client';
import { useDebounced } from '../lib/hooks';
import { Dialog, FormFooter } from '../components/Dialog';
import { Checkbox, Field } from '../components/Field';
import { Icon } from '../components/icons';
import { checkFromForm, formFromCheck, issuesByField, type CheckFormState, type FormField } from './check-form-model';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

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
  const [form, setForm] = useState<CheckFormState>(() => formFromCheck(check, kinds[0]?.kind ?? 'http'));
  const [dirty, setDirty] = useState<Partial<Record<FormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [liveIssues, setLiveIssues] = useState<FieldIssue[]>([]);
  const [submitIssues, setSubmitIssues] = useState<FieldIssue[] | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);

  const candidate = useMemo(() => checkFromForm(form, check), [form, check]);
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

  const set = <K extends FormField>(key: K, value: CheckFormState[K]) => {
    setForm((f) => ({ ...f, [key]: value }));
    setDirty((d) => ({ ...d, [key]: true }));
    setSubmitIssues(null);
  };

  // After a submit, the server's answer wins until the next edit; otherwise the live result.
  const issues = submitIssues ?? liveIssues;
  const sorted = issuesByField(issues);
  const errorFor = (field: FormField): string[] | null => {
    if (!submitted && !dirty[field]) return null;
    return sorted.fields[field] ?? null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSubmitted(true);
    setSubmitError(null);
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
        requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      } else {
        setSubmitError(errorMessage(error));
      }
    }
  };

  const generalIssues = submitted ? sorted.general : [];
  const isHttp = form.kind === 'http';
  const isTcp = form.kind === 'tcp';

  const text = (field: FormField, props: { label: string; placeholder?: string; hint?: string; optional?: boolean; type?: string; mono?: boolean; autoFocus?: boolean; inputMode?: 'numeric' }) => (
    <Field label={props.label} hint={props.hint} error={errorFor(field)} optional={props.optional} testId={`field-${field}`}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          type={props.type ?? 'text'}
          inputMode={props.inputMode}
          className={props.mono ? 'mono' : undefined}
          value={form[field] as string}
          onChange={(e) => set(field, e.target.value as never)}
          placeholder={props.placeholder}
          aria-invalid={invalid || undefined}
          aria-describedby={describedBy}
          autoComplete="off"
          spellCheck={false}
          data-testid={`input-${field}`}
          data-autofocus={props.autoFocus || undefined}
        />
      )}
    </Field>
  );

  return (
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
        <fieldset className="form-section">
          <legend>What to check</legend>
          <div className="form-grid">
            {text('name', { label: 'Name', placeholder: 'homepage', hint: 'Unique within this target.', autoFocus: true })}
            <Field label="Kind" error={errorFor('kind')} testId="field-kind">
              {({ id, describedBy, invalid }) => (
                <select id={id} value={form.kind} onChange={(e) => set('kind', e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} data-testid="input-kind">
                  {kinds.map((k) => (
                    <option key={k.kind} value={k.kind}>
                      {k.title}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          {isHttp && (
            <div className="form-grid form-grid-url">
              {text('url', { label: 'URL', placeholder: 'https://example.com/health', mono: true, type: 'url' })}
              <Field label="Method" error={errorFor('method')} testId="field-method">
                {({ id, describedBy, invalid }) => (
                  <select id={id} value={form.method} onChange={(e) => set('method', e.target.value)} aria-invalid={invalid || undefined} aria-describedby={describedBy} data-testid="input-method">
                    {METHODS.map((m) => (
                      <option key={m}>{m}</option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          )}
          {isTcp && (
            <div className="form-grid form-grid-url">
              {text('host', { label: 'Host', placeholder: 'db.example.com', mono: true, hint: 'A host name or IP address, without scheme or port.' })}
              {text('port', { label: 'Port', placeholder: '5432', inputMode: 'numeric' })}
            </div>
          )}
        </fieldset>

        <fieldset className="form-section">
          <legend>Schedule</legend>
          <div className="form-grid form-grid-3">
            {text('interval', { label: 'Interval', placeholder: '1m', hint: 'e.g. 30s, 5m', optional: true })}
            {text('timeout', { label: 'Timeout', placeholder: 'auto', hint: 'Default: 80% of the interval, at most 10s', optional: true })}
            {text('retries', { label: 'Retries', placeholder: '1', hint: 'Failures tolerated before DOWN', optional: true, inputMode: 'numeric' })}
          </div>
          <Checkbox label="Enabled" hint="Disabled checks keep their history but are not run." checked={form.enabled} onChange={(v) => set('enabled', v)} testId="input-enabled" />
        </fieldset>

        <fieldset className="form-section">
          <legend>{isHttp ? 'Expectations' : 'Thresholds'}</legend>
          {isHttp && (
            <div className="form-grid">
              {text('status', { label: 'Expected status', placeholder: '200-299', hint: 'Codes, ranges or classes, comma separated: 200, 301-302, 2xx', optional: true, mono: true })}
              {text('maxLatency', { label: 'Slow above', placeholder: 'e.g. 800ms', hint: 'Slower answers count as degraded.', optional: true })}
              {text('keyword', { label: 'Body must contain', placeholder: 'ok', optional: true })}
              {text('keywordAbsent', { label: 'Body must not contain', placeholder: 'error', optional: true })}
            </div>
          )}
          {isTcp && <div className="form-grid">{text('maxLatency', { label: 'Slow above', placeholder: 'e.g. 200ms', hint: 'Slower connects count as degraded.', optional: true })}</div>}
          {isHttp && (
            <div className="form-grid">
              <div className="stack-sm">
                <Checkbox label="Follow redirects" checked={form.followRedirects} onChange={(v) => set('followRedirects', v)} testId="input-followRedirects" />
                <Checkbox label="Ignore TLS certificate errors" hint="Self-signed, expired or wrong-host certificates pass." checked={form.ignoreTls} onChange={(v) => set('ignoreTls', v)} testId="input-ignoreTls" />
                {errorFor('followRedirects') || errorFor('ignoreTls') ? (
                  <div className="field-error">{[...(errorFor('followRedirects') ?? []), ...(errorFor('ignoreTls') ?? [])].join('; ')}</div>
                ) : null}
              </div>
              {text('maxBodySize', { label: 'Read at most', placeholder: '1MB', hint: 'Body bytes scanned for keywords.', optional: true })}
            </div>
          )}
        </fieldset>

        <FormFooter busy={busy} onCancel={onClose} submitLabel={check ? 'Save check' : 'Add check'} submitTestId="check-save" />
      </form>
    </Dialog>
  );
}
