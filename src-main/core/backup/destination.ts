// Where a run's objects go. Keys are '/'-separated relative paths (docs/backup-format.md §2).
import type { Readable } from 'node:stream';

export interface StoredObject {
  key: string;
  size: number;
}

export interface Destination {
  /** For messages: "/mnt/backup" or "s3://bucket/prefix". */
  readonly label: string;
  /** Whole small object, or null when it does not exist. */
  get(key: string): Promise<Buffer | null>;
  /** Streams an object (throws a BackupError 'not-found' when missing). */
  read(key: string): Promise<Readable>;
  /** Writes a small object atomically. */
  putBuffer(key: string, data: Buffer, signal?: AbortSignal): Promise<void>;
  /** Moves a finished local file (from stagingFile) into place atomically; the file is consumed. */
  putFile(key: string, localPath: string, signal?: AbortSignal): Promise<void>;
  /** A local path to build an object in before putFile; `tag` groups the files of one run. */
  stagingFile(tag: string, name: string): Promise<string>;
  /** Removes staging files of a run (after a failure or crash). */
  cleanStaging(tag: string): Promise<void>;
  list(prefix: string): Promise<StoredObject[]>;
  /** The object's path on this machine, when the destination is a local folder (for re-reading it in a worker). */
  localPath?(key: string): string;
  delete(keys: string[]): Promise<void>;
}
