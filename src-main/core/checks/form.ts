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
  /**
   * select: the config value each option stands for when it is not the option's text
   * ({ on: true, off: false }). A value in the file matching none of them (thresholds written by
   * hand) shows as `keptLabel` and is saved untouched unless another option is chosen.
   */
  optionValues?: Record<string, string | number | boolean>;
  keptLabel?: string;
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
    { path: 'severity', label: 'Severity when down', type: 'select', section: 'Alerts', options: ['warning', 'error', 'critical'], default: 'error', help: 'Routes and quiet hours decide by it.' },
    { path: 'alertOnDegraded', label: 'Also alert while degraded', type: 'boolean', section: 'Alerts', default: false, help: 'A degraded check raises a warning alert too.' },
    {
      path: 'anomaly',
      label: 'Latency anomalies',
      type: 'select',
      section: 'Alerts',
      options: ['on', 'off'],
      optionValues: { on: true, off: false },
      keptLabel: 'thresholds as written in the file',
      default: 'on for network checks',
      help: 'An up answer far slower than usual counts as degraded; thresholds are in settings.',
    },
    { path: 'dependsOn', label: 'Depends on', type: 'list', separator: 'comma', section: 'Dependencies', mono: true, placeholder: 'db1, db1/postgres', help: 'Targets or target/check names; while one is down this check is “blocked by parent” and does not alert.' },
    { path: 'heal.command', label: 'Command', type: 'text', section: 'Self-healing', mono: true, placeholder: 'systemctl restart nginx', help: 'Run on the target’s host (its SSH host, or this computer) when the check goes down. One line. Or a webhook below, not both.' },
    { path: 'heal.webhook.urlRef', label: 'Webhook URL secret', type: 'secret', section: 'Self-healing', help: 'Or: the name of the secret holding the URL to call.' },
    { path: 'heal.webhook.method', label: 'Webhook method', type: 'select', section: 'Self-healing', options: ['POST', 'PUT'], default: 'POST' },
    { path: 'heal.label', label: 'Label', type: 'text', section: 'Self-healing', placeholder: 'restart nginx', help: 'Named in the alert and the audit: “recovered after …”. Default: the command.' },
    { path: 'heal.maxAttempts', label: 'At most attempts', type: 'number', section: 'Self-healing', placeholder: '3', default: 3, help: 'Per outage, 1 to 10.' },
    { path: 'heal.cooldown', label: 'Cooldown', type: 'duration', section: 'Self-healing', placeholder: '5m', default: '5m', help: 'Wait between two heals of this check.' },
    { path: 'heal.timeout', label: 'Heal timeout', type: 'duration', section: 'Self-healing', placeholder: '60s', default: '60s' },
    { path: 'heal.verifyAfter', label: 'Verify after', type: 'duration', section: 'Self-healing', placeholder: '10s', default: '10s', help: 'Wait before probing again to judge the heal.' },
    { path: 'heal.breaker.failures', label: 'Breaker: failed heals', type: 'number', section: 'Self-healing', placeholder: '3', default: 3, help: 'This many failed heals within the window open the circuit breaker.' },
    { path: 'heal.breaker.window', label: 'Breaker: window', type: 'duration', section: 'Self-healing', placeholder: '1h', default: '1h' },
    { path: 'heal.breaker.openFor', label: 'Breaker: open for', type: 'duration', section: 'Self-healing', placeholder: '30m', default: '30m', help: 'Then one trial heal is allowed.' },
    { path: 'heal.enabled', label: 'Heal when down', type: 'boolean', section: 'Self-healing', default: true, help: 'Applies once a command or webhook is given; off keeps the block in the file without running it.' },
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
