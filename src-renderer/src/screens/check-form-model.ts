// The check form's model, driven by the kind's own form description (core/checks/form.ts): form
// values by field path ↔ the check object of the config document, and issue paths
// ("url", "expect.status.0", "headers.X-Api-Key") ↔ the field they belong to. Pure functions; the
// renderer has no per-kind code.
import type { CheckConfig } from '../../../src-main/core/config/schema';
import type { FieldIssue } from '../../../src-main/core/api/errors';
import { COMMON_FORM, type CheckKindInfo, type FormFieldSpec } from '../../../src-main/core/checks/form';

/** One header (or other map entry) as the table edits it. */
export interface MapRow {
  name: string;
  value: string;
  /** The value is the name of a secret, written { secretRef: value }. */
  secret: boolean;
}

/** One record of a `rows` field (a log pattern: regex + severity), every column as text. */
export type RecordRow = Record<string, string>;

export type FieldValue = string | boolean | MapRow[] | RecordRow[];

export interface CheckFormState {
  kind: string;
  /** By field path (common fields and the kind's own). */
  values: Record<string, FieldValue>;
}

type AnyObject = Record<string, unknown>;

/** Every field shown for a kind, in order: name, the kind's fields, then schedule and score. */
export function fieldsFor(kinds: CheckKindInfo[], kind: string): FormFieldSpec[] {
  const own = kinds.find((k) => k.kind === kind)?.form.fields ?? [];
  return [...COMMON_FORM.head, ...own, ...COMMON_FORM.schedule];
}

function getPath(object: AnyObject, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as AnyObject)[key];
  }
  return value;
}

function setPath(object: AnyObject, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = object;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as AnyObject;
  }
  node[keys[keys.length - 1]!] = value;
}

/** Removes the value at `path`, and parent objects left empty by it. */
function deletePath(object: AnyObject, path: string): void {
  const keys = path.split('.');
  const parents: AnyObject[] = [object];
  let node = object;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) return;
    node = next as AnyObject;
    parents.push(node);
  }
  delete node[keys[keys.length - 1]!];
  for (let i = parents.length - 1; i > 0; i--) {
    if (Object.keys(parents[i]!).length > 0) break;
    delete parents[i - 1]![keys[i - 1]!];
  }
}

/**
 * The form value of a select with `optionValues` when the file holds none of them (anomaly
 * thresholds written by hand): saving keeps the file's value as it is.
 */
export const KEPT_OPTION = '(as written)';

function text(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The form value of one field, from the check's value at its path. */
function valueOf(field: FormFieldSpec, raw: unknown): FieldValue {
  switch (field.type) {
    case 'boolean':
      return typeof raw === 'boolean' ? raw : field.default === true;
    case 'select':
      if (field.optionValues && raw !== undefined) {
        const option = Object.entries(field.optionValues).find(([, v]) => v === raw)?.[0];
        return option ?? KEPT_OPTION;
      }
      return text(raw);
    case 'list':
      return Array.isArray(raw) ? raw.map(text).join(field.separator === 'comma' ? ', ' : '\n') : text(raw);
    case 'map':
      return raw && typeof raw === 'object' && !Array.isArray(raw)
        ? Object.entries(raw as AnyObject).map(([name, value]): MapRow => {
            const ref = value && typeof value === 'object' ? (value as AnyObject).secretRef : undefined;
            return ref !== undefined ? { name, value: text(ref), secret: true } : { name, value: text(value), secret: false };
          })
        : [];
    case 'rows':
      return Array.isArray(raw)
        ? raw.map((item): RecordRow => {
            if (item && typeof item === 'object') return Object.fromEntries(Object.entries(item as AnyObject).map(([k, v]) => [k, text(v)]));
            return { [field.shorthand ?? field.columns?.[0]?.key ?? 'value']: text(item) };
          })
        : [];
    default:
      return text(raw);
  }
}

export function formFromCheck(check: CheckConfig | undefined, kinds: CheckKindInfo[], defaultKind: string): CheckFormState {
  const c = (check ?? {}) as AnyObject;
  const kind = text(c.kind) || defaultKind;
  const values: Record<string, FieldValue> = {};
  for (const field of fieldsFor(kinds, kind)) values[field.path] = valueOf(field, getPath(c, field.path));
  return { kind, values };
}

/** Switches the kind, keeping the common fields and any same-path field the new kind also has. */
export function withKind(form: CheckFormState, kinds: CheckKindInfo[], kind: string): CheckFormState {
  const values: Record<string, FieldValue> = {};
  for (const field of fieldsFor(kinds, kind)) values[field.path] = form.values[field.path] ?? valueOf(field, undefined);
  return { kind, values };
}

/** A number when the text is one, else the text itself (so the schema names the problem). */
function numberOrText(value: string): number | string {
  const trimmed = value.trim();
  const n = Number(trimmed);
  return trimmed !== '' && Number.isFinite(n) ? n : trimmed;
}

/** What the field puts in the check object; undefined leaves the key out (so defaults stay defaults). */
function configValue(field: FormFieldSpec, value: FieldValue | undefined, hadValue: boolean): unknown {
  switch (field.type) {
    case 'boolean': {
      const on = value === true;
      // Written only when it says something: not the default, or the file already had the key.
      return on !== (field.default === true) || hadValue ? on : undefined;
    }
    case 'list': {
      const items = String(value ?? '')
        .split(field.separator === 'comma' ? /[,\n]/ : /\n/)
        .map((s) => s.trim())
        .filter(Boolean);
      return items.length ? items : undefined;
    }
    case 'map': {
      const rows = (Array.isArray(value) ? value : []) as MapRow[];
      const entries = rows.filter((r) => r.name.trim() !== '' || r.value !== '');
      if (!entries.length) return undefined;
      return Object.fromEntries(entries.map((r) => [r.name.trim(), r.secret ? { secretRef: r.value.trim() } : r.value]));
    }
    case 'rows': {
      const rows = (Array.isArray(value) ? value : []) as RecordRow[];
      const items = rows
        .map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, v.trim()]).filter(([, v]) => v !== '')))
        .filter((row) => Object.keys(row).length > 0)
        .map((row) => (field.shorthand && Object.keys(row).length === 1 && row[field.shorthand] !== undefined ? row[field.shorthand] : row));
      return items.length ? items : undefined;
    }
    case 'select': {
      const t = String(value ?? '').trim();
      if (t === '') return undefined;
      return field.optionValues && Object.hasOwn(field.optionValues, t) ? field.optionValues[t] : t;
    }
    case 'number':
    case 'duration': {
      const t = String(value ?? '').trim();
      return t === '' ? undefined : numberOrText(t);
    }
    default: {
      const raw = String(value ?? '');
      const t = field.multiline ? raw : raw.trim();
      return t.trim() === '' ? undefined : t;
    }
  }
}

/** Top-level keys of the check object that a form field owns. */
function ownedKeys(fields: FormFieldSpec[]): Set<string> {
  return new Set(fields.map((f) => f.path.split('.')[0]!));
}

/**
 * Builds the check object from the form. Fields the form does not show (added by hand, or by a
 * newer Kaavan) are kept from `original`, so editing never drops what the user wrote in the file;
 * empty optional fields are left out, so defaults stay defaults. Switching the kind drops the
 * fields of the previous kind.
 */
export function checkFromForm(form: CheckFormState, kinds: CheckKindInfo[], original?: CheckConfig): Record<string, unknown> {
  const orig = (original ?? {}) as AnyObject;
  const sameKind = orig.kind === form.kind;
  const fields = fieldsFor(kinds, form.kind);
  const out: AnyObject = {};
  const otherKindKeys = new Set(kinds.filter((k) => k.kind !== form.kind).flatMap((k) => [...ownedKeys(k.form.fields)]));
  const ownKeys = ownedKeys(fields);
  for (const [key, value] of Object.entries(orig)) {
    if (sameKind || ownKeys.has(key) || !otherKindKeys.has(key)) out[key] = structuredClone(value);
  }
  out.kind = form.kind;
  for (const field of fields) {
    const had = sameKind && getPath(orig, field.path) !== undefined;
    // A value the form cannot show stays exactly as the file has it (copied above with the other keys).
    if (field.optionValues && form.values[field.path] === KEPT_OPTION) continue;
    const value = configValue(field, form.values[field.path], had);
    if (field.path === 'name') out.name = String(form.values.name ?? '').trim();
    else if (value === undefined) deletePath(out, field.path);
    else setPath(out, field.path, value);
  }
  // Keep the document readable: name and kind first, then the user's own key order, then new keys.
  const ordered: AnyObject = {};
  for (const key of ['name', 'kind', ...Object.keys(orig), ...Object.keys(out)]) {
    if (key in out && !(key in ordered)) ordered[key] = out[key];
  }
  return ordered;
}

/** Sorts issues to the field whose path is the longest prefix of theirs; the rest are general. */
export function issuesByField(issues: FieldIssue[], fields: FormFieldSpec[]): { fields: Record<string, string[]>; general: FieldIssue[] } {
  const byField: Record<string, string[]> = {};
  const general: FieldIssue[] = [];
  const paths = fields.map((f) => f.path).sort((a, b) => b.length - a.length);
  for (const issue of issues) {
    // An issue about a group ("auth": use user + passwordRef or tokenRef) goes to its first field.
    const match = paths.find((path) => issue.path === path || issue.path.startsWith(`${path}.`)) ?? fields.find((f) => f.path.startsWith(`${issue.path}.`))?.path;
    if (match) (byField[match] ??= []).push(issue.message);
    else general.push(issue);
  }
  return { fields: byField, general };
}
