// Wording of backup figures in the UI (pure).
import type { BackupProgress, BackupRunState } from '../../../../src-main/core/api/service';
import { humanDuration } from '../../lib/format';
import { formatBytes } from '../../../../src-main/core/backup/format-bytes';

export { formatBytes };

export const formatRate = (bytesPerSec: number) => `${formatBytes(Math.round(bytesPerSec))}/s`;

/** 0..1 of the work of a run (bytes when the total is known, else files done), or null when unknown (the bar is indeterminate). */
export function progressShare(p: BackupProgress): number | null {
  if (p.state === 'succeeded') return 1;
  if (p.state === 'queued' || p.state === 'scanning') return null;
  if (p.bytesTotal > 0) return Math.min(1, p.bytes / p.bytesTotal);
  // A database dump has no size until it ends: only finished files say anything.
  if (p.filesTotal > 0 && p.files > 0) return Math.min(1, p.files / p.filesTotal);
  return null;
}

export const STATE_LABEL: Record<BackupRunState, string> = {
  queued: 'Waiting for another backup',
  scanning: 'Scanning',
  archiving: 'Archiving',
  uploading: 'Uploading',
  verifying: 'Verifying',
  succeeded: 'Succeeded',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted',
};

export const STATE_TONE: Record<BackupRunState, 'ok' | 'danger' | 'warn' | 'muted' | 'info'> = {
  queued: 'muted',
  scanning: 'info',
  archiving: 'info',
  uploading: 'info',
  verifying: 'info',
  succeeded: 'ok',
  failed: 'danger',
  cancelled: 'muted',
  interrupted: 'warn',
};

/** "120 of 400 files · 1.2 of 3.0 GiB · 45 MiB/s · about 40 s left". */
export function progressText(p: BackupProgress): string {
  const parts: string[] = [];
  if (p.filesTotal > 0) parts.push(`${p.files.toLocaleString()} of ${p.filesTotal.toLocaleString()} files`);
  if (p.bytesTotal > 0) parts.push(`${formatBytes(p.bytes)} of ${formatBytes(p.bytesTotal)}`);
  if (p.rateBytesPerSec > 0) parts.push(formatRate(p.rateBytesPerSec));
  if (p.etaMs !== null && p.etaMs > 0 && p.state === 'archiving') parts.push(`about ${humanDuration(p.etaMs)} left`);
  return parts.join(' \u00b7 ');
}

/** The command that restores a run (the restore wizard comes later). */
export function restoreCommand(runId: string): string {
  return `kaavan restore ${runId} --to ~/restored-${runId.slice(0, 8)}`;
}
