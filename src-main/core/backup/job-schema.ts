// The `backups:` entries of the configuration document (DESIGN §3), extended with the job type,
// include globs and S3 part concurrency. Kept as the user wrote it; the engine applies defaults.
import { z } from 'zod';

const nameField = z
  .string()
  .trim()
  .min(1, 'a name is required')
  .max(64, 'at most 64 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'use letters, digits, spaces, ".", "_" or "-", starting with a letter or digit');
const secretRef = z.string().regex(/^[A-Za-z0-9._-]{1,128}$/, 'a secret name: 1-128 letters, digits, ".", "_" or "-"');
const glob = z.string().min(1, 'an empty pattern matches nothing').max(1024, 'at most 1024 characters');
const keepCount = z.number().int('a whole number').min(0, 'at least 0').max(100_000, 'at most 100000');

const targetName = z.string().min(1, 'a target name is required').max(64, 'at most 64 characters');

export const backupSourceSchema = z
  .strictObject({
    path: z.string().min(1, 'a folder path is required'),
    include: z.array(glob).max(256).optional(),
    exclude: z.array(glob).max(256).optional(),
    /** A config target with `ssh:`: the folder is on that server, read with its tar over SSH. */
    target: targetName.optional(),
  })
  .superRefine((s, ctx) => {
    if (s.target !== undefined && !s.path.startsWith('/')) ctx.addIssue({ code: 'custom', path: ['path'], message: `a folder on target "${s.target}" needs an absolute path (starting with /)` });
  });

/** A PostgreSQL database, dumped with pg_dump -Fc and streamed into the run (never staged whole on disk). */
export const databaseSourceSchema = z.strictObject({
  kind: z.literal('postgres'),
  /** Names the dump in the archive: kaavan-databases/<name>/<database>.dump.NNNNNN */
  name: nameField,
  host: z.string().min(1).max(255).optional(),
  port: z.number().int().min(1, 'a port from 1 to 65535').max(65535, 'a port from 1 to 65535').optional(),
  user: z.string().min(1).max(128).optional(),
  database: z.string().min(1, 'a database name is required').max(128),
  passwordRef: secretRef.optional(),
  /** pg_dump to run (default: "pg_dump" on PATH). */
  pgDump: z.string().min(1).optional(),
  /** A config target with `ssh:`: pg_dump runs there, its output streamed back over SSH. */
  target: targetName.optional(),
});

export const localDestinationSchema = z.strictObject({
  kind: z.literal('local'),
  path: z.string().min(1, 'a folder path is required'),
});

export const s3DestinationSchema = z.strictObject({
  kind: z.literal('s3'),
  bucket: z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name: 3-63 lower-case letters, digits, "." or "-"'),
  prefix: z.string().max(512).optional(),
  region: z.string().min(1).max(64).optional(),
  endpoint: z.url('a URL like https://s3.example.com').optional(),
  forcePathStyle: z.boolean().optional(),
  accessKeyRef: secretRef.optional(),
  secretKeyRef: secretRef.optional(),
  /** Multipart parts in flight per object (default 4). */
  partConcurrency: z.number().int().min(1, 'at least 1').max(32, 'at most 32').optional(),
});

export const destinationSchema = z.discriminatedUnion('kind', [localDestinationSchema, s3DestinationSchema], {
  error: () => 'destination kind must be "local" or "s3"',
});

export const retentionSchema = z.strictObject({
  keepLast: keepCount.optional(),
  keepDaily: keepCount.optional(),
  keepWeekly: keepCount.optional(),
  keepMonthly: keepCount.optional(),
});

export const backupJobSchema = z.strictObject({
  name: nameField,
  /** full, incremental, or intelligent (default: full when the chain is long or old). */
  type: z.enum(['full', 'incremental', 'intelligent'], { error: () => 'type must be full, incremental or intelligent' }).optional(),
  sources: z.array(z.union([backupSourceSchema, databaseSourceSchema], { error: () => 'a source is a folder ({ path }) or a database ({ kind: postgres, name, database })' })).min(1, 'at least one source'),
  destination: destinationSchema,
  schedule: z.string().min(1).max(128).optional(),
  encryption: z.strictObject({ passphraseRef: secretRef }).optional(),
  retention: retentionSchema.optional(),
  /** intelligent: incrementals since the last full before a new full (default 7). */
  maxChain: z.number().int().min(1).max(1000).optional(),
  /** intelligent: age of the last full, in days, before a new full (default 30). */
  maxFullAgeDays: z.number().int().min(1).max(3650).optional(),
});

export type FolderSource = z.infer<typeof backupSourceSchema>;
export type RemoteFolderSource = FolderSource & { target: string };
export const isRemoteFolder = (s: FolderSource): s is RemoteFolderSource => s.target !== undefined;
export type DatabaseSource = z.infer<typeof databaseSourceSchema>;
export type BackupSource = FolderSource | DatabaseSource;
export const isFolderSource = (s: BackupSource): s is FolderSource => !('kind' in s);
export type BackupDestination = z.infer<typeof destinationSchema>;
export type LocalDestinationConfig = z.infer<typeof localDestinationSchema>;
export type S3DestinationConfig = z.infer<typeof s3DestinationSchema>;
export type BackupJob = z.infer<typeof backupJobSchema>;
export type RetentionConfig = z.infer<typeof retentionSchema>;
