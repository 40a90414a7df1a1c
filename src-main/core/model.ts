// Domain types shared by the engines, the service API and (as types only) the renderer.
// Nothing here may import Node or Electron: the renderer imports these types.

/** Status of one check as the state machine sees it. */
export type CheckStatus = 'pending' | 'up' | 'degraded' | 'down' | 'paused';

/** What a single probe of a check found (before retries are applied). */
export type ProbeStatus = 'up' | 'degraded' | 'down';

export interface ProbeOutcome {
  status: ProbeStatus;
  /** Time to the first response byte / connect, in ms; null when nothing answered. */
  latencyMs: number | null;
  /** One line a person can read: "HTTP 200 in 123 ms", "connection refused", ... */
  message: string;
  /** Optional numbers (bytes read, status code, ...) kept with the result. */
  metrics?: Record<string, number>;
}

export interface CheckResult extends ProbeOutcome {
  target: string;
  check: string;
  /** Epoch ms when the probe started. */
  at: number;
}

export type Severity = 'info' | 'warning' | 'error' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  id: number;
  /** Dedup key: one open alert per key ("check:<target>/<check>"). */
  key: string;
  target: string;
  check: string;
  severity: Severity;
  state: AlertState;
  title: string;
  message: string;
  openedAt: number;
  lastSeenAt: number;
  ackedAt: number | null;
  ackNote: string | null;
  resolvedAt: number | null;
  resolvedBy: 'auto' | 'manual' | null;
  /** Failures seen while the alert was open. */
  count: number;
  metadata: Record<string, unknown>;
}

export type AlertEventType = 'opened' | 'reminder' | 'acknowledged' | 'resolved' | 'reopened';

export interface AlertEvent {
  id: number;
  alertId: number;
  at: number;
  type: AlertEventType;
  message: string;
}

export interface AuditEntry {
  id: number;
  at: number;
  /** "user" (UI/CLI), "engine", "api". */
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
}

/** Live state of one check, as shown on the health cards. */
export interface CheckView {
  target: string;
  name: string;
  kind: string;
  /** Short description of what is probed: URL, host:port. */
  describe: string;
  enabled: boolean;
  status: CheckStatus;
  /** Epoch ms since which the check has had this status. */
  since: number | null;
  lastResult: CheckResult | null;
  /** Consecutive failed probes (0 when the last probe succeeded). */
  failStreak: number;
  retries: number;
  intervalMs: number;
  stats24h: CheckStats;
  /** Latency of the most recent results (oldest first) for the sparkline; null = no answer. */
  recentLatency: Array<number | null>;
}

export interface CheckStats {
  /** Share of probes that were up or degraded, 0..1; null with no probes in the window. */
  uptime: number | null;
  meanLatencyMs: number | null;
  p95LatencyMs: number | null;
  probes: number;
}

export interface TargetView {
  name: string;
  tags: string[];
  /** Worst status among the target's enabled checks. */
  status: CheckStatus;
  checks: CheckView[];
}

/** Colour of the tray icon and the header. */
export type OverallLevel = 'ok' | 'warning' | 'error' | 'idle';

export interface Overview {
  paused: boolean;
  level: OverallLevel;
  counts: Record<CheckStatus, number>;
  openAlerts: number;
  targets: TargetView[];
  generatedAt: number;
}

export interface ResultPoint {
  at: number;
  status: ProbeStatus;
  latencyMs: number | null;
  message: string;
}
