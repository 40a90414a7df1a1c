// The backup job form (pure): form state ⇄ the job as the configuration keeps it, and the server's
// issue paths ("destination.bucket", "sources.0.path") mapped onto the form's fields.
import type { FieldIssue } from '../../../../src-main/core/api/errors';
import type { BackupJob, BackupSource, FolderSource } from '../../../../src-main/core/backup/job-schema';

/**
 * A source besides the folders of this computer: a folder on an SSH target, or a PostgreSQL dump
 * run on this computer or on an SSH target.
 */
export interface SourceRow {
  kind: 'folder' | 'postgres';
  /** '' for this computer, else the name of a target that has ssh:. */
  where: string;
  /** folder: an absolute path on the target. */
  path: string;
  /** postgres: the name the dump gets in the archive, the database and how to reach it. */
  dbName: string;
  database: string;
  dbHost: string;
  dbPort: string;
  dbUser: string;
  passwordRef: string;
  /** The source as configured: fields the form does not show (include, pgDump) are kept from it. */
  original?: Record<string, unknown>;
}

export type SourceRowField = 'kind' | 'where' | 'path' | 'dbName' | 'database' | 'dbHost' | 'dbPort' | 'dbUser' | 'passwordRef';

export function emptySourceRow(kind: SourceRow['kind'], where = ''): SourceRow {
  return { kind, where, path: '', dbName: '', database: '', dbHost: '', dbPort: '', dbUser: '', passwordRef: '' };
}

export interface JobFormState {
  name: string;
  type: 'intelligent' | 'full' | 'incremental';
  /** Folders on this computer, one per line. */
  folders: string;
  /** Folders on SSH targets and database dumps, after the folders of this computer in the job. */
  sources: SourceRow[];
  /** Comma-separated globs, applied to every folder (here and on targets). */
  exclude: string;
  destKind: 'local' | 's3';
  destPath: string;
  bucket: string;
  prefix: string;
  region: string;
  endpoint: string;
  forcePathStyle: boolean;
  accessKeyRef: string;
  secretKeyRef: string;
  schedule: string;
  passphraseRef: string;
  keepLast: string;
  keepDaily: string;
  keepWeekly: string;
  keepMonthly: string;
}

export type JobField = keyof JobFormState;

const KEEP = ['keepLast', 'keepDaily', 'keepWeekly', 'keepMonthly'] as const;

type FolderEntry = { path: string; exclude?: string[]; target?: string };
const isFolder = (s: BackupSource): s is FolderSource => !('kind' in s);
const isLocalFolder = (s: BackupSource): s is FolderSource => isFolder(s) && s.target === undefined;

function rowFromSource(s: BackupSource): SourceRow {
  if (isFolder(s)) return { ...emptySourceRow('folder', s.target ?? ''), path: s.path, original: { ...s } };
  return {
    kind: 'postgres',
    where: s.target ?? '',
    path: '',
    dbName: s.name,
    database: s.database,
    dbHost: s.host ?? '',
    dbPort: s.port?.toString() ?? '',
    dbUser: s.user ?? '',
    passwordRef: s.passwordRef ?? '',
    original: { ...s },
  };
}

export function formFromJob(job?: BackupJob): JobFormState {
  const all = job?.sources ?? [];
  const folders = all.filter(isLocalFolder);
  const d = job?.destination;
  return {
    name: job?.name ?? '',
    type: job?.type ?? 'intelligent',
    folders: folders.map((s) => s.path).join('\n'),
    sources: all.filter((s) => !isLocalFolder(s)).map(rowFromSource),
    exclude: [...new Set(all.filter(isFolder).flatMap((s) => s.exclude ?? []))].join(', '),
    destKind: d?.kind ?? 'local',
    destPath: d?.kind === 'local' ? d.path : '',
    bucket: d?.kind === 's3' ? d.bucket : '',
    prefix: d?.kind === 's3' ? (d.prefix ?? '') : '',
    region: d?.kind === 's3' ? (d.region ?? '') : '',
    endpoint: d?.kind === 's3' ? (d.endpoint ?? '') : '',
    forcePathStyle: d?.kind === 's3' ? d.forcePathStyle === true : false,
    accessKeyRef: d?.kind === 's3' ? (d.accessKeyRef ?? '') : '',
    secretKeyRef: d?.kind === 's3' ? (d.secretKeyRef ?? '') : '',
    schedule: job?.schedule ?? '',
    passphraseRef: job?.encryption?.passphraseRef ?? '',
    keepLast: job?.retention?.keepLast?.toString() ?? '',
    keepDaily: job?.retention?.keepDaily?.toString() ?? '',
    keepWeekly: job?.retention?.keepWeekly?.toString() ?? '',
    keepMonthly: job?.retention?.keepMonthly?.toString() ?? '',
  };
}

const text = (v: string) => v.trim();

/** The folders of this computer as the job lists them (first among its sources). */
export function localFolderPaths(form: Pick<JobFormState, 'folders'>): string[] {
  return form.folders
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

/** A number when the text is one, else the text (so the server names what is wrong with it). */
const numberOrText = (raw: string): unknown => (/^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);

function sourceFromRow(row: SourceRow, exclude: string[]): Record<string, unknown> {
  const where = text(row.where);
  if (row.kind === 'folder') {
    const { exclude: _oldExclude, target: _oldTarget, kind: _k, name: _n, database: _d, host: _h, port: _p, user: _u, passwordRef: _pw, pgDump: _pg, ...kept } = row.original ?? {};
    return { ...kept, path: text(row.path), ...(where ? { target: where } : {}), ...(exclude.length ? { exclude } : {}) };
  }
  const { path: _path, include: _i, exclude: _e, target: _t, host: _h, port: _p, user: _u, passwordRef: _pw, ...kept } = row.original ?? {};
  const optional: Record<string, unknown> = {};
  if (text(row.dbHost)) optional.host = text(row.dbHost);
  if (text(row.dbPort)) optional.port = numberOrText(text(row.dbPort));
  if (text(row.dbUser)) optional.user = text(row.dbUser);
  if (text(row.passwordRef)) optional.passwordRef = text(row.passwordRef);
  if (where) optional.target = where;
  return { ...kept, kind: 'postgres', name: text(row.dbName), database: text(row.database), ...optional };
}

/**
 * The job to validate and save: the folders of this computer first, then the other sources in the
 * form's order. Fields the form does not edit (include globs, pgDump, …) are kept from `original`.
 */
export function jobFromForm(form: JobFormState, original?: BackupJob): Record<string, unknown> {
  const exclude = form.exclude
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const previous = new Map((original?.sources ?? []).filter(isLocalFolder).map((s) => [s.path, s]));
  const folders = localFolderPaths(form).map((path) => {
    const { exclude: _old, ...rest } = (previous.get(path) ?? { path }) as FolderEntry;
    return exclude.length ? { ...rest, path, exclude } : { ...rest, path };
  });
  const others = form.sources.map((row) => sourceFromRow(row, exclude));
  const destination: Record<string, unknown> =
    form.destKind === 'local'
      ? { kind: 'local', path: text(form.destPath) }
      : {
          ...(original?.destination.kind === 's3' ? original.destination : {}),
          kind: 's3',
          bucket: text(form.bucket),
          ...(text(form.prefix) ? { prefix: text(form.prefix) } : { prefix: undefined }),
          ...(text(form.region) ? { region: text(form.region) } : { region: undefined }),
          ...(text(form.endpoint) ? { endpoint: text(form.endpoint) } : { endpoint: undefined }),
          ...(form.forcePathStyle ? { forcePathStyle: true } : { forcePathStyle: undefined }),
          ...(text(form.accessKeyRef) ? { accessKeyRef: text(form.accessKeyRef) } : { accessKeyRef: undefined }),
          ...(text(form.secretKeyRef) ? { secretKeyRef: text(form.secretKeyRef) } : { secretKeyRef: undefined }),
        };
  for (const key of Object.keys(destination)) if (destination[key] === undefined) delete destination[key];
  const retention: Record<string, unknown> = {};
  for (const key of KEEP) {
    const raw = text(form[key]);
    if (raw) retention[key] = numberOrText(raw);
  }
  const job: Record<string, unknown> = {
    ...(original ?? {}),
    name: text(form.name),
    sources: [...folders, ...others],
    destination,
  };
  if (form.type !== 'intelligent' || original?.type) job.type = form.type;
  if (text(form.schedule)) job.schedule = text(form.schedule);
  else delete job.schedule;
  if (text(form.passphraseRef)) job.encryption = { passphraseRef: text(form.passphraseRef) };
  else delete job.encryption;
  if (Object.keys(retention).length) job.retention = retention;
  else delete job.retention;
  return job;
}

/**
 * Which form field a server issue belongs to. `localFolders` is how many folders of this computer
 * lead the job's sources: an issue of a later source belongs to its row (`sources`, see rowIssues).
 */
export function fieldOfIssue(path: string, localFolders = Infinity): JobField | 'form' {
  const [head, second] = path.split('.');
  switch (head) {
    case 'name':
    case 'type':
    case 'schedule':
      return head;
    case 'sources':
      if (second !== undefined && path.includes('exclude')) return 'exclude';
      return second !== undefined && /^\d+$/.test(second) && Number(second) >= localFolders ? 'sources' : 'folders';
    case 'encryption':
      return 'passphraseRef';
    case 'retention':
      return (KEEP as readonly string[]).includes(second ?? '') ? (second as JobField) : 'keepLast';
    case 'destination': {
      if (second === undefined || second === 'kind') return 'destKind';
      if (second === 'path') return 'destPath';
      const map: Record<string, JobField> = { bucket: 'bucket', prefix: 'prefix', region: 'region', endpoint: 'endpoint', forcePathStyle: 'forcePathStyle', accessKeyRef: 'accessKeyRef', secretKeyRef: 'secretKeyRef' };
      return map[second] ?? 'destKind';
    }
    default:
      return 'form';
  }
}

export function issuesByField(issues: FieldIssue[], localFolders = Infinity): Partial<Record<JobField | 'form', string[]>> {
  const out: Partial<Record<JobField | 'form', string[]>> = {};
  for (const issue of issues) (out[fieldOfIssue(issue.path, localFolders)] ??= []).push(issue.message);
  return out;
}

const ROW_FIELDS: Record<string, SourceRowField> = { kind: 'kind', target: 'where', path: 'path', name: 'dbName', database: 'database', host: 'dbHost', port: 'dbPort', user: 'dbUser', passwordRef: 'passwordRef' };

/** The issues of each row of `sources` by its field ('row' for the source as a whole). */
export function rowIssues(issues: FieldIssue[], localFolders: number, rows: number): Array<Partial<Record<SourceRowField | 'row', string[]>>> {
  const out: Array<Partial<Record<SourceRowField | 'row', string[]>>> = Array.from({ length: rows }, () => ({}));
  for (const issue of issues) {
    const [head, index, field] = issue.path.split('.');
    if (head !== 'sources' || index === undefined || !/^\d+$/.test(index) || field === 'exclude' || field === 'include') continue;
    const row = out[Number(index) - localFolders];
    if (!row) continue;
    (row[(field !== undefined && ROW_FIELDS[field]) || 'row'] ??= []).push(issue.message);
  }
  return out;
}
