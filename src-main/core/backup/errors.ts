// Errors the backup engine reports to a person: what is wrong and where (run, file, destination).
export type BackupErrorCode =
  | 'wrong-passphrase'
  | 'corrupt'
  | 'not-found'
  | 'busy'
  | 'cancelled'
  | 'unsafe-path'
  | 'destination'
  | 'config'
  | 'source';

export class BackupError extends Error {
  constructor(
    readonly code: BackupErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'BackupError';
  }
}

export const errText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
