// The host parts of the per-target page: the connection and its host key (see and trust), the
// health score with its breakdown, system gauges, each disk's trend with its forecast line, the
// file-integrity diff with "Accept current state", and a logs check's matching lines. Figures come
// from the hostDetail method, reloaded whenever one of the target's checks reports a new result.
import { createContext, useContext, useMemo, useState } from 'react';
import type { CheckStatus, TargetView } from '../../../../src-main/core/model';
import type { HostDetail, HostDiskView, HostFilesView, HostKeyOffer, HostLogsView, HostSystemView } from '../../../../src-main/core/api/host-methods';
import { useApp } from '../../state/store';
import { useLoader, useNow } from '../../lib/hooks';
import { errorMessage } from '../../client/client';
import { formatPercent, plural, relativeTime, shortDateTime } from '../../lib/format';
import { Icon } from '../icons';
import { Badge, StatusBadge, type Tone } from '../status';
import { ConfirmDialog } from '../Dialog';
import { DiskChart } from './DiskChart';
import { diskChartData } from './disk-forecast';
import '../../styles/host.css';

/** Why a check raises no alerts right now (maintenance, blocked by a parent, observer offline), by check id. */
const SuppressedContext = createContext<Map<number, NonNullable<TargetView['checks'][number]['suppressed']>>>(new Map());

const BAND_TONE: Record<string, Tone> = { excellent: 'ok', good: 'ok', fair: 'warn', poor: 'warn', critical: 'danger' };
const CLASS_TONE: Record<string, Tone> = { NORMAL: 'ok', WARNING: 'warn', CRITICAL: 'danger' };

export function HostPanel({ target }: { target: TargetView }) {
  const client = useApp((s) => s.client)!;
  // A new result of any of the target's checks (or a changed set of checks) reloads the figures.
  const resultKey = target.checks.map((c) => `${c.id}:${c.lastResult?.at ?? 0}:${c.status}`).join(',');
  const detail = useLoader(() => client.hostDetail({ targetId: target.id }), [client, target.id, resultKey]);
  const d = detail.data;
  const suppressed = useMemo(() => new Map(target.checks.flatMap((c) => (c.suppressed ? [[c.id, c.suppressed] as const] : []))), [target.checks]);
  return (
    <SuppressedContext.Provider value={suppressed}>
    <div className="host-panel stack" data-testid="host-panel">
      {target.maintenance && (
        <div className="host-maintenance card" role="status" data-testid="host-maintenance">
          <Icon name="clock" /> In maintenance{target.maintenance.until ? ` until ${shortDateTime(target.maintenance.until)}` : ''}: {target.maintenance.reason}. Checks still run; alerts are held back.
        </div>
      )}
      <div className="host-grid">
        <ConnectionCard target={target} detail={d} onChanged={detail.reload} />
        {target.health && <ScoreCard health={target.health} />}
      </div>
      {detail.error && (
        <p className="form-error" role="alert">
          {detail.error}
        </p>
      )}
      {d && d.system.map((s) => <SystemCard key={s.checkId} system={s} />)}
      {d && d.disks.map((disk) => <DiskCard key={disk.checkId} disk={disk} />)}
      {d && d.files.map((f) => <FilesCard key={f.checkId} files={f} onAccepted={detail.reload} />)}
      {d && d.logs.map((l) => <LogsCard key={l.checkId} logs={l} />)}
    </div>
    </SuppressedContext.Provider>
  );
}

function ConnectionCard({ target, detail, onChanged }: { target: TargetView; detail: HostDetail | null; onChanged: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const [offer, setOffer] = useState<HostKeyOffer | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const conn = detail?.connection;
  const look = async () => {
    setBusy(true);
    setError(null);
    try {
      setOffer(await client.hostKeyOffer({ target: target.name }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  const trust = async () => {
    if (!offer) return;
    setBusy(true);
    setError(null);
    try {
      await client.trustHostKey({ target: target.name, fingerprint: offer.fingerprint });
      toast({ tone: 'success', title: `Trusted the host key of ${target.name}` });
      setOffer(null);
      onChanged();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card host-card" aria-labelledby={`conn-${target.id}`} data-testid="host-connection">
      <h2 id={`conn-${target.id}`} className="host-card-title">
        <Icon name="server" /> Connection
      </h2>
      {!conn ? (
        <p className="muted">Loading…</p>
      ) : conn.kind === 'local' ? (
        <p>This computer: host-level checks run here.</p>
      ) : (
        <>
          <p>
            Over SSH as <span className="mono">{conn.label}</span>
          </p>
          <p className="host-key-line">
            Host key:{' '}
            {conn.hostKey ? (
              <code data-testid="pinned-host-key">{conn.hostKey}</code>
            ) : (
              <Badge tone="warn" icon="key" label="not trusted yet: every connection is refused" size="sm" testId="host-key-untrusted" />
            )}
          </p>
          {offer ? (
            <HostKeyQuestion offer={offer} busy={busy} onTrust={trust} onCancel={() => setOffer(null)} />
          ) : (
            <div className="hostkey-actions">
              <button type="button" className="btn btn-sm" onClick={look} disabled={busy} data-testid="check-host-key">
                <Icon name="key" size={14} /> {conn.hostKey ? 'Check host key' : 'Show host key'}
              </button>
            </div>
          )}
        </>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}

/** The fingerprint a server offers and the question whether to trust it (also used by the target form). */
export function HostKeyQuestion({ offer, busy, onTrust, onCancel }: { offer: HostKeyOffer; busy?: boolean; onTrust: () => void; onCancel: () => void }) {
  return (
    <div className="hostkey-box" data-testid="host-key-offer" data-state={offer.state}>
      <div>
        <strong>{offer.address}</strong> offers the host key
      </div>
      <code data-testid="offered-fingerprint">{offer.fingerprint}</code>
      {offer.state === 'trusted' && <div>This is the key already trusted.</div>}
      {offer.state === 'unknown' && <div className="field-hint">Compare it with <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the server before trusting it.</div>}
      {offer.state === 'changed' && (
        <div className="field-error" role="alert">
          <Icon name="alert" size={14} />
          <span>
            A different key is trusted ({offer.pinned}). A changed key can mean the server was reinstalled, or that someone is in between: check with its administrator first.
          </span>
        </div>
      )}
      <div className="hostkey-actions">
        {offer.state !== 'trusted' && (
          <button type="button" className={`btn btn-sm ${offer.state === 'changed' ? 'btn-danger' : 'btn-primary'}`} onClick={onTrust} disabled={busy} data-testid="trust-host-key">
            <Icon name="check" size={14} /> Trust this key
          </button>
        )}
        <button type="button" className="btn btn-sm btn-ghost" onClick={onCancel} disabled={busy}>
          {offer.state === 'trusted' ? 'Close' : 'Not now'}
        </button>
      </div>
    </div>
  );
}

export function ScoreCard({ health }: { health: NonNullable<TargetView['health']> }) {
  return (
    <section className="card host-card" aria-label="Health score" data-testid="host-score">
      <h2 className="host-card-title">
        <Icon name="gauge" /> Health score
      </h2>
      <div className="score-head">
        <span className="score-value" data-testid="score-value">
          {health.score === null ? '—' : health.score.toFixed(2)}
        </span>
        {health.band && <Badge tone={BAND_TONE[health.band] ?? 'muted'} icon="gauge" label={health.band} size="sm" />}
        <Badge tone={CLASS_TONE[health.classification] ?? 'muted'} icon={health.classification === 'NORMAL' ? 'check' : 'alert'} label={health.classification} size="sm" />
      </div>
      {health.categories.length > 0 && (
        <table className="table table-compact score-table">
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col" className="num">
                Weight
              </th>
              <th scope="col">Score</th>
            </tr>
          </thead>
          <tbody>
            {health.categories.map((c) => (
              <tr key={c.name}>
                <td>
                  {c.name} <span className="muted">({plural(c.checks, 'check')})</span>
                </td>
                <td className="num">{c.weight}</td>
                <td>
                  <Meter value={c.score * 100} warn={80} critical={60} inverted label={`${c.name} score`} text={c.score.toFixed(2)} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** A horizontal gauge; `inverted` when high is good (scores). */
function Meter({ value, max = 100, warn, critical, inverted, label, text }: { value: number | null; max?: number; warn: number; critical: number; inverted?: boolean; label: string; text: string }) {
  const share = value === null ? 0 : Math.max(0, Math.min(1, value / max));
  const level = value === null ? 'muted' : inverted ? (value < critical ? 'danger' : value < warn ? 'warn' : 'ok') : value >= critical ? 'danger' : value >= warn ? 'warn' : 'ok';
  return (
    <div className="meter-row">
      <div className={`meter tone-${level}`} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={value ?? undefined}>
        <div className="meter-fill" style={{ width: `${share * 100}%` }} />
        {!inverted && <span className="meter-mark" style={{ left: `${Math.min(100, (warn / max) * 100)}%` }} aria-hidden />}
        {!inverted && <span className="meter-mark meter-mark-critical" style={{ left: `${Math.min(100, (critical / max) * 100)}%` }} aria-hidden />}
      </div>
      <span className="meter-text">{text}</span>
    </div>
  );
}

function CardHead({ checkId, title, name, status, icon }: { checkId: number; title: string; name: string; status: CheckStatus; icon: 'gauge' | 'archive' | 'key' | 'list' }) {
  const suppressed = useContext(SuppressedContext).get(checkId);
  return (
    <>
      <div className="host-card-head">
        <h2 className="host-card-title">
          <Icon name={icon} /> <span className="nowrap">{title}</span> <span className="muted host-card-name">· {name}</span>
        </h2>
        <StatusBadge status={status} size="sm" />
      </div>
      {suppressed && (
        <p className="host-footnote" data-testid="check-suppressed">
          <Badge tone="muted" icon={suppressed.reason === 'maintenance' ? 'clock' : suppressed.reason === 'observer-offline' ? 'wifi-off' : 'pause'} label={suppressed.reason === 'blocked' ? 'blocked by parent' : suppressed.reason === 'maintenance' ? 'in maintenance' : 'observer offline'} size="sm" />{' '}
          {suppressed.message}
        </p>
      )}
    </>
  );
}

function SystemCard({ system }: { system: HostSystemView }) {
  const now = useNow(30_000);
  const pct = (v: number | null) => (v === null ? 'n/a' : `${v}%`);
  const gauges: Array<{ label: string; value: number | null; limits: [number, number]; max?: number; text: string }> = [
    { label: 'CPU', value: system.cpuPercent, limits: system.limits.cpu, text: pct(system.cpuPercent) },
    { label: 'Memory', value: system.memoryPercent, limits: system.limits.memory, text: pct(system.memoryPercent) },
    { label: 'Swap', value: system.swapPercent, limits: system.limits.swap, text: system.swapPercent === null ? 'none' : pct(system.swapPercent) },
    {
      label: 'Load per core',
      value: system.loadPerCore,
      limits: system.limits.load,
      max: Math.max(system.limits.load[1] * 1.25, system.loadPerCore ?? 0),
      text: system.loadPerCore === null ? 'n/a' : `${system.loadPerCore}${system.cores ? ` × ${system.cores} cores` : ''}`,
    },
  ];
  return (
    <section className="card host-card" data-testid="host-system">
      <CardHead checkId={system.checkId} title="System" name={system.name} status={system.status} icon="gauge" />
      <div className="gauges">
        {gauges.map((g) => (
          <div key={g.label} className="gauge">
            <div className="gauge-label">{g.label}</div>
            <Meter value={g.value} max={g.max ?? 100} warn={g.limits[0]} critical={g.limits[1]} label={g.label} text={g.text} />
          </div>
        ))}
      </div>
      <p className="muted host-footnote">
        {system.temperatureC !== null ? `Temperature ${system.temperatureC} °C · ` : ''}
        {system.at ? `measured ${relativeTime(system.at, now)}` : 'not measured yet'}
      </p>
    </section>
  );
}

function DiskCard({ disk }: { disk: HostDiskView }) {
  const data = useMemo(() => diskChartData(disk.samples, disk.totalBytes), [disk.samples, disk.totalBytes]);
  const forecast =
    disk.daysUntilFull !== null ? `full in ${disk.daysUntilFull} days${disk.daysUntilCritical !== null ? ` (${disk.criticalPercent}% in ${disk.daysUntilCritical} days)` : ''}` : 'not filling up';
  return (
    <section className="card host-card" data-testid="host-disk" data-check={disk.name}>
      <CardHead checkId={disk.checkId} title="Disk" name={`${disk.name} (${disk.path})`} status={disk.status} icon="archive" />
      <div className="disk-figures">
        <Meter value={disk.usedPercent} warn={disk.warnPercent} critical={disk.criticalPercent} label={`${disk.path} used`} text={disk.usedPercent === null ? 'n/a' : `${disk.usedPercent}% used`} />
        <span data-testid="disk-forecast">{forecast}</span>
      </div>
      {data && data.x.length > 1 ? (
        <DiskChart data={data} warn={disk.warnPercent} critical={disk.criticalPercent} label={`Used space of ${disk.path} over time, ${forecast}`} />
      ) : (
        <p className="muted host-footnote">The trend and its forecast appear after a few probes over at least an hour.</p>
      )}
      {disk.status !== 'up' && disk.message && <p className="host-footnote">{disk.message}</p>}
    </section>
  );
}

function FilesCard({ files, onAccepted }: { files: HostFilesView; onAccepted: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const now = useNow(30_000);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const diff = files.diff;
  const groups: Array<{ label: string; tone: Tone; paths: string[] }> = diff
    ? [
        { label: 'Modified', tone: 'danger', paths: diff.modified },
        { label: 'Missing', tone: 'danger', paths: diff.missing },
        { label: 'New', tone: 'warn', paths: diff.added },
        { label: 'Unreadable', tone: 'muted', paths: diff.unreadable },
      ].filter((g) => g.paths.length > 0) as Array<{ label: string; tone: Tone; paths: string[] }>
    : [];
  const accept = async () => {
    setBusy(true);
    setError(null);
    try {
      const result = await client.acceptBaseline({ id: files.checkId });
      toast({ tone: 'success', title: `Accepted the current state of ${files.name}`, body: `${plural(result.files, 'file')} in the new baseline` });
      setConfirming(false);
      onAccepted();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="card host-card" data-testid="host-files" data-check={files.name}>
      <CardHead checkId={files.checkId} title="File integrity" name={files.name} status={files.status} icon="key" />
      <p className="muted host-footnote">
        {files.paths.join(', ')} ·{' '}
        {files.baseline ? `baseline of ${plural(files.baseline.files, 'file')} recorded ${relativeTime(files.baseline.recordedAt, now)}` : 'no baseline yet (the first probe records it)'}
      </p>
      {diff && groups.length > 0 ? (
        <>
          <p data-testid="files-diff-summary">
            Changed since the baseline, seen {relativeTime(diff.at, now)}: {groups.map((g) => `${g.paths.length} ${g.label.toLowerCase()}`).join(', ')}
          </p>
          <table className="table table-compact files-diff" data-testid="files-diff">
            <thead>
              <tr>
                <th scope="col">Change</th>
                <th scope="col">Path</th>
              </tr>
            </thead>
            <tbody>
              {groups.flatMap((g) =>
                g.paths.slice(0, 200).map((path) => (
                  <tr key={`${g.label}:${path}`}>
                    <td>
                      <Badge tone={g.tone} icon={g.tone === 'danger' ? 'alert' : 'info'} label={g.label} size="sm" />
                    </td>
                    <td className="mono cell-wrap">{path}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
          <div className="hostkey-actions">
            <button type="button" className="btn btn-sm btn-primary" onClick={() => setConfirming(true)} data-testid="accept-baseline">
              <Icon name="check" size={14} /> Accept current state
            </button>
          </div>
        </>
      ) : (
        files.baseline && <p data-testid="files-unchanged">No changes since the baseline.</p>
      )}
      {confirming && (
        <ConfirmDialog
          title={`Accept the current files of \u201c${files.name}\u201d?`}
          message={<>The files as they are now become the baseline; later changes are judged against them. Do this only for changes you made or expected.</>}
          confirmLabel="Accept current state"
          tone="primary"
          onConfirm={accept}
          onClose={() => setConfirming(false)}
          busy={busy}
          error={error}
        />
      )}
    </section>
  );
}

const SEVERITY_TONE: Record<string, Tone> = { warning: 'warn', error: 'danger', critical: 'danger' };

function LogsCard({ logs }: { logs: HostLogsView }) {
  const recent = [...logs.matches].reverse().slice(0, 50);
  return (
    <section className="card host-card" data-testid="host-logs" data-check={logs.name}>
      <CardHead checkId={logs.checkId} title="Log" name={`${logs.name} (${logs.path})`} status={logs.status} icon="list" />
      {recent.length === 0 ? (
        <p className="muted host-footnote">No matching lines within the window.</p>
      ) : (
        <table className="table table-compact log-lines">
          <thead>
            <tr>
              <th scope="col">Seen</th>
              <th scope="col">Severity</th>
              <th scope="col">Line</th>
            </tr>
          </thead>
          <tbody>
            {recent.map((m, i) => (
              <tr key={`${m.at}:${i}`}>
                <td className="nowrap">{shortDateTime(m.at)}</td>
                <td>
                  <Badge tone={SEVERITY_TONE[m.severity] ?? 'muted'} icon="alert" label={m.severity} size="sm" />
                </td>
                <td className="mono cell-wrap">{m.line}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** For a page heading: "87% · good". */
export function scoreLabel(health: TargetView['health']): string | null {
  if (!health || health.score === null) return null;
  return `${formatPercent(health.score)}${health.band ? ` · ${health.band}` : ''}`;
}
