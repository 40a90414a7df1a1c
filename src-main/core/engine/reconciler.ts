// Decides how a configuration document maps onto the identities in the store: which targets and
// checks are new, which are the same entity under a new name, which are gone. Pure: the engine
// applies the plan in one transaction and then creates, updates, renames or disposes runtimes.
//
// An entity in the document is matched to a live entity, in this order:
//   1. a rename announced by the API (the UI's edit form knows the old name),
//   2. the same name (names compare case-insensitively),
//   3. for a hand edit of the file: the only unmatched live entity that looks the same — a target
//      with exactly the same check names, a check with exactly the same settings (fingerprint).
// Whatever stays unmatched is new (document) or retired (store).

export interface PlannedEntity {
  name: string;
  fingerprint: string;
}

export interface DocTarget extends PlannedEntity {
  checks: PlannedEntity[];
}

export interface LiveEntity {
  id: number;
  name: string;
  parentId: number | null;
  fingerprint: string | null;
}

export interface RenameHint {
  kind: 'target' | 'check';
  /** For a check: the (new) name of its target. */
  target?: string;
  from: string;
  to: string;
}

export interface TargetPlan {
  /** Index in the document's targets. */
  index: number;
  /** Live entity it is, or null for a new one. */
  id: number | null;
  renamedFrom: string | null;
  checks: Array<{ index: number; id: number | null; renamedFrom: string | null; fingerprintChanged: boolean }>;
}

export interface ReconcilePlan {
  targets: TargetPlan[];
  retireTargets: LiveEntity[];
  retireChecks: LiveEntity[];
}

const key = (name: string) => name.toLowerCase();

/** Pairs document items with live entities by the rules above; returns doc index → live entity. */
function match<D extends PlannedEntity>(
  doc: D[],
  live: LiveEntity[],
  hints: Array<{ from: string; to: string }>,
  looksSame: (d: D, l: LiveEntity) => boolean,
): Map<number, LiveEntity> {
  const result = new Map<number, LiveEntity>();
  const taken = new Set<number>();
  const pair = (index: number, entity: LiveEntity) => {
    result.set(index, entity);
    taken.add(entity.id);
  };
  for (const hint of hints) {
    const index = doc.findIndex((d) => key(d.name) === key(hint.to));
    const entity = live.find((l) => key(l.name) === key(hint.from) && !taken.has(l.id));
    if (index >= 0 && entity && !result.has(index) && !doc.some((d) => key(d.name) === key(hint.from))) pair(index, entity);
  }
  doc.forEach((d, index) => {
    if (result.has(index)) return;
    const entity = live.find((l) => !taken.has(l.id) && key(l.name) === key(d.name));
    if (entity) pair(index, entity);
  });
  doc.forEach((d, index) => {
    if (result.has(index)) return;
    const candidates = live.filter((l) => !taken.has(l.id) && looksSame(d, l));
    if (candidates.length !== 1) return;
    const entity = candidates[0]!;
    // Unique both ways: no other unmatched document item looks like this entity.
    const rivals = doc.filter((other, i) => i !== index && !result.has(i) && looksSame(other, entity));
    if (rivals.length === 0) pair(index, entity);
  });
  return result;
}

export function planReconcile(
  doc: DocTarget[],
  liveTargets: LiveEntity[],
  liveChecks: LiveEntity[],
  hints: RenameHint[] = [],
): ReconcilePlan {
  const checksOf = (targetId: number) => liveChecks.filter((c) => c.parentId === targetId);
  const sameChecks = (d: DocTarget, l: LiveEntity) => {
    const names = checksOf(l.id).map((c) => key(c.name)).sort();
    const wanted = d.checks.map((c) => key(c.name)).sort();
    return names.length > 0 && names.length === wanted.length && names.every((n, i) => n === wanted[i]);
  };
  const targetMatch = match(doc, liveTargets, hints.filter((h) => h.kind === 'target'), sameChecks);

  const plans: TargetPlan[] = [];
  const keptChecks = new Set<number>();
  doc.forEach((target, index) => {
    const entity = targetMatch.get(index) ?? null;
    const plan: TargetPlan = {
      index,
      id: entity?.id ?? null,
      renamedFrom: entity && entity.name !== target.name ? entity.name : null,
      checks: [],
    };
    const live = entity ? checksOf(entity.id) : [];
    const checkHints = hints.filter((h) => h.kind === 'check' && h.target !== undefined && key(h.target) === key(target.name));
    const checkMatch = match(target.checks, live, checkHints, (d, l) => l.fingerprint !== null && l.fingerprint === d.fingerprint);
    target.checks.forEach((check, checkIndex) => {
      const found = checkMatch.get(checkIndex) ?? null;
      if (found) keptChecks.add(found.id);
      plan.checks.push({
        index: checkIndex,
        id: found?.id ?? null,
        renamedFrom: found && found.name !== check.name ? found.name : null,
        fingerprintChanged: found !== null && found.fingerprint !== check.fingerprint,
      });
    });
    plans.push(plan);
  });

  const keptTargets = new Set([...targetMatch.values()].map((t) => t.id));
  return {
    targets: plans,
    retireTargets: liveTargets.filter((t) => !keptTargets.has(t.id)),
    retireChecks: liveChecks.filter((c) => !keptChecks.has(c.id)),
  };
}
