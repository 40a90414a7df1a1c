// Labelled form fields with hint and inline error, wired with aria-describedby / aria-invalid.
import { useId, type ReactNode } from 'react';
import { Icon } from './icons';

export interface FieldProps {
  label: string;
  hint?: ReactNode;
  error?: string | string[] | null;
  /** testid of the field wrapper; the input gets `${testId}-input`, the error `${testId}-error`. */
  testId?: string;
  optional?: boolean;
  className?: string;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

export function Field({ label, hint, error, testId, optional, className, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const errors = error ? (Array.isArray(error) ? error : [error]) : [];
  const invalid = errors.length > 0;
  const describedBy = [hint && !invalid ? hintId : null, invalid ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${invalid ? ' field-invalid' : ''}${className ? ` ${className}` : ''}`} data-testid={testId}>
      <label htmlFor={id} className="field-label">
        {label}
        {optional && <span className="field-optional">optional</span>}
      </label>
      {children({ id, describedBy, invalid })}
      {hint && !invalid && (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      )}
      {invalid && (
        <div id={errorId} className="field-error" data-testid={testId ? `${testId}-error` : undefined}>
          <Icon name="alert" size={14} />
          <span>{errors.join('; ')}</span>
        </div>
      )}
    </div>
  );
}

export function Checkbox({
  label,
  hint,
  checked,
  onChange,
  testId,
  disabled,
}: {
  label: string;
  hint?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
  disabled?: boolean;
}) {
  const id = useId();
  return (
    <div className="checkbox-field">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} data-testid={testId} disabled={disabled} aria-describedby={hint ? `${id}-hint` : undefined} />
      <div>
        <label htmlFor={id} className="checkbox-label">
          {label}
        </label>
        {hint && (
          <div id={`${id}-hint`} className="field-hint">
            {hint}
          </div>
        )}
      </div>
    </div>
  );
}
