// Delivery and healing (#/delivery): the channels with "Send test", the queue of undelivered notices
// (pending and failed, attempts, last error, next attempt, "Retry now") with the give-up age, the
// route preview ("an error alert on web1/homepage would go to: …"), and the checks' self-healing with the
// circuit breaker. Turning a heal on shows the exact command and asks to confirm first.
import { useMemo, useState } from 'react';
import type { Severity } from '../../../src-main/core/model';
import type { NoticeKind } from '../../../src-main/core/alerts/channel';
import type { HealStatus } from '../../../src-main/core/healing/heal-coordinator';
import { useApp } from '../state/store';
import { useLoader, useNow } from '../lib/hooks';
import { dateTime, humanDuration, plural, relativeTime } from '../lib/format';
import { errorMessage } from '../client/client';
import { Icon } from '../components/icons';
import { Badge, SEVERITY_OPTIONS } from '../components/status';
import { InlineSelect } from '../components/InlineSelect';
import { ConfirmDialog } from '../components/Dialog';
import '../styles/incident.css';

const GIVE_UP_CHOICES = [
  { value: '1h', label: '1 hour', ms: 3_600_000 },
  { value: '6h', label: '6 hours', ms: 6 * 3_600_000 },
  { value: '24h', label: '24 hours', ms: 86_400_000 },
  { value: '3d', label: '3 days', ms: 3 * 86_400_000 },
  { value: '7d', label: '7 days', ms: 7 * 86_400_000 },
];
const EVENTS: NoticeKind[] = ['opened', 'reminder', 'recovered', 'acknowledged', 'resolved'];
const QUEUE_STATES = [
  { value: 'pending', label: 'Pending' },
  { value: 'failed', label: 'Failed' },
] as const;

export function DeliveryScreen() {
  const client = useApp((s) => s.client)!;
  const revision = useApp((s) => s.alertsRevision);
  const configRevision = useApp((s) => s.configRevision);
  const tick = useNow(5_000);
  const [channelFilter, setChannelFilter] = useState('');
  const [stateFilter, setStateFilter] = useState<'' | 'pending' | 'failed'>('');
  const queue = useLoader(
    () => client.deliveryQueue({ ...(channelFilter ? { channel: channelFilter } : {}), ...(stateFilter ? { state: stateFilter } : {}), limit: 500 }),
    [client, channelFilter, stateFilter, revision, configRevision, tick],
  );
  const channels = useLoader(() => client.listChannels(), [client, configRevision]);

  return (
    <div className="screen">
      <div className="page-header">
        <div>
          <h1>Delivery &amp; healing</h1>
          <p className="page-subtitle">Where notices go, what is still waiting to be delivered, and what Kaavan may fix by itself.</p>
        </div>
      </div>

      <section className="delivery-section" aria-labelledby="channels-heading">
        <h2 id="channels-heading">Channels</h2>
        {channels.error && (
          <p className="form-error" role="alert">
            {channels.error}
          </p>
        )}
        <div className="delivery-grid" data-testid="channel-cards">
          {(channels.data ?? []).map((c) => {
            const counts = queue.data?.channels.find((q) => q.name === c.name);
            return <ChannelCard key={c.name} channel={c} pending={counts?.pending ?? 0} failed={counts?.failed ?? 0} />;
          })}
        </div>
      </section>

      <section className="delivery-section" aria-labelledby="queue-heading">
        <div className="card-title-row">
          <h2 id="queue-heading">Queue</h2>
          <GiveUpAge giveUpMs={queue.data?.giveUpMs ?? null} />
        </div>
        <form className="filters card" aria-label="Filter the queue" onSubmit={(e) => e.preventDefault()}>
          <InlineSelect id="queue-channel" label="Channel" value={channelFilter} options={(queue.data?.channels ?? []).map((c) => c.name)} anyLabel="Any" onChange={setChannelFilter} />
          <InlineSelect id="queue-state" label="State" value={stateFilter} options={QUEUE_STATES} anyLabel="Pending and failed" onChange={setStateFilter} />
          <div className="filters-count" aria-live="polite">
            {queue.data ? plural(queue.data.items.length, 'undelivered notice') : 'Loading\u2026'}
          </div>
        </form>
        {queue.error && (
          <p className="form-error" role="alert">
            {queue.error}
          </p>
        )}
        {queue.data && queue.data.items.length === 0 ? (
          <div className="empty-state card">
            <span className="empty-icon tone-ok">
              <Icon name="check" size={28} />
            </span>
            <h2>Nothing waiting</h2>
            <p>Every notice has been delivered.</p>
          </div>
        ) : (
          queue.data && <QueueTable items={queue.data.items} now={tick} onRetried={queue.reload} />
        )}
      </section>

      <RoutePreviewSection />
      <HealingSection />
    </div>
  );
}

function ChannelCard({ channel, pending, failed }: { channel: { name: string; kind: string; describe: string; enabled: boolean; builtIn: boolean; secrets: Array<{ name: string; set: boolean }> }; pending: number; failed: number }) {
  const client = useApp((s) => s.client)!;
  const [busy, setBusy] = useState(false);
  const [answer, setAnswer] = useState<{ ok: boolean; text: string } | null>(null);
  const test = async () => {
    setBusy(true);
    setAnswer(null);
    try {
      const r = await client.testChannel({ name: channel.name });
      setAnswer(r.ok ? { ok: true, text: r.answer } : { ok: false, text: r.error });
    } catch (err) {
      setAnswer({ ok: false, text: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  const missing = channel.secrets.filter((s) => !s.set);
  return (
    <div className="card channel-card" data-testid="channel-card" data-channel={channel.name}>
      <div className="channel-card-head">
        <span className="channel-card-name">{channel.name}</span>
        <span className="tag">{channel.kind}</span>
      </div>
      <div className="cell-sub">{channel.describe}</div>
      <div className="channel-counts">
        {!channel.enabled && <Badge tone="muted" icon="pause" label="Off" size="sm" />}
        <Badge tone={pending ? 'warn' : 'ok'} icon={pending ? 'clock' : 'check'} label={`${pending} pending`} size="sm" />
        {failed > 0 && <Badge tone="danger" icon="alert" label={`${failed} failed`} size="sm" />}
        {missing.map((s) => (
          <Badge key={s.name} tone="danger" icon="key" label={`secret ${s.name} not set`} size="sm" />
        ))}
      </div>
      <div>
        <button type="button" className="btn btn-sm" onClick={() => void test()} disabled={busy} data-testid="send-test">
          <Icon name="send" size={14} className={busy ? 'spin' : undefined} /> {busy ? 'Sending\u2026' : 'Send test'}
        </button>
      </div>
      {answer && (
        <div className={`channel-answer${answer.ok ? '' : ' is-error'}`} role="status" data-testid="test-answer" data-ok={answer.ok ? 'true' : 'false'}>
          {answer.ok ? 'Delivered: ' : 'Failed: '}
          {answer.text}
        </div>
      )}
    </div>
  );
}

function QueueTable({ items, now, onRetried }: { items: Array<import('../../../src-main/core/store/outbox-repo').QueueItem>; now: number; onRetried: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState<number | null>(null);
  const retry = async (id: number) => {
    setBusy(id);
    try {
      const { channel } = await client.retryDelivery({ id });
      toast({ tone: 'info', title: `Retrying via ${channel} now` });
      onRetried();
    } catch (err) {
      toast({ tone: 'danger', title: 'Retry failed', body: errorMessage(err) });
    } finally {
      setBusy(null);
    }
  };
  return (
    <div className="card table-card table-scroll">
      <table className="table" data-testid="queue-table">
        <thead>
          <tr>
            <th scope="col">Notice</th>
            <th scope="col">Channel</th>
            <th scope="col">State</th>
            <th scope="col" className="num">
              Attempts
            </th>
            <th scope="col">Last error</th>
            <th scope="col">Next attempt</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {items.map((q) => (
            <tr key={q.id} data-testid="queue-row" data-state={q.state} data-channel={q.channel}>
              <td className="cell-main">
                <a href={`#/alerts/${q.alertId}`} className="cell-title">
                  {q.title}
                </a>
                <div className="cell-sub">
                  {q.kind} · queued {relativeTime(q.createdAt, now)}
                </div>
              </td>
              <td>{q.channel}</td>
              <td>{q.state === 'failed' ? <Badge tone="danger" icon="alert" label="Failed" size="sm" /> : <Badge tone="warn" icon="clock" label="Pending" size="sm" />}</td>
              <td className="num">{q.attempts}</td>
              <td>{q.lastError ? <div className="queue-error">{q.lastError}</div> : <span className="muted">&mdash;</span>}</td>
              <td className="nowrap">
                {q.nextAttemptAt !== null ? (
                  <time dateTime={new Date(q.nextAttemptAt).toISOString()} title={dateTime(q.nextAttemptAt)}>
                    {q.nextAttemptAt <= now ? 'now' : `in ${humanDuration(q.nextAttemptAt - now)}`}
                  </time>
                ) : (
                  <span className="muted">gave up {q.failedAt ? relativeTime(q.failedAt, now) : ''}</span>
                )}
              </td>
              <td className="cell-actions">
                <button type="button" className="btn btn-sm" onClick={() => void retry(q.id)} disabled={busy === q.id} data-testid="retry-now">
                  <Icon name="refresh" size={14} className={busy === q.id ? 'spin' : undefined} /> Retry now
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The give-up age, changeable in place (settings.deliveryGiveUp). */
function GiveUpAge({ giveUpMs }: { giveUpMs: number | null }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  if (giveUpMs === null) return null;
  const current = GIVE_UP_CHOICES.find((c) => c.ms === giveUpMs)?.value ?? '';
  const change = async (value: string) => {
    setBusy(true);
    try {
      await client.updateSettings({ deliveryGiveUp: value });
      toast({ tone: 'success', title: `Undelivered notices are now given up after ${GIVE_UP_CHOICES.find((c) => c.value === value)?.label}` });
    } catch (err) {
      toast({ tone: 'danger', title: 'Could not change the give-up age', body: errorMessage(err) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="row-actions">
      <label htmlFor="give-up" className="inline-label">
        Give up after
      </label>
      <select id="give-up" value={current} onChange={(e) => void change(e.target.value)} disabled={busy} data-testid="give-up-age">
        {current === '' && <option value="">{humanDuration(giveUpMs)}</option>}
        {GIVE_UP_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
    </div>
  );
}

function RoutePreviewSection() {
  const client = useApp((s) => s.client)!;
  const overview = useApp((s) => s.overview);
  const configRevision = useApp((s) => s.configRevision);
  const targets = overview?.targets ?? [];
  const [target, setTarget] = useState('');
  const [check, setCheck] = useState('');
  const [severity, setSeverity] = useState<Severity>('error');
  const [event, setEvent] = useState<NoticeKind>('opened');
  const t = target || targets[0]?.name || '';
  const checks = useMemo(() => (overview?.targets ?? []).find((x) => x.name === t)?.checks.map((c) => c.name) ?? [], [overview, t]);
  const c = check && checks.includes(check) ? check : (checks[0] ?? '');
  const preview = useLoader(
    () => (t && c ? client.previewRoute({ target: t, check: c, severity, event }) : Promise.resolve(null)),
    [client, t, c, severity, event, configRevision],
  );
  return (
    <section className="delivery-section" aria-labelledby="route-heading">
      <h2 id="route-heading">Route preview</h2>
      <div className="card">
        <form className="route-preview-form" onSubmit={(e) => e.preventDefault()} aria-label="Route preview">
          <InlineSelect id="route-target" label="Target" value={t} options={targets.map((x) => x.name)} onChange={setTarget} testId="route-target" />
          <InlineSelect id="route-check" label="Check" value={c} options={checks} onChange={setCheck} testId="route-check" />
          <InlineSelect id="route-severity" label="Severity" value={severity} options={SEVERITY_OPTIONS} onChange={(v) => setSeverity(v as Severity)} />
          <InlineSelect id="route-event" label="Event" value={event} options={EVENTS} onChange={(v) => setEvent(v as NoticeKind)} />
        </form>
        {!t || !c ? (
          <p className="route-preview-text muted">Add a check to preview where its alerts go.</p>
        ) : preview.error ? (
          <p className="form-error route-preview-text" role="alert">
            {preview.error}
          </p>
        ) : (
          preview.data && (
            <>
              <p className="route-preview-text" data-testid="route-preview" aria-live="polite">
                {preview.data.text}
              </p>
              {preview.data.channels.length > 0 && (
                <ul className="route-preview-list">
                  {preview.data.channels.map((d) => (
                    <li key={d.channel}>
                      <strong>{d.channel}</strong>: {d.reason}
                    </li>
                  ))}
                </ul>
              )}
            </>
          )
        )}
      </div>
    </section>
  );
}

function HealingSection() {
  const client = useApp((s) => s.client)!;
  const configRevision = useApp((s) => s.configRevision);
  const auditRevision = useApp((s) => s.auditRevision);
  const now = useNow(10_000);
  const heals = useLoader(() => client.healStatus(), [client, configRevision, auditRevision]);
  const [confirm, setConfirm] = useState<HealStatus | null>(null);
  const rows = heals.data ?? [];
  return (
    <section className="delivery-section" aria-labelledby="heal-heading">
      <h2 id="heal-heading">Self-healing</h2>
      {heals.error && (
        <p className="form-error" role="alert">
          {heals.error}
        </p>
      )}
      {heals.data && rows.length === 0 ? (
        <div className="empty-state card">
          <span className="empty-icon">
            <Icon name="settings" size={28} />
          </span>
          <h2>No check heals itself</h2>
          <p>
            Give a check a <code>heal:</code> block (a command on its host, or a webhook) to let Kaavan try a fix when it goes down. See docs/channels.md.
          </p>
        </div>
      ) : (
        rows.length > 0 && (
          <div className="card table-card table-scroll">
            <table className="table" data-testid="heal-table">
              <thead>
                <tr>
                  <th scope="col">Check</th>
                  <th scope="col">Action</th>
                  <th scope="col">Guards</th>
                  <th scope="col">Circuit breaker</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((h) => (
                  <tr key={`${h.target}/${h.check}`} data-testid="heal-row" data-enabled={h.enabled ? 'true' : 'false'} data-breaker={h.breaker.phase}>
                    <td className="cell-main">
                      <span className="cell-title">
                        {h.target} / {h.check}
                      </span>
                      <div className="cell-sub">{h.enabled ? 'on' : 'off'}{h.lastAttemptAt ? ` · last heal ${relativeTime(h.lastAttemptAt, now)}` : ''}</div>
                    </td>
                    <td>
                      <code className="heal-command">{h.action}</code>
                      {h.label !== h.action && <div className="cell-sub">shown as &lsquo;{h.label}&rsquo;</div>}
                    </td>
                    <td className="cell-sub">
                      at most {h.maxAttempts} per outage, {humanDuration(h.cooldownMs)} apart
                      {h.attemptsThisOutage > 0 && <div>{plural(h.attemptsThisOutage, 'attempt')} in this outage</div>}
                    </td>
                    <td>
                      {h.breaker.phase === 'closed' ? (
                        <Badge tone="ok" icon="check" label={`Closed${h.breaker.failures ? ` (${h.breaker.failures}/${h.breaker.threshold} failed)` : ''}`} size="sm" />
                      ) : (
                        <Badge tone="danger" icon="alert" label={h.breaker.phase === 'open' ? 'Open' : 'Half-open'} size="sm" />
                      )}
                      {h.breaker.phase !== 'closed' && h.breaker.reopensAt !== null && (
                        <div className="cell-sub">{h.breaker.reopensAt > now ? `one trial heal allowed in ${humanDuration(h.breaker.reopensAt - now)}` : 'one trial heal allowed now'}</div>
                      )}
                    </td>
                    <td className="cell-actions">
                      <button type="button" className={`btn btn-sm${h.enabled ? '' : ' btn-primary'}`} onClick={() => setConfirm(h)} data-testid="heal-toggle">
                        {h.enabled ? 'Turn off' : 'Turn on\u2026'}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      )}
      {confirm && <HealToggleDialog heal={confirm} onClose={() => setConfirm(null)} onDone={() => (setConfirm(null), heals.reload())} />}
    </section>
  );
}

/** Turning a heal on shows the exact command and asks to confirm; turning it off asks too. */
function HealToggleDialog({ heal, onClose, onDone }: { heal: HealStatus; onClose: () => void; onDone: () => void }) {
  const client = useApp((s) => s.client)!;
  const toast = useApp((s) => s.toast);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const enable = !heal.enabled;
  const apply = async () => {
    setBusy(true);
    setError(null);
    try {
      const config = await client.getConfig();
      const check = config.targets?.find((t) => t.name === heal.target)?.checks?.find((c) => c.name === heal.check);
      const block = (check as { heal?: Record<string, unknown> } | undefined)?.heal;
      if (!check || !block) throw new Error(`${heal.target} / ${heal.check} no longer has a heal block`);
      const next = { ...check, heal: { ...block, enabled: enable } };
      await client.saveCheck({ target: heal.target, originalName: heal.check, check: next });
      toast({ tone: 'success', title: `Self-healing ${enable ? 'on' : 'off'}: ${heal.target} / ${heal.check}` });
      onDone();
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  };
  return (
    <ConfirmDialog
      title={enable ? 'Turn on self-healing?' : 'Turn off self-healing?'}
      tone={enable ? 'primary' : 'danger'}
      confirmLabel={enable ? 'Turn on' : 'Turn off'}
      busy={busy}
      error={error}
      onClose={onClose}
      onConfirm={() => void apply()}
      message={
        enable ? (
          <>
            When <strong>{heal.target} / {heal.check}</strong> goes down, Kaavan will {heal.kind === 'command' ? 'run this command on its host, with Kaavan\u2019s rights' : 'send this request'}:
            <code className="heal-confirm-command" data-testid="heal-confirm-command">
              {heal.action}
            </code>
            At most {heal.maxAttempts} times per outage, {humanDuration(heal.cooldownMs)} apart; after {heal.breaker.threshold} failed heals the circuit breaker stops it for a while. Every attempt is in the audit log.
          </>
        ) : (
          <>
            Kaavan will no longer run <code className="heal-command">{heal.action}</code> when {heal.target} / {heal.check} goes down. The block stays in the configuration, turned off.
          </>
        )
      }
    />
  );
}
