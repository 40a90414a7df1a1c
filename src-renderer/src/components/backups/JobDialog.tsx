// Add / edit a backup job. While typing, the job is validated by the server (validateBackupJob,
// debounced) and each issue shows next to its field once that field was touched (all of them after
// a submit); saveBackupJob's issues are placed the same way.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import type { FieldIssue } from '../../../../src-main/core/api/errors';
import type { BackupJob } from '../../../../src-main/core/backup/job-schema';
import { useApp } from '../../state/store';
import { ClientError, errorMessage } from '../../client/client';
import { useDebounced } from '../../lib/hooks';
import { Dialog, FormFooter } from '../Dialog';
import { Checkbox, Field } from '../Field';
import { formFromJob, issuesByField, jobFromForm, localFolderPaths, rowIssues, type JobField, type JobFormState } from './job-form-model';
import { SourceRows } from './SourceRows';

export function JobDialog({ job, sshTargets = [], onClose, onSaved }: { job?: BackupJob; /** Targets with ssh:, where sources can be. */ sshTargets?: string[]; onClose: () => void; onSaved: (name: string) => void }) {
  const client = useApp((s) => s.client)!;
  const [form, setForm] = useState<JobFormState>(() => formFromJob(job));
  const [touched, setTouched] = useState<Partial<Record<JobField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [liveIssues, setLiveIssues] = useState<FieldIssue[]>([]);
  const [submitIssues, setSubmitIssues] = useState<FieldIssue[] | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const candidateJson = useMemo(() => JSON.stringify(jobFromForm(form, job)), [form, job]);
  const debouncedJson = useDebounced(candidateJson, 300);
  useEffect(() => {
    let cancelled = false;
    client.validateBackupJob({ job: JSON.parse(debouncedJson) as unknown }).then(
      (result) => {
        if (cancelled) return;
        // Editing a job: its own name is not taken.
        setLiveIssues(job ? result.issues.filter((i) => !(i.path === 'name' && JSON.parse(debouncedJson).name === job.name)) : result.issues);
      },
      () => undefined,
    );
    return () => {
      cancelled = true;
    };
  }, [client, debouncedJson, job]);

  const localFolders = localFolderPaths(form).length;
  const issues = issuesByField(submitIssues ?? liveIssues, localFolders);
  const sourceErrors = rowIssues(submitIssues ?? liveIssues, localFolders, form.sources.length);
  const errorOf = (field: JobField) => (submitted || touched[field] ? (issues[field] ?? null) : null);
  const set = <K extends JobField>(field: K, value: JobFormState[K]) => {
    setForm((f) => ({ ...f, [field]: value }));
    setTouched((t) => ({ ...t, [field]: true }));
    setSubmitIssues(null);
  };
  const input = (field: Exclude<JobField, 'forcePathStyle' | 'type' | 'destKind' | 'sources'>, label: string, opts: { hint?: string; optional?: boolean; placeholder?: string; mono?: boolean } = {}) => (
    <Field label={label} hint={opts.hint} optional={opts.optional} error={errorOf(field)} testId={`job-${field}`}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          className={opts.mono ? 'mono' : undefined}
          value={form[field]}
          placeholder={opts.placeholder}
          onChange={(e) => set(field, e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          data-testid={`job-${field}-input`}
        />
      )}
    </Field>
  );

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSubmitted(true);
    setSubmitError(null);
    setBusy(true);
    try {
      const candidate = jobFromForm(form, job);
      await client.saveBackupJob({ ...(job ? { originalName: job.name } : {}), job: candidate });
      onSaved(String(candidate.name));
    } catch (error) {
      if (error instanceof ClientError && error.issues?.length) setSubmitIssues(error.issues);
      else setSubmitError(errorMessage(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog title={job ? `Edit backup job ${job.name}` : 'New backup job'} onClose={onClose} size="lg" busy={busy} testId="job-dialog">
      <form onSubmit={submit} noValidate className="backup-job-form">
        <div className="form-grid">
          {input('name', 'Name', { placeholder: 'documents' })}
          <Field label="Type" hint="Intelligent: a full run when the chain of incrementals gets long or old, else incremental." testId="job-type">
            {({ id, describedBy }) => (
              <select id={id} value={form.type} onChange={(e) => set('type', e.target.value as JobFormState['type'])} aria-describedby={describedBy} data-testid="job-type-input">
                <option value="intelligent">Intelligent</option>
                <option value="incremental">Incremental</option>
                <option value="full">Full every time</option>
              </select>
            )}
          </Field>
        </div>
        <Field label="Folders on this computer" hint="One folder per line; ~ is your home folder." error={errorOf('folders')} testId="job-folders">
          {({ id, describedBy, invalid }) => (
            <textarea id={id} className="mono" rows={3} value={form.folders} onChange={(e) => set('folders', e.target.value)} aria-describedby={describedBy} aria-invalid={invalid} data-testid="job-folders-input" placeholder="~/Documents" />
          )}
        </Field>
        <SourceRows rows={form.sources} sshTargets={sshTargets} errors={sourceErrors} showAll={submitted} onChange={(rows) => set('sources', rows)} />
        {input('exclude', 'Exclude', { optional: true, hint: 'Patterns separated by commas, applied to every folder, e.g. *.tmp, node_modules', mono: true })}

        <fieldset className="backup-fieldset">
          <legend>Destination</legend>
          <div className="segmented" role="radiogroup" aria-label="Destination kind">
            {(['local', 's3'] as const).map((kind) => (
              <label key={kind} className={`segmented-option${form.destKind === kind ? ' is-selected' : ''}`}>
                <input type="radio" name="dest-kind" value={kind} checked={form.destKind === kind} onChange={() => set('destKind', kind)} data-testid={`job-dest-${kind}`} />
                {kind === 'local' ? 'Folder or disk' : 'S3 bucket'}
              </label>
            ))}
          </div>
          {issues.destKind && (submitted || touched.destKind) && <p className="field-error">{issues.destKind.join('; ')}</p>}
          {form.destKind === 'local' ? (
            input('destPath', 'Folder', { placeholder: '/mnt/backup', mono: true })
          ) : (
            <>
              <div className="form-grid">
                {input('bucket', 'Bucket', { placeholder: 'my-backups' })}
                {input('prefix', 'Prefix', { optional: true, placeholder: 'laptop/' })}
                {input('region', 'Region', { optional: true, placeholder: 'us-east-1' })}
                {input('endpoint', 'Endpoint', { optional: true, placeholder: 'https://s3.example.com', hint: 'For S3-compatible services; empty for AWS.' })}
                {input('accessKeyRef', 'Access key secret', { optional: true, hint: 'The name of a secret (Settings → Secrets), not the key itself.' })}
                {input('secretKeyRef', 'Secret key secret', { optional: true })}
              </div>
              <Checkbox label="Path-style addresses" hint="Needed by most self-hosted S3 servers." checked={form.forcePathStyle} onChange={(v) => set('forcePathStyle', v)} />
            </>
          )}
        </fieldset>

        <div className="form-grid">
          {input('schedule', 'Schedule', { optional: true, placeholder: '0 2 * * *', mono: true, hint: 'A cron expression (minute hour day month weekday); empty runs on demand only. Missed runs are caught up.' })}
          {input('passphraseRef', 'Encryption passphrase secret', { optional: true, hint: 'The name of a secret holding the passphrase; empty stores the archive unencrypted.' })}
        </div>
        <fieldset className="backup-fieldset">
          <legend>Retention</legend>
          <div className="form-grid form-grid-4">
            {input('keepLast', 'Keep last', { optional: true, placeholder: '7' })}
            {input('keepDaily', 'Daily', { optional: true, placeholder: '14' })}
            {input('keepWeekly', 'Weekly', { optional: true, placeholder: '8' })}
            {input('keepMonthly', 'Monthly', { optional: true, placeholder: '12' })}
          </div>
        </fieldset>
        {(submitError || (submitted && issues.form)) && (
          <p className="form-error" role="alert">
            {submitError ?? issues.form?.join('; ')}
          </p>
        )}
        <FormFooter busy={busy} onCancel={onClose} submitLabel={job ? 'Save job' : 'Add job'} submitTestId="job-save" />
      </form>
    </Dialog>
  );
}
