// A running backup's progress: state, bar (indeterminate while the total is unknown) and figures.
import type { BackupProgress } from '../../../../src-main/core/api/service';
import { STATE_LABEL, progressShare, progressText } from './format';

export function BackupProgressBar({ progress }: { progress: BackupProgress }) {
  const share = progressShare(progress);
  const pct = share === null ? null : Math.round(share * 100);
  const figures = progressText(progress);
  return (
    <div className="backup-progress" data-testid={`backup-progress-${progress.job}`} data-state={progress.state}>
      <div className="backup-progress-head">
        <span className="backup-progress-state">{STATE_LABEL[progress.state]}</span>
        {pct !== null && <span className="backup-progress-pct">{pct}%</span>}
      </div>
      <div
        className={`backup-progress-track${pct === null ? ' is-indeterminate' : ''}`}
        role="progressbar"
        aria-label={`Backup ${progress.job}: ${STATE_LABEL[progress.state]}`}
        aria-valuemin={0}
        aria-valuemax={100}
        {...(pct !== null ? { 'aria-valuenow': pct } : {})}
      >
        <div className="backup-progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
      </div>
      {figures && <div className="backup-progress-figures">{figures}</div>}
    </div>
  );
}
