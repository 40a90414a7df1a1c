// How a check kind describes its form: the UI renders any kind from this description (served in
// ServiceInfo.checkKinds), so adding a kind never means a new switch in the renderer. Plain data,
// no Node imports: the renderer imports these types and the common fields.

/**
 * text: free text (kept as written) · number: a number (text that is not one is sent as text, so
 * the schema names the problem) · duration: "30s" (or a number of ms) · boolean: a checkbox ·
 * select: one of `options` · secret: the NAME of a secret (never its value) · list: several values,
 * one per line or comma separated · map: name → value pairs (values may be secret references) ·
 * rows: a list of small records shown as a table (`columns`).
 */
export type FormFieldType = 'text' | 'number' | 'duration' | 'boolean' | 'select' | 'secret' | 'list' | 'map' | 'rows';

export interface FormColumn {
  key: string;
  label: string;
  type: 'text' | 'select';
  options?: string[];
  placeholder?: string;
}

export interface FormFieldSpec {
  /** Where the value lives in the check object, dotted: "url", "expect.status", "auth.passwordRef". */
  path: string;
  label: string;
  type: FormFieldType;
  help?: string;
  placeholder?: string;
  /** What applies when the field is left empty (shown; a boolean starts with it). */
  default?: string | number | boolean;
  /** select: the allowed values (an empty choice means "the default"). */
  options?: string[];
  required?: boolean;
  /** Shown in a monospace font (URLs, paths, expressions). */
  mono?: boolean;
  /** Several lines of text (a request body, a command). Multi-line text is not trimmed. */
  multiline?: boolean;
  /** Groups fields under a heading, in order of first appearance. */
  section?: string;
  /** list: "comma" when items are short tokens (status codes), else one per line. */
  separator?: 'comma' | 'line';
  /** map: each value may instead be a secret reference, written { secretRef: NAME }. */
  secretValues?: boolean;
  /** map: what the name column holds ("Header"). */
  keyLabel?: string;
  /** rows: the columns of each record. */
  columns?: FormColumn[];
  /** rows: a record with only this column set is written as a plain value (patterns: "ERROR"). */
  shorthand?: string;
}

export interface KindForm {
  fields: FormFieldSpec[];
}

/** What the UI learns about each kind. */
export interface CheckKindInfo {
  kind: string;
  title: string;
  form: KindForm;
}

/** Fields every check has (config/schema.ts commonCheckShape), rendered before and after the kind's own. */
export const COMMON_FORM: { head: FormFieldSpec[]; schedule: FormFieldSpec[] } = {
  head: [{ path: 'name', label: 'Name', type: 'text', required: true, placeholder: 'homepage', help: 'Unique within this target.' }],
  schedule: [
    { path: 'interval', label: 'Interval', type: 'duration', section: 'Schedule', placeholder: '1m', help: 'How often it runs, e.g. 30s, 5m.' },
    { path: 'timeout', label: 'Timeout', type: 'duration', section: 'Schedule', placeholder: 'auto', help: 'Default: 80% of the interval, at most 10s.' },
    { path: 'retries', label: 'Retries', type: 'number', section: 'Schedule', placeholder: '1', help: 'Failures tolerated before DOWN.' },
    { path: 'enabled', label: 'Enabled', type: 'boolean', section: 'Schedule', default: true, help: 'Disabled checks keep their history but are not run.' },
    { path: 'weight', label: 'Weight', type: 'number', section: 'Health score', placeholder: '1', help: 'How much this check counts in its category of the target’s score (0-100).' },
    { path: 'category', label: 'Category', type: 'text', section: 'Health score', placeholder: 'by kind', help: 'Score category, e.g. files, database, cron, disk, logs, availability, system.' },
    { path: 'reminderEvery', label: 'Remind every', type: 'duration', section: 'Alerts', placeholder: 'from settings', help: 'While down: every N failed probes (a number) or a duration (30m).' },
  ],
};

/**
 * The kind as the UI learns it: its own form, or (for a kind without one) a plain text field per
 * top-level config field, so a new kind is editable before its form is written.
 */
export function kindInfo(kind: { kind: string; title: string; paramsShape: Record<string, unknown>; form?: KindForm }): CheckKindInfo {
  const form = kind.form ?? { fields: Object.keys(kind.paramsShape).map((key): FormFieldSpec => ({ path: key, label: key, type: 'text' })) };
  return { kind: kind.kind, title: kind.title, form };
}
