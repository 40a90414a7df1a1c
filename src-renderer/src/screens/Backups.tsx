// Backups (#/backups): every job with its schedule, next and last run, destination, "Back up now" /
// "Cancel" and a live progress bar (backup.progress events); the runs of the selected job with a
// throughput chart and the command that restores a run; a form to add, edit and remove jobs.
import { useEffect, useState } from 'react';
import type { BackupJobView, BackupProgress, BackupRunView } from '../../../src-main/core/api/service';
import type { BackupJob } from '../../../src-main/core/backup/job-schema';
import { useApp } from '../state/store';
import { errorMessage } from '../client/client';
import { useLoader, useNow } from '../lib/hooks';
import { dateTime, humanDuration, relativeTime } from '../lib/format';
import { Icon } from '../components/icons';
import { ConfirmDialog } from '../components/Dialog';
import { BackupProgressBar } from '../components/backups/ProgressBar';
import { JobDialog } from '../components/backups/JobDialog';
import { ThroughputChart } from '../components/backups/ThroughputChart';
import { STATE_LABEL, STATE_TONE, formatBytes, restoreCommand } from '../components/backups/format';
import '../styles/backups.css';

function StateBadge({ state }: { state: BackupRunView['state'] }) {
  return <span className={`badge badge-sm badge-${STATE_TONE[state]}`}>{STATE_LABEL[state]}</span>;
}

export function BackupsScreen() {
  const client = useApp((s) => s.client)!;
  const configRevision = useApp((s) => s.configRevision);
  const theme = useApp((s) => s.theme);
  const toast = useApp((s) => s.toast);
  const [revision, setRevision] = useState(0);
  const jobs = useLoader(() => client.listBackupJobs(), [client, configRevision, revision]);
  const config = useLoader(() => client.getConfig(), [client, configRevision]);
  const [selected, setSelected] = useState<string | null>(null);
  const [progress, setProgress] = useState<Record<string, BackupProgress>>({});
  const [editing, setEditing] = useState<BackupJob | 'new' | null>(null);
  const [removing, setRemoving] = useState<string | null>(null);
  const [removeState, setRemoveState] = useState<{ busy: boolean; error: string | null }>({ busy: false, error: null });
  const [actionError, setActionError] = useState<string | null>(null);
  const now = useNow(15_000);

  // Live progress and finished runs.
  useEffect(
    () =>
      client.subscribe((event) => {
        if (event.type === 'backup.progress') setProgress((p) => ({ ...p, [event.progress.job]: event.progress }));
        else if (event.type === 'backup.finished') {
          setProgress((p) => {
            const next = { ...p };
            delete next[event.run.job];
            return next;
          });
          setRevision((r) => r + 1);
          if (useApp.getState().info?.mode === 'headless') {
            const r = event.run;
            if (r.state === 'succeeded') toast({ tone: 'success', title: `Backup ${r.job} done`, body: `${formatBytes(r.bytes)} in ${humanDuration(r.durationMs)}` });
            else if (r.state === 'failed' || r.state === 'interrupted') toast({ tone: 'danger', title: `Backup ${r.job} failed`, body: r.error ?? '' });
          }
        }
      }),
    [client, toast],
  );

  const list = jobs.data ?? [];
  const current = list.find((j) => j.name === selected) ?? list[0] ?? null;
  const running = (job: BackupJobView) => progress[job.name] ?? job.running;

  async function backUpNow(job: string) {
    setActionError(null);
    try {
      const { runId } = await client.runBackup({ job });
      setProgress((p) => (p[job] ? p : { ...p, [job]: { runId, job, state: runId.startsWith('queued:') ? 'queued' : 'scanning', files: 0, filesTotal: 0, bytes: 0, bytesTotal: 0, storedBytes: 0, rateBytesPerSec: 0, etaMs: null } }));
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  async function cancel(runId: string) {
    setActionError(null);
    try {
      await client.cancelBackup({ runId });
    } catch (error) {
      setActionError(errorMessage(error));
    }
  }

  const jobConfig = (name: string) => (config.data?.backups ?? []).find((j) => j.name === name);

  return (
    <div className="screen backups-screen">
      <div className="page-header">
        <div>
          <h1>Backups</h1>
          <p className="page-subtitle">Encrypted, verified backups of your folders and databases. Each job is also watched as a check under “Backups”.</p>
        </div>
        <div className="row-actions">
          <button type="button" className="btn btn-primary" onClick={() => setEditing('new')} data-testid="backup-new-job">
            <Icon name="plus" /> New job
          </button>
        </div>
      </div>
      {(jobs.error || actionError) && (
        <p className="form-error" role="alert">
          {actionError ?? jobs.error}
        </p>
      )}
      {jobs.data && list.length === 0 && (
        <div className="empty-state card">
          <span className="empty-icon">
            <Icon name="archive" size={28} />
          </span>
          <h2>No backup jobs yet</h2>
          <p>Add a job: the folders to keep, where to put them, and when.</p>
        </div>
      )}
      {list.length > 0 && (
        <div className="backup-jobs" data-testid="backup-jobs">
          {list.map((job) => {
            const live = running(job);
            return (
              <article key={job.name} className={`card backup-job${current?.name === job.name ? ' is-selected' : ''}`} data-testid={`backup-job-${job.name}`}>
                <header className="backup-job-head">
                  <button type="button" className="backup-job-name" onClick={() => setSelected(job.name)} aria-pressed={current?.name === job.name}>
                    {job.name}
                  </button>
                  <div className="badge-row">
                    {job.encrypted ? <span className="badge badge-sm badge-ok">Encrypted</span> : <span className="badge badge-sm badge-warn">Not encrypted</span>}
                    <span className="badge badge-sm badge-muted">{job.type}</span>
                  </div>
                </header>
                <dl className="backup-job-facts">
                  <div>
                    <dt>Schedule</dt>
                    <dd className={job.schedule ? 'mono' : undefined}>{job.schedule ?? 'On demand'}</dd>
                  </div>
                  <div>
                    <dt>Next run</dt>
                    <dd>{job.nextRunAt ? <time dateTime={new Date(job.nextRunAt).toISOString()}>{dateTime(job.nextRunAt)}</time> : '\u2014'}</dd>
                  </div>
                  <div>
                    <dt>Last run</dt>
                    <dd>
                      {job.lastRun ? (
                        <>
                          <StateBadge state={job.lastRun.state} /> <span title={dateTime(job.lastRun.startedAt)}>{relativeTime(job.lastRun.startedAt, now)}</span>
                        </>
                      ) : (
                        'Never'
                      )}
                    </dd>
                  </div>
                  <div>
                    <dt>Destination</dt>
                    <dd className="mono backup-ellipsis" title={job.destination}>
                      {job.destination}
                    </dd>
                  </div>
                  <div className="backup-job-sources">
                    <dt>Sources</dt>
                    <dd className="mono backup-ellipsis" title={job.sources.join('\n')}>
                      {job.sources.join(', ')}
                    </dd>
                  </div>
                </dl>
                {live && <BackupProgressBar progress={live} />}
                <div className="backup-job-actions">
                  {live ? (
                    <button type="button" className="btn btn-sm" onClick={() => void cancel(live.runId)} data-testid={`backup-cancel-${job.name}`}>
                      <Icon name="x" /> Cancel
                    </button>
                  ) : (
                    <button type="button" className="btn btn-sm btn-primary" onClick={() => void backUpNow(job.name)} data-testid={`backup-run-${job.name}`}>
                      <Icon name="play" /> Back up now
                    </button>
                  )}
                  <button type="button" className="btn btn-sm" onClick={() => setEditing(jobConfig(job.name) ?? null)} disabled={!jobConfig(job.name)} aria-label={`Edit ${job.name}`}>
                    <Icon name="edit" /> Edit
                  </button>
                  <button type="button" className="btn btn-sm btn-danger" onClick={() => setRemoving(job.name)} disabled={!!live} aria-label={`Remove ${job.name}`}>
                    <Icon name="trash" />
                  </button>
                </div>
              </article>
            );
          })}
        </div>
      )}
      {current && <RunsPanel job={current} revision={revision} theme={`${theme}:${typeof document === 'undefined' ? '' : document.documentElement.dataset.theme}`} now={now} />}
      {editing && (
        <JobDialog
          {...(editing === 'new' ? {} : { job: editing })}
          sshTargets={(config.data?.targets ?? []).filter((t) => t.ssh).map((t) => t.name)}
          onClose={() => setEditing(null)}
          onSaved={(name) => {
            setEditing(null);
            setSelected(name);
            setRevision((r) => r + 1);
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={`Remove backup job ${removing}?`}
          message="The job leaves the configuration. Its runs stay on the destination and can still be restored from the command line."
          confirmLabel="Remove job"
          busy={removeState.busy}
          error={removeState.error}
          onClose={() => {
            setRemoving(null);
            setRemoveState({ busy: false, error: null });
          }}
          onConfirm={() => {
            setRemoveState({ busy: true, error: null });
            client.removeBackupJob({ name: removing }).then(
              () => {
                setRemoving(null);
                setRemoveState({ busy: false, error: null });
                setRevision((r) => r + 1);
              },
              (error: unknown) => setRemoveState({ busy: false, error: errorMessage(error) }),
            );
          }}
        />
      )}
    </div>
  );
}

function RunsPanel({ job, revision, theme, now }: { job: BackupJobView; revision: number; theme: string; now: number }) {
  const client = useApp((s) => s.client)!;
  const runs = useLoader(() => client.listBackupRuns({ job: job.name, limit: 100 }), [client, job.name, revision]);
  const [shown, setShown] = useState<string | null>(null);
  const rows = runs.data ?? [];
  return (
    <section className="card backup-runs" aria-labelledby="backup-runs-title" data-testid="backup-runs">
      <div className="card-title-row">
        <h2 id="backup-runs-title" className="card-title">
          Runs of {job.name}
        </h2>
      </div>
      {rows.some((r) => r.state === 'succeeded') && <ThroughputChart runs={rows} theme={theme} />}
      {runs.error && <p className="form-error">{runs.error}</p>}
      {runs.data && rows.length === 0 && <p className="card-empty muted">No runs yet. “Back up now” starts one.</p>}
      {rows.length > 0 && (
        <div className="table-scroll">
          <table className="table backup-runs-table">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Files
                </th>
                <th scope="col" className="num">
                  Size
                </th>
                <th scope="col" className="num">
                  Stored
                </th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col">
                  <span className="sr-only">Restore</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <RunRow key={r.id} job={job.name} run={r} now={now} open={shown === r.id} onToggle={() => setShown(shown === r.id ? null : r.id)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

type VerifyState = { busy: true } | { busy: false; ok: boolean; text: string };

function RunRow({ job, run, now, open, onToggle }: { job: string; run: BackupRunView; now: number; open: boolean; onToggle: () => void }) {
  const client = useApp((s) => s.client)!;
  const [verify, setVerify] = useState<VerifyState | null>(null);
  const runVerify = () => {
    setVerify({ busy: true });
    client.verifyBackupRun({ job, runId: run.id }).then(
      (r) =>
        setVerify({
          busy: false,
          ok: r.ok,
          text: r.ok ? `Intact: ${r.files.toLocaleString()} files in ${r.segments} segment${r.segments === 1 ? '' : 's'} re-read and checked` : `${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}: ${r.problems[0] ?? ''}`,
        }),
      (error: unknown) => setVerify({ busy: false, ok: false, text: errorMessage(error) }),
    );
  };
  return (
    <>
      <tr data-testid={`backup-run-row-${run.id}`} data-state={run.state}>
        <td className="nowrap">
          <time dateTime={new Date(run.startedAt).toISOString()} title={`${dateTime(run.startedAt)} \u00b7 ${run.id}`}>
            {relativeTime(run.startedAt, now)}
          </time>
          {run.kind && <span className="muted backup-kind"> {run.kind}</span>}
        </td>
        <td>
          <StateBadge state={run.state} />
          {run.error && run.state !== 'cancelled' && <div className="backup-run-error">{run.error}</div>}
          {run.warnings > 0 && <div className="muted">{run.warnings} warning{run.warnings === 1 ? '' : 's'}</div>}
          {verify && !verify.busy && (
            <div className={verify.ok ? 'backup-verify-ok' : 'backup-run-error'} role="status" data-testid={`backup-verify-result-${run.id}`}>
              {verify.text}
            </div>
          )}
        </td>
        <td className="num">{run.files.toLocaleString()}</td>
        <td className="num">{formatBytes(run.bytes)}</td>
        <td className="num">{run.state === 'succeeded' ? formatBytes(run.storedBytes) : '\u2014'}</td>
        <td className="num">{humanDuration(run.durationMs)}</td>
        <td className="num">
          {run.state === 'succeeded' && (
            <div className="backup-run-actions">
              <button type="button" className="btn btn-sm btn-ghost" onClick={runVerify} disabled={verify?.busy === true} title="Re-read the run from its destination and check every file">
                {verify?.busy ? 'Verifying\u2026' : 'Verify'}
              </button>
              <button type="button" className="btn btn-sm btn-ghost" onClick={onToggle} aria-expanded={open}>
                Restore…
              </button>
            </div>
          )}
        </td>
      </tr>
      {open && (
        <tr className="backup-restore-row">
          <td colSpan={7}>
            <p>
              Restore this run from a terminal (the guided restore comes later). Add <code>--include &apos;PATTERN&apos;</code> for some files only:
            </p>
            <pre className="mono backup-restore-cmd" data-testid="backup-restore-command">
              {restoreCommand(run.id)}
            </pre>
          </td>
        </tr>
      )}
    </>
  );
}
