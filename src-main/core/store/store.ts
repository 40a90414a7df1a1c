import { inTransaction, openDatabase, type Db } from './database.js';
import { ResultsRepo } from './results-repo.js';
import { CheckStateRepo } from './check-state-repo.js';
import { AlertsRepo } from './alerts-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { AuditRepo } from './audit-repo.js';
import { EntitiesRepo } from './entities-repo.js';
import { RollupsRepo } from './rollups-repo.js';
import { CheckKvRepo } from './check-kv-repo.js';

/** Registers work that must happen only once the surrounding transaction has committed. */
export interface Tx {
  afterCommit(effect: () => void): void;
}

/** The data store: one SQLite file with a repository per table family. */
export class Store {
  readonly results: ResultsRepo;
  readonly rollups: RollupsRepo;
  readonly checkState: CheckStateRepo;
  readonly alerts: AlertsRepo;
  readonly outbox: OutboxRepo;
  readonly audit: AuditRepo;
  readonly entities: EntitiesRepo;
  readonly checkKv: CheckKvRepo;
  private closed = false;

  constructor(readonly db: Db) {
    this.results = new ResultsRepo(db);
    this.rollups = new RollupsRepo(db);
    this.checkState = new CheckStateRepo(db);
    this.alerts = new AlertsRepo(db);
    this.outbox = new OutboxRepo(db);
    this.audit = new AuditRepo(db);
    this.entities = new EntitiesRepo(db);
    this.checkKv = new CheckKvRepo(db);
  }

  static open(file: string): Store {
    return new Store(openDatabase(file));
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Runs `work` in one transaction (IMMEDIATE: the write lock is taken up front, so a busy database
   * fails before anything is decided). Effects registered with `tx.afterCommit` run, in order, only
   * after the commit; when anything throws, nothing is written and no effect runs.
   */
  transact<T>(work: (tx: Tx) => T): T {
    if (this.db.inTransaction) throw new Error('Store.transact does not nest: pass the Tx down instead');
    const effects: Array<() => void> = [];
    const tx: Tx = { afterCommit: (effect) => effects.push(effect) };
    let result: T;
    try {
      result = inTransaction(this.db, 'IMMEDIATE', () => work(tx));
    } catch (error) {
      this.rollups.forgetWritten();
      throw error;
    }
    for (const effect of effects) effect();
    return result;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}
