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
  /**
   * Set when the probe failed because of the observer itself, not the target: the local machine ran
   * out of file descriptors (EMFILE/ENFILE), buffers (ENOBUFS), memory or local ports. Such outcomes
   * never mark a check down; they are reported as Kaavan's own health problem. The value is the code.
   */
  observerFault?: string;
}

export interface CheckResult extends ProbeOutcome {
  /** Stable id of the check (names are labels; the id survives renames). */
  checkId?: number;
  target: string;
  check: string;
  /** Epoch ms when the probe started. */
  at: number;
}

export type Severity = 'info' | 'warning' | 'error' | 'critical';
export type AlertState = 'open' | 'acknowledged' | 'resolved';

export interface Alert {
  id: number;
  /** Stable id of the check this alert is about; null for alerts about Kaavan itself or other subjects. */
  checkId: number | null;
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
  /** Until when reminders are held back (issue 8); the resolved notice is always sent. */
  silencedUntil?: number | null;
}

export type AlertEventType = 'opened' | 'reminder' | 'acknowledged' | 'resolved' | 'reopened' | 'silenced' | 'heal';

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
  /** Stable id of the check. */
  id: number;
  /** Stable id of its target. */
  targetId: number;
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
  /**
   * Why this check raises no alerts of its own right now, if it does not: the target is in a
   * maintenance window, a parent it depends on is down, or this computer is offline (hosts issue).
   */
  suppressed?: { reason: 'maintenance' | 'blocked' | 'observer-offline'; message: string } | null;
}

/** A target's health score (hosts issue): weighted categories boiled down to one number. */
export interface HealthScoreView {
  /** 0..1; null when no category has a result yet. */
  score: number | null;
  band: 'excellent' | 'good' | 'fair' | 'poor' | 'critical' | null;
  classification: 'NORMAL' | 'WARNING' | 'CRITICAL';
  categories: Array<{ name: string; weight: number; score: number; checks: number }>;
}

export interface CheckStats {
  /** Share of probes that were up or degraded, 0..1; null with no probes in the window. */
  uptime: number | null;
  meanLatencyMs: number | null;
  p95LatencyMs: number | null;
  probes: number;
}

export interface TargetView {
  /** Stable id of the target. */
  id: number;
  name: string;
  tags: string[];
  /** Worst status among the target's enabled checks. */
  status: CheckStatus;
  checks: CheckView[];
  /** The health score and its breakdown (hosts issue). */
  health?: HealthScoreView;
  /** Set while the target is in a maintenance window (hosts issue). */
  maintenance?: { until: number | null; reason: string } | null;
  /** "ssh" when host-level checks run over SSH, "local" on this computer. */
  host?: 'local' | 'ssh';
}

/** Colour of the tray icon and the header. */
export type OverallLevel = 'ok' | 'warning' | 'error' | 'idle';

/** Counters and colour of the whole dashboard, sent with every delta. */
export interface OverviewSummary {
  paused: boolean;
  level: OverallLevel;
  counts: Record<CheckStatus, number>;
  openAlerts: number;
  generatedAt: number;
}

/** A problem of Kaavan itself (never of a watched server). */
export interface HealthProblem {
  /** Stable code: 'store-write-failed', 'descriptors-exhausted', 'delivery-backlog', 'config-invalid', ... */
  code: string;
  /** One line a person can act on. */
  message: string;
  since: number;
  /** How many times it was seen since `since`. */
  count: number;
}

export interface KaavanHealth {
  ok: boolean;
  problems: HealthProblem[];
  generatedAt: number;
}

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
