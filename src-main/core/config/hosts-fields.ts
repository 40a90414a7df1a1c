// Config fields of the hosts issue that are not a check kind's own: `dependsOn` (checks and
// targets), `anomaly` (checks and settings), `health.weights` (settings) and the top-level
// `maintenance:` list. Kept apart from schema.ts, which only lists them in its hosts sections;
// docs/config.md is the reference.
import { z } from 'zod';
import { durationField, nameKey } from './fields.js';
import { echo, nearest } from './messages.js';
import { cronParamsShape } from '../checks/kinds/cron.js';

/** "web1" (a target) or "web1/nginx" (one of its checks). */
const dependencyRef = z
  .string({ error: 'must be text: a target name ("db1") or target/check ("db1/postgres")' })
  .trim()
  .min(1, 'must not be empty')
  .max(129, 'must be at most 129 characters')
  .refine((ref) => ref.split('/').length <= 2 && !ref.split('/').some((part) => part.trim() === ''), {
    error: 'must be a target name ("db1") or target/check ("db1/postgres")',
  });

/** What a check or target depends on; while one of them is down it is "blocked by parent". */
export const dependsOnField = z.array(dependencyRef, { error: 'must be a list of targets or target/check names' }).max(32, 'at most 32 dependencies');

const anomalyShape = {
  /** Latencies kept per check (default 200). */
  window: z.number().int('must be a whole number').min(5, 'must be at least 5').max(10_000, 'must be at most 10000').optional(),
  /** Standard deviations above the mean that count as anomalous (default 4). */
  z: z.number().min(1, 'must be at least 1').max(100, 'must be at most 100').optional(),
  /** Samples needed before anything is judged (default 30). */
  minSamples: z.number().int('must be a whole number').min(2, 'must be at least 2').max(10_000, 'must be at most 10000').optional(),
  /** The least excess over the mean that counts (default 20ms). */
  minDelta: durationField({ max: 600_000 }).optional(),
};

/** settings.anomaly: the defaults of every check's latency-anomaly detection. */
export const anomalySettingsField = z.strictObject(anomalyShape);

/** A check's `anomaly`: false turns detection off, true on (for any kind), or thresholds of its own. */
export const anomalyCheckField = z.union([z.boolean(), z.strictObject({ ...anomalyShape, enabled: z.boolean().optional() })], {
  error: 'must be true, false or a group of fields (window, z, minSamples, minDelta)',
});

/** settings.health: category weights of the health score (docs/checks.md). */
export const healthSettingsField = z.strictObject({
  weights: z
    .record(
      z.string().trim().min(1, 'a category name must not be empty').max(32, 'a category name must be at most 32 characters'),
      z.number({ error: 'must be a number from 0 to 100' }).min(0, 'must be at least 0').max(100, 'must be at most 100'),
    )
    .optional(),
});

/** "2026-11-24T02:00:00Z", "2026-11-24T04:00+02:00", or without an offset in this computer's time zone. */
const instantField = z
  .string({ error: 'must be a date and time like "2026-11-24T02:00:00Z"' })
  .trim()
  .refine((text) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(text) && Number.isFinite(Date.parse(text.replace(' ', 'T'))), {
    error: (issue) => `${echo(issue.input)} is not a date and time; use e.g. "2026-11-24T02:00:00Z" or "2026-11-24T04:00+02:00"`,
  });

export function parseInstant(text: string): number {
  return Date.parse(text.trim().replace(' ', 'T'));
}

export const maintenanceWindowSchema = z
  .strictObject({
    /** For messages and the UI ("weekly patching"). */
    name: z.string().trim().min(1, 'must not be empty').max(64, 'must be at most 64 characters').optional(),
    reason: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters').optional(),
    /** Targets by name; with neither targets nor tags, the window covers every target. */
    targets: z.array(z.string().trim().min(1).max(64), { error: 'must be a list of target names' }).max(500).optional(),
    /** Targets carrying any of these tags. */
    tags: z.array(z.string().trim().min(1).max(32), { error: 'must be a list of tags' }).max(32).optional(),
    /** A one-off window… */
    start: instantField.optional(),
    end: instantField.optional(),
    /** …or a recurring one: a cron expression (read in `timezone`) and how long each lasts. */
    schedule: cronParamsShape.schedule.optional(),
    duration: durationField({ min: 60_000, max: 31 * 86_400_000 }).optional(),
    timezone: cronParamsShape.timezone,
  })
  .superRefine((w, ctx) => {
    const oneOff = w.start !== undefined || w.end !== undefined;
    const recurring = w.schedule !== undefined || w.duration !== undefined;
    if (oneOff && recurring) {
      ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'use either start and end (one window) or schedule and duration (a recurring one), not both' });
      return;
    }
    if (!oneOff && !recurring) {
      ctx.addIssue({ code: 'custom', path: [], message: 'needs start and end (one window), or schedule and duration (a recurring one)' });
      return;
    }
    if (oneOff) {
      if (w.start === undefined) ctx.addIssue({ code: 'custom', path: ['start'], message: 'is needed with end: when the window begins' });
      if (w.end === undefined) ctx.addIssue({ code: 'custom', path: ['end'], message: 'is needed with start: when the window ends' });
      if (w.start !== undefined && w.end !== undefined && parseInstant(w.end) <= parseInstant(w.start))
        ctx.addIssue({ code: 'custom', path: ['end'], message: 'must be later than start' });
    } else {
      if (w.schedule === undefined) ctx.addIssue({ code: 'custom', path: ['schedule'], message: 'is needed with duration: when each window begins (a cron expression like "0 3 * * 0")' });
      if (w.duration === undefined) ctx.addIssue({ code: 'custom', path: ['duration'], message: 'is needed with schedule: how long each window lasts, like 2h' });
    }
  });

export const maintenanceField = z.array(maintenanceWindowSchema, { error: 'must be a list of maintenance windows' }).max(100, 'at most 100 maintenance windows');

export type MaintenanceWindowConfig = z.infer<typeof maintenanceWindowSchema>;

interface DocForIssues {
  targets?: ReadonlyArray<{ name: string; dependsOn?: string[] | undefined; checks?: ReadonlyArray<{ name: string; dependsOn?: string[] | undefined }> | undefined }> | undefined;
  maintenance?: ReadonlyArray<{ targets?: string[] | undefined }> | undefined;
}

/**
 * Cross-references of the hosts fields: every dependsOn names an existing target or check, nothing
 * depends on itself or (through others) on itself, and maintenance windows name existing targets.
 */
export function hostsConfigIssues(doc: DocForIssues): Array<{ path: Array<string | number>; message: string }> {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const targets = doc.targets ?? [];
  const targetNames = targets.map((t) => t.name);
  const byKey = new Map(targets.map((t) => [nameKey(t.name), t]));
  const unknownTarget = (name: string) => {
    const guess = nearest(name, targetNames);
    return `no target named ${echo(name)}${guess ? `; did you mean "${guess}"?` : ''}`;
  };
  // Nodes: "t:<target>" and "c:<target>/<check>"; a check depends on its target's own dependencies too.
  const edges = new Map<string, string[]>();
  const nodeOf = (ref: string) => {
    const [t, c] = ref.split('/').map((p) => nameKey(p.trim()));
    return c === undefined ? `t:${t}` : `c:${t}/${c}`;
  };
  const checkRef = (ref: string, path: Array<string | number>, self: string) => {
    const [targetName, checkName] = ref.split('/').map((p) => p.trim());
    const target = byKey.get(nameKey(targetName!));
    if (!target) return issues.push({ path, message: unknownTarget(targetName!) }), false;
    if (checkName !== undefined && !(target.checks ?? []).some((c) => nameKey(c.name) === nameKey(checkName))) {
      const guess = nearest(checkName, (target.checks ?? []).map((c) => c.name));
      return issues.push({ path, message: `target ${echo(target.name)} has no check named ${echo(checkName)}${guess ? `; did you mean "${guess}"?` : ''}` }), false;
    }
    if (nodeOf(ref) === self) return issues.push({ path, message: 'cannot depend on itself' }), false;
    return true;
  };
  targets.forEach((target, ti) => {
    const tNode = `t:${nameKey(target.name)}`;
    const tEdges: string[] = [];
    (target.dependsOn ?? []).forEach((ref, i) => {
      if (!checkRef(ref, ['targets', ti, 'dependsOn', i], tNode)) return;
      // A target depending on one of its own checks would block itself.
      if (nodeOf(ref).startsWith(`c:${nameKey(target.name)}/`)) issues.push({ path: ['targets', ti, 'dependsOn', i], message: 'a target cannot depend on one of its own checks' });
      else tEdges.push(nodeOf(ref));
    });
    edges.set(tNode, tEdges);
    (target.checks ?? []).forEach((check, ci) => {
      const cNode = `c:${nameKey(target.name)}/${nameKey(check.name)}`;
      const cEdges: string[] = [...tEdges];
      (check.dependsOn ?? []).forEach((ref, i) => {
        if (checkRef(ref, ['targets', ti, 'checks', ci, 'dependsOn', i], cNode)) cEdges.push(nodeOf(ref));
      });
      edges.set(cNode, cEdges);
    });
  });
  // A target is down when one of its checks is: "t:x" leads to each of its checks.
  for (const target of targets) {
    const tNode = `t:${nameKey(target.name)}`;
    edges.set(tNode, [...(edges.get(tNode) ?? []), ...(target.checks ?? []).map((c) => `c:${nameKey(target.name)}/${nameKey(c.name)}`)]);
  }
  const cycle = findCycle(edges);
  if (cycle) {
    const label = (node: string) => node.slice(2);
    issues.push({ path: ['targets'], message: `dependsOn goes round in a circle: ${cycle.map(label).join(' → ')}; remove one of these dependencies` });
  }
  (doc.maintenance ?? []).forEach((window, wi) => {
    (window.targets ?? []).forEach((name, i) => {
      if (!byKey.has(nameKey(name))) issues.push({ path: ['maintenance', wi, 'targets', i], message: unknownTarget(name) });
    });
  });
  return issues;
}

/** A cycle in the graph as a list of nodes (first repeated at the end), or null. */
function findCycle(edges: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of edges.get(node) ?? []) {
      const s = state.get(next);
      if (s === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (s === undefined) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of edges.keys()) {
    if (state.has(node)) continue;
    const found = visit(node);
    if (found) return found;
  }
  return null;
}
