// The backup job form keeps every source a job has: folders of this computer in the text box,
// folders on SSH targets and database dumps (here or on a target) as rows; a job survives the trip
// through the form unchanged (judged by the real validator), and the validator's messages for a
// row land on that row's field.
import { describe, expect, it } from 'vitest';
import type { BackupJob } from '../../src-main/core/backup/job-schema';
import { validateBackupJobInput } from '../../src-main/core/backup/job-config';
import { emptySourceRow, fieldOfIssue, formFromJob, jobFromForm, localFolderPaths, rowIssues } from '../../src-renderer/src/components/backups/job-form-model';

const targets = [
  { name: 'web1', ssh: { host: 'web1.example.com', user: 'ops', keyRef: 'web1-key' } },
  { name: 'db1' },
];

const job: BackupJob = {
  name: 'everything',
  sources: [
    { path: '~/Documents', exclude: ['*.tmp'] },
    { path: '/srv/www', target: 'web1', include: ['**/*.html'], exclude: ['*.tmp'] },
    { kind: 'postgres', name: 'app', database: 'app', host: '127.0.0.1', port: 5433, user: 'backup', passwordRef: 'pg-pass' },
    { kind: 'postgres', name: 'shop', database: 'shop', target: 'web1', pgDump: '/usr/lib/postgresql/16/bin/pg_dump' },
  ],
  destination: { kind: 'local', path: '/mnt/backup' },
};

describe('backup job form sources', () => {
  it('shows local folders in the box and the others as rows saying where they are', () => {
    const form = formFromJob(job);
    expect(form.folders).toBe('~/Documents');
    expect(form.sources.map((r) => [r.kind, r.where, r.path || r.database])).toEqual([
      ['folder', 'web1', '/srv/www'],
      ['postgres', '', 'app'],
      ['postgres', 'web1', 'shop'],
    ]);
    expect(form.sources[1]).toMatchObject({ dbHost: '127.0.0.1', dbPort: '5433', dbUser: 'backup', passwordRef: 'pg-pass' });
  });

  it('gives back the same job, including fields the form does not show', () => {
    const back = jobFromForm(formFromJob(job), job);
    expect(back).toEqual(job);
    expect(validateBackupJobInput(back, [], targets)).toMatchObject({ ok: true });
  });

  it('builds a new folder on a server and a dump on a target from empty rows', () => {
    const form = formFromJob();
    form.name = 'servers';
    form.destPath = '/mnt/backup';
    form.sources = [
      { ...emptySourceRow('folder', 'web1'), path: '/etc' },
      { ...emptySourceRow('postgres', 'web1'), dbName: 'main', database: 'app', dbPort: '5432' },
    ];
    const built = jobFromForm(form);
    expect(built.sources).toEqual([
      { path: '/etc', target: 'web1' },
      { kind: 'postgres', name: 'main', database: 'app', port: 5432, target: 'web1' },
    ]);
    expect(validateBackupJobInput(built, [], targets)).toMatchObject({ ok: true });
  });

  it('puts a row\'s problems on its own fields, after the folders of this computer', () => {
    const form = formFromJob(job);
    form.folders = '~/Documents\n~/Pictures';
    form.sources[0]!.where = 'db1';
    form.sources[1]!.dbPort = 'five';
    const result = validateBackupJobInput(jobFromForm(form, job), [], targets);
    expect(result.ok).toBe(false);
    const local = localFolderPaths(form).length;
    expect(local).toBe(2);
    const rows = rowIssues(result.issues, local, form.sources.length);
    expect(rows[0]).toEqual({ where: ['target "db1" has no ssh: connection; remote sources need one'] });
    expect(rows[1]).toEqual({ dbPort: ['must be a number (got the text "five")'] });
    expect(rows[2]).toEqual({});
    expect(fieldOfIssue('sources.1.path', local)).toBe('folders');
    expect(fieldOfIssue('sources.2.target', local)).toBe('sources');
    expect(fieldOfIssue('sources', local)).toBe('folders');
  });
});
