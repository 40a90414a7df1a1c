// The local run journal: one small JSON file per run in <dataDir>/backup/runs, rewritten atomically
// on every transition. It is how the next start finds runs a crash left behind (state not terminal,
// process gone) and marks them interrupted. The lead may move this into the SQLite store
// (store-schema.ts); the destination stays the source of truth for what is restorable.
import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { BackupDestination } from './job-schema.js';
import type { RunStateRecord } from './run-state-machine.js';

export interface JournalRecord {
  id: string;
  job: string;
  pid: number;
  destination: BackupDestination;
  record: RunStateRecord;
  /** Set when deleting a failed run's objects did not work (e.g. the server was down); recover() retries. */
  cleanupPending?: boolean;
  result?: { files: number; bytes: number; storedBytes: number; error?: string; warnings?: string[] };
}

export class RunJournal {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'backup', 'runs');
  }

  async save(rec: JournalRecord): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = path.join(this.dir, `${rec.id}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, JSON.stringify(rec, null, 2));
    await rename(tmp, file);
  }

  async all(): Promise<JournalRecord[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const out: JournalRecord[] = [];
    for (const n of names.filter((x) => x.endsWith('.json')).sort()) {
      try {
        out.push(JSON.parse(await readFile(path.join(this.dir, n), 'utf8')) as JournalRecord);
      } catch {
        // a torn temp file cannot end in .json; an unreadable record is skipped, not fatal
      }
    }
    return out;
  }
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
