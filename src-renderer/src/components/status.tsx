// Status presentation: every status has a colour, an icon and a word (never colour alone).
import type { CheckStatus, OverallLevel, Severity, AlertState } from '../../../src-main/core/model';
import { Icon, type IconName } from './icons';

export type Tone = 'ok' | 'warn' | 'danger' | 'pending' | 'muted' | 'info';

export const STATUS_META: Record<CheckStatus, { label: string; tone: Tone; icon: IconName }> = {
  up: { label: 'Up', tone: 'ok', icon: 'check' },
  degraded: { label: 'Degraded', tone: 'warn', icon: 'alert' },
  down: { label: 'Down', tone: 'danger', icon: 'x' },
  pending: { label: 'Pending', tone: 'pending', icon: 'clock' },
  paused: { label: 'Paused', tone: 'muted', icon: 'pause' },
};

export const LEVEL_META: Record<OverallLevel, { label: string; tone: Tone; icon: IconName }> = {
  ok: { label: 'All systems operational', tone: 'ok', icon: 'check' },
  warning: { label: 'Some checks need attention', tone: 'warn', icon: 'alert' },
  error: { label: 'Outage: checks are down', tone: 'danger', icon: 'x' },
  idle: { label: 'Idle', tone: 'muted', icon: 'pause' },
};

export const SEVERITY_META: Record<Severity, { label: string; tone: Tone; icon: IconName }> = {
  info: { label: 'Info', tone: 'info', icon: 'info' },
  warning: { label: 'Warning', tone: 'warn', icon: 'alert' },
  error: { label: 'Error', tone: 'danger', icon: 'x' },
  critical: { label: 'Critical', tone: 'danger', icon: 'alert' },
};

/** Severities as drop-down options, mildest first. */
export const SEVERITY_OPTIONS = (Object.keys(SEVERITY_META) as Severity[]).map((value) => ({ value, label: SEVERITY_META[value].label }));

export const ALERT_STATE_META: Record<AlertState, { label: string; tone: Tone; icon: IconName }> = {
  open: { label: 'Open', tone: 'danger', icon: 'bell' },
  acknowledged: { label: 'Acknowledged', tone: 'warn', icon: 'check' },
  // Neutral, not green: a resolved alert is history, not good news to act on.
  resolved: { label: 'Resolved', tone: 'muted', icon: 'check' },
};

export function Badge({
  tone,
  icon,
  label,
  testId,
  size = 'md',
}: {
  tone: Tone;
  icon: IconName;
  label: string;
  testId?: string;
  size?: 'sm' | 'md';
}) {
  return (
    <span className={`badge badge-${tone} badge-${size}`} data-testid={testId}>
      <span className="badge-icon">
        <Icon name={icon} size={size === 'sm' ? 12 : 14} />
      </span>
      <span>{label}</span>
    </span>
  );
}

export function StatusBadge({ status, size, testId }: { status: CheckStatus; size?: 'sm' | 'md'; testId?: string }) {
  const meta = STATUS_META[status];
  return <Badge tone={meta.tone} icon={meta.icon} label={meta.label} size={size} testId={testId} />;
}

/** The round status dot with an icon inside, used in check rows. */
export function StatusDot({ status }: { status: CheckStatus }) {
  const meta = STATUS_META[status];
  return (
    <span className={`status-dot tone-${meta.tone}`} role="img" aria-label={meta.label}>
      <Icon name={meta.icon} size={12} />
    </span>
  );
}
