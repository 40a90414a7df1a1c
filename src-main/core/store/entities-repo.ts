// Stable identities: every target, check (and, as they arrive, channel and backup job) gets an id
// that results, state, alerts and outbox rows reference. Names are labels that can change.
import type { Db } from './database.js';

export type EntityKind = 'target' | 'check' | 'channel' | 'backup_job';

export interface Entity {
  id: number;
  kind: EntityKind;
  parentId: number | null;
  name: string;
  createdAt: number;
  retiredAt: number | null;
  /** Hash of the entity's settings without its name: lets a hand-edited rename be recognised. */
  fingerprint: string | null;
}

type Row = Record<string, unknown>;
const toEntity = (r: Row): Entity => ({
  id: Number(r.id),
  kind: r.kind as EntityKind,
  parentId: r.parent_id === null || r.parent_id === undefined ? null : Number(r.parent_id),
  name: String(r.name),
  createdAt: Number(r.created_at),
  retiredAt: r.retired_at === null || r.retired_at === undefined ? null : Number(r.retired_at),
  fingerprint: r.fingerprint === null || r.fingerprint === undefined ? null : String(r.fingerprint),
});

export class EntitiesRepo {
  constructor(private readonly db: Db) {}

  /** Live (not retired) entities of a kind, oldest first. */
  live(kind: EntityKind): Entity[] {
    return (this.db.prepare('SELECT * FROM entities WHERE kind = ? AND retired_at IS NULL ORDER BY id').all(kind) as Row[]).map(toEntity);
  }

  get(id: number): Entity | null {
    const row = this.db.prepare('SELECT * FROM entities WHERE id = ?').get(id) as Row | undefined;
    return row ? toEntity(row) : null;
  }

  create(kind: EntityKind, parentId: number | null, name: string, at: number, fingerprint: string | null = null): Entity {
    const info = this.db
      .prepare('INSERT INTO entities (kind, parent_id, name, created_at, fingerprint) VALUES (?, ?, ?, ?, ?)')
      .run(kind, parentId, name, at, fingerprint);
    return this.get(Number(info.lastInsertRowid))!;
  }

  update(id: number, fields: { name?: string; fingerprint?: string | null }): void {
    if (fields.name !== undefined) this.db.prepare('UPDATE entities SET name = ? WHERE id = ?').run(fields.name, id);
    if (fields.fingerprint !== undefined) this.db.prepare('UPDATE entities SET fingerprint = ? WHERE id = ?').run(fields.fingerprint, id);
  }

  retire(id: number, at: number, reason: string): void {
    this.db.prepare('UPDATE entities SET retired_at = ?, retired_reason = ? WHERE id = ? AND retired_at IS NULL').run(at, reason, id);
  }
}
