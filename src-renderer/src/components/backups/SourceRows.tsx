// The job form's sources beyond the folders of this computer: a folder on an SSH target, or a
// PostgreSQL dump run on this computer or on an SSH target. Each row says where its source is.
import { useState } from 'react';
import { Field } from '../Field';
import { emptySourceRow, type SourceRow, type SourceRowField } from './job-form-model';
import '../../styles/backup-sources.css';

type RowErrors = Partial<Record<SourceRowField | 'row', string[]>>;

export function SourceRows({
  rows,
  sshTargets,
  errors,
  showAll,
  onChange,
}: {
  rows: SourceRow[];
  /** Names of the configuration's targets that have ssh:. */
  sshTargets: string[];
  /** Per row; a field's errors show once it was edited, all of them after a submit (showAll). */
  errors: RowErrors[];
  showAll: boolean;
  onChange: (rows: SourceRow[]) => void;
}) {
  // "row:field" of the fields edited so far: a row just added does not open with errors.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  const update = (index: number, patch: Partial<SourceRow>) => {
    setTouched((t) => new Set([...t, ...Object.keys(patch).map((field) => `${index}:${field}`)]));
    onChange(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)));
  };
  const add = (kind: SourceRow['kind']) => onChange([...rows, emptySourceRow(kind, kind === 'folder' ? (sshTargets[0] ?? '') : '')]);
  const remove = (index: number) => {
    // Later rows move up: what was touched there moves with them.
    setTouched((t) => new Set([...t].flatMap((key) => {
      const [at, field] = key.split(':') as [string, string];
      return Number(at) < index ? [key] : Number(at) > index ? [`${Number(at) - 1}:${field}`] : [];
    })));
    onChange(rows.filter((_, i) => i !== index));
  };

  return (
    <fieldset className="backup-fieldset" data-testid="job-sources">
      <legend>Servers and databases</legend>
      {rows.length === 0 && <p className="field-hint">Folders on a server (read over its SSH connection) and PostgreSQL dumps, here or on a server.</p>}
      {rows.map((row, index) => {
        const all = errors[index] ?? {};
        // A target problem shows at once (it is about the file, not about typing); the rest once edited.
        const shown = (field: SourceRowField) => (showAll || field === 'where' || touched.has(`${index}:${field}`) ? (all[field] ?? null) : null);
        const err = { kind: shown('kind'), where: shown('where'), row: showAll || [...touched].some((k) => k.startsWith(`${index}:`)) ? (all.row ?? null) : null };
        const testId = `job-source-${index}`;
        // A target named in the file that has no ssh: (or no longer exists) stays visible, so its error makes sense.
        const choices = row.where && !sshTargets.includes(row.where) ? [...sshTargets, row.where] : sshTargets;
        const text = (field: SourceRowField & keyof SourceRow, label: string, opts: { placeholder?: string; optional?: boolean; mono?: boolean; hint?: string } = {}) => (
          <Field label={label} optional={opts.optional} hint={opts.hint} error={shown(field)} testId={`${testId}-${field}`}>
            {({ id, describedBy, invalid }) => (
              <input
                id={id}
                className={opts.mono ? 'mono' : undefined}
                value={row[field] as string}
                placeholder={opts.placeholder}
                onChange={(e) => update(index, { [field]: e.target.value })}
                aria-describedby={describedBy}
                aria-invalid={invalid}
                data-testid={`${testId}-${field}-input`}
              />
            )}
          </Field>
        );
        return (
          <div className="backup-source-row" key={index} data-testid={testId}>
            <div className="backup-source-head">
              <Field label="Source" error={err.kind} testId={`${testId}-kind`}>
                {({ id, describedBy }) => (
                  <select id={id} value={row.kind} onChange={(e) => update(index, { kind: e.target.value as SourceRow['kind'] })} aria-describedby={describedBy} data-testid={`${testId}-kind-input`}>
                    <option value="folder">Folder</option>
                    <option value="postgres">PostgreSQL dump</option>
                  </select>
                )}
              </Field>
              <Field
                label="On"
                error={err.where}
                hint={row.where ? 'Read over this target’s SSH connection.' : row.kind === 'folder' ? 'Folders on this computer can also go in the list above.' : 'pg_dump runs on this computer.'}
                testId={`${testId}-where`}
              >
                {({ id, describedBy, invalid }) => (
                  <select id={id} value={row.where} onChange={(e) => update(index, { where: e.target.value })} aria-describedby={describedBy} aria-invalid={invalid} data-testid={`${testId}-where-input`}>
                    <option value="">This computer</option>
                    {choices.map((name) => (
                      <option key={name} value={name}>
                        {sshTargets.includes(name) ? name : `${name} (no SSH connection)`}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <button type="button" className="btn btn-sm backup-source-remove" onClick={() => remove(index)} aria-label={`Remove source ${index + 1}`} data-testid={`${testId}-remove`}>
                Remove
              </button>
            </div>
            {row.kind === 'folder' ? (
              text('path', 'Folder', { placeholder: row.where ? '/srv/www' : '~/Documents', mono: true, ...(row.where ? { hint: 'An absolute path on the server.' } : {}) })
            ) : (
              <div className="form-grid">
                {text('dbName', 'Name in the backup', { placeholder: 'app' })}
                {text('database', 'Database', { placeholder: 'app' })}
                {text('dbHost', 'Host', { optional: true, placeholder: row.where ? '127.0.0.1 (as seen from the server)' : '127.0.0.1' })}
                {text('dbPort', 'Port', { optional: true, placeholder: '5432' })}
                {text('dbUser', 'User', { optional: true, placeholder: 'backup' })}
                {text('passwordRef', 'Password secret', { optional: true, hint: 'The name of a secret holding the password.' })}
              </div>
            )}
            {err.row && <p className="field-error">{err.row.join('; ')}</p>}
          </div>
        );
      })}
      <div className="backup-source-add">
        <button type="button" className="btn btn-sm" onClick={() => add('folder')} disabled={sshTargets.length === 0} data-testid="job-add-remote-folder">
          Add a folder on a server
        </button>
        <button type="button" className="btn btn-sm" onClick={() => add('postgres')} data-testid="job-add-database">
          Add a database dump
        </button>
      </div>
      {sshTargets.length === 0 && <p className="field-hint">Folders on a server need a target with an SSH connection (open the target and set up SSH).</p>}
    </fieldset>
  );
}
