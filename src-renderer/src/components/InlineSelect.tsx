// A labelled drop-down for filter bars (Alerts, Audit, Delivery): one label, one select, the
// options as plain values or value/label pairs, and an optional first "any" option with value "".
export type SelectOption<V extends string> = V | { value: V; label: string };

export function InlineSelect<V extends string>({
  id,
  label,
  value,
  options,
  onChange,
  anyLabel,
  testId,
  className,
}: {
  id: string;
  label: string;
  value: V | '';
  options: readonly SelectOption<V>[];
  onChange: (value: V | '') => void;
  /** Adds a first option with value "" and this label ("Any", "Anyone"). */
  anyLabel?: string;
  testId?: string;
  className?: string;
}) {
  return (
    <div className={`field field-inline${className ? ` ${className}` : ''}`}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as V | '')} data-testid={testId}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {options.map((o) => {
          const { value: v, label: text } = typeof o === 'string' ? { value: o, label: o } : o;
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </div>
  );
}
