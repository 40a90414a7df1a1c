// The backup job form (pure): form state ⇄ the job as the configuration keeps it, and the server's
// issue paths ("destination.bucket", "sources.0.path") mapped onto the form's fields.
import type { FieldIssue } from '../../../../src-main/core/api/errors';
import type { BackupJob } from '../../../../src-main/core/backup/job-schema';

export interface JobFormState {
  name: string;
  type: 'intelligent' | 'full' | 'incremental';
  /** One folder per line. */
  folders: string;
  /** Comma-separated globs, applied to every folder. */
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

export function formFromJob(job?: BackupJob): JobFormState {
  const folders = (job?.sources ?? []).filter((s): s is { path: string; exclude?: string[] } => !('kind' in s));
  const d = job?.destination;
  return {
    name: job?.name ?? '',
    type: job?.type ?? 'intelligent',
    folders: folders.map((s) => s.path).join('\n'),
    exclude: [...new Set(folders.flatMap((s) => s.exclude ?? []))].join(', '),
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

/** The job to validate and save. Fields the form does not edit (database sources, include globs, …) are kept from `original`. */
export function jobFromForm(form: JobFormState, original?: BackupJob): Record<string, unknown> {
  const exclude = form.exclude
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  const previous = new Map((original?.sources ?? []).filter((s): s is { path: string } => !('kind' in s)).map((s) => [s.path, s]));
  const folders = form.folders
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((path) => {
      const { exclude: _old, ...rest } = (previous.get(path) ?? { path }) as { path: string; exclude?: string[] };
      return exclude.length ? { ...rest, path, exclude } : { ...rest, path };
    });
  const databases = (original?.sources ?? []).filter((s) => 'kind' in s);
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
    if (raw) retention[key] = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  }
  const job: Record<string, unknown> = {
    ...(original ?? {}),
    name: text(form.name),
    sources: [...folders, ...databases],
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

/** Which form field a server issue belongs to. */
export function fieldOfIssue(path: string): JobField | 'form' {
  const [head, second] = path.split('.');
  switch (head) {
    case 'name':
    case 'type':
    case 'schedule':
      return head;
    case 'sources':
      return second !== undefined && path.includes('exclude') ? 'exclude' : 'folders';
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

export function issuesByField(issues: FieldIssue[]): Partial<Record<JobField | 'form', string[]>> {
  const out: Partial<Record<JobField | 'form', string[]>> = {};
  for (const issue of issues) (out[fieldOfIssue(issue.path)] ??= []).push(issue.message);
  return out;
}
