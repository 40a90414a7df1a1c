import { openDatabase, type Db } from './database.js';
import { ResultsRepo } from './results-repo.js';
import { CheckStateRepo } from './check-state-repo.js';
import { AlertsRepo } from './alerts-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { AuditRepo } from './audit-repo.js';

/** The data store: one SQLite file with a repository per table family. */
export class Store {
  readonly results: ResultsRepo;
  readonly checkState: CheckStateRepo;
  readonly alerts: AlertsRepo;
  readonly outbox: OutboxRepo;
  readonly audit: AuditRepo;
  private closed = false;

  constructor(readonly db: Db) {
    this.results = new ResultsRepo(db);
    this.checkState = new CheckStateRepo(db);
    this.alerts = new AlertsRepo(db);
    this.outbox = new OutboxRepo(db);
    this.audit = new AuditRepo(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
