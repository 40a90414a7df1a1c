// /metrics of `kaavan serve` in the Prometheus text format, so a fleet that outgrows one laptop can
// move to Prometheus + Grafana + Alertmanager. A registry of its own (never prom-client's global
// one): two servers in one process, or a test, never see each other's series. Gauges are filled
// from the service at scrape time; the latency histogram counts every probe result as it happens.
import { Gauge, Histogram, Registry } from 'prom-client';
import type { KaavanService } from '../core/api/service.js';
import type { CheckStatus, CheckView } from '../core/model.js';

export const METRICS_PATH = '/metrics';

const STATUSES: CheckStatus[] = ['up', 'degraded', 'down', 'pending', 'paused'];
const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;

/** Seconds; from a fast local answer to a probe at its longest timeout. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

type CheckLabels = { target: string; check: string; kind: string };

export interface KaavanMetrics {
  readonly contentType: string;
  /** The exposition text, with gauges read from the service now. */
  render(): Promise<string>;
  /** Stops listening to results. */
  close(): void;
}

export function createMetrics(service: KaavanService, version: string): KaavanMetrics {
  const registry = new Registry();
  const checkLabels = ['target', 'check', 'kind'] as const;

  const status = new Gauge({
    name: 'kaavan_check_status',
    help: 'Status of each check: 1 for its current status, 0 for the others (up, degraded, down, pending, paused).',
    labelNames: [...checkLabels, 'status'],
    registers: [registry],
  });
  const up = new Gauge({
    name: 'kaavan_check_up',
    help: '1 when the check is up or degraded, 0 when down; absent while pending or paused.',
    labelNames: checkLabels,
    registers: [registry],
  });
  const uptime = new Gauge({
    name: 'kaavan_check_uptime_ratio',
    help: 'Share of probes over the last 24 hours that were up or degraded (0..1); absent without probes.',
    labelNames: checkLabels,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'kaavan_check_latency_seconds',
    help: 'Latency of each probe that got an answer, since kaavan serve started.',
    labelNames: checkLabels,
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const health = new Gauge({
    name: 'kaavan_target_health_score',
    help: 'Health score of each target (0..1) from its weighted check categories; absent until it has one.',
    labelNames: ['target'],
    registers: [registry],
  });
  const alerts = new Gauge({
    name: 'kaavan_alerts_open',
    help: 'Alerts not yet resolved, by severity and whether someone acknowledged them.',
    labelNames: ['severity', 'state'],
    registers: [registry],
  });
  const paused = new Gauge({ name: 'kaavan_monitoring_paused', help: '1 while all monitoring is paused.', registers: [registry] });
  const problems = new Gauge({
    name: 'kaavan_self_health_problems',
    help: 'Problems of Kaavan itself (store writes, descriptors, keychain, delivery backlog) by code; 0 problems means healthy.',
    labelNames: ['code'],
    registers: [registry],
  });
  const healthy = new Gauge({ name: 'kaavan_self_healthy', help: '1 when Kaavan itself has no problem (see kaavan_self_health_problems), 0 otherwise.', registers: [registry] });
  const info = new Gauge({ name: 'kaavan_info', help: 'Always 1; the labels say which Kaavan this is.', labelNames: ['version'], registers: [registry] });
  info.set({ version }, 1);

  // Results carry the check id; its labels (kind included) come from the last view of that check.
  const labelsById = new Map<number, CheckLabels>();
  const remember = (checks: Iterable<CheckView>) => {
    for (const c of checks) labelsById.set(c.id, { target: c.target, check: c.name, kind: c.kind });
  };
  const observed = new Map<string, CheckLabels>();
  const key = (l: CheckLabels) => JSON.stringify([l.target, l.check, l.kind]);

  const unsubscribe = service.subscribe((event) => {
    if (event.type === 'overview') remember(event.overview.targets.flatMap((t) => t.checks));
    else if (event.type === 'checks.changed') remember(event.checks);
    else if (event.type === 'check.result') {
      const { result } = event;
      if (result.latencyMs === null || result.checkId === undefined) return;
      const labels = labelsById.get(result.checkId);
      if (!labels) return;
      latency.observe(labels, result.latencyMs / 1000);
      observed.set(key(labels), labels);
    }
  });

  return {
    contentType: registry.contentType,
    async render() {
      const [overview, kaavanHealth, active] = await Promise.all([service.overview(), service.health(), service.listAlerts({ state: 'active', limit: 10_000 })]);
      const checks = overview.targets.flatMap((t) => t.checks);
      remember(checks);

      status.reset();
      up.reset();
      uptime.reset();
      health.reset();
      alerts.reset();
      problems.reset();
      const present = new Set<string>();
      for (const c of checks) {
        const labels: CheckLabels = { target: c.target, check: c.name, kind: c.kind };
        present.add(key(labels));
        for (const s of STATUSES) status.set({ ...labels, status: s }, c.status === s ? 1 : 0);
        if (c.status === 'up' || c.status === 'degraded') up.set(labels, 1);
        else if (c.status === 'down') up.set(labels, 0);
        if (c.stats24h.uptime !== null) uptime.set(labels, c.stats24h.uptime);
      }
      // A removed or renamed check's latency series goes with it.
      for (const [k, labels] of observed) {
        if (present.has(k)) continue;
        latency.remove(labels);
        observed.delete(k);
      }
      for (const t of overview.targets) {
        const score = t.health?.score;
        if (typeof score === 'number' && Number.isFinite(score)) health.set({ target: t.name }, score);
      }
      for (const severity of SEVERITIES) {
        for (const state of ['open', 'acknowledged'] as const) alerts.set({ severity, state }, active.filter((a) => a.severity === severity && a.state === state).length);
      }
      paused.set(overview.paused ? 1 : 0);
      for (const p of kaavanHealth.problems) problems.set({ code: p.code }, 1);
      healthy.set(kaavanHealth.problems.length === 0 ? 1 : 0);
      return registry.metrics();
    },
    close() {
      unsubscribe();
      registry.clear();
    },
  };
}
