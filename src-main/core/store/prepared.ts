// Prepared statements kept per connection. Preparing a statement costs more than running the small
// indexed queries a probe's transaction makes, and at thousands of checks those run many times a
// second; repositories whose SQL text is fixed ask here instead of preparing on every call.
import type Database from 'libsql';
import type { Db } from './database.js';

const caches = new WeakMap<Db, Map<string, Database.Statement>>();

/** The statement for `sql` on `db`, prepared on first use. Only for fixed SQL text (the cache never shrinks). */
export function prepared(db: Db, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map()));
  let statement = cache.get(sql);
  if (!statement) cache.set(sql, (statement = db.prepare(sql)));
  return statement;
}
