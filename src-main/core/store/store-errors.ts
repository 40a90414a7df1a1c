// Store failures in words: what a person sees in the health banner and the log.

export function describeStoreError(error: unknown): string {
  const code = String((error as { code?: string })?.code ?? '');
  const text = error instanceof Error ? error.message : String(error);
  const both = `${code} ${text}`;
  if (/SQLITE_FULL|disk is full|ENOSPC/i.test(both)) return 'the disk is full';
  if (/SQLITE_BUSY|database is locked/i.test(both)) return 'the database is locked by another program';
  if (/SQLITE_READONLY|readonly/i.test(both)) return 'the database is read-only';
  if (/SQLITE_IOERR|disk I\/O error/i.test(both)) return 'a disk read/write error';
  if (/SQLITE_CORRUPT|malformed/i.test(both)) return 'the database file is damaged';
  if (/not open|closed/i.test(both)) return 'the database is closed';
  return text.split('\n')[0]!;
}
