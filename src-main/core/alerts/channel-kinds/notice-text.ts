// The content of a notice as channels show it: one list of labelled facts, rendered as plain text,
// link-free HTML (email) or Block Kit (chat). Everything shown comes from the notice, never a secret.
import type { AlertNotice, NoticeKind } from '../channel.js';
import { humanDuration } from '../../config/duration.js';

const EVENT_LABEL: Record<NoticeKind, string> = {
  opened: 'DOWN',
  reminder: 'STILL DOWN',
  recovered: 'RECOVERED',
  acknowledged: 'ACKNOWLEDGED',
  resolved: 'RESOLVED',
};

export function eventLabel(notice: AlertNotice): string {
  return notice.escalation ? `ESCALATED · ${EVENT_LABEL[notice.kind]}` : EVENT_LABEL[notice.kind];
}

/** "2026-11-23 16:45:07 UTC": unambiguous in every client, whatever its locale. */
export function utcTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** The facts of a notice, in display order. */
export function noticeFacts(notice: AlertNotice): Array<[label: string, value: string]> {
  const a = notice.alert;
  const facts: Array<[string, string]> = [
    ['Target', a.target],
    ['Check', a.check],
    ['Severity', a.severity],
    ['Message', notice.body],
    ['Opened at', utcTime(a.openedAt)],
  ];
  if (notice.url) facts.splice(2, 0, ['Probes', notice.url]);
  if (notice.downtimeMs !== undefined) facts.push(['Downtime', humanDuration(notice.downtimeMs)]);
  else if (a.resolvedAt !== null) facts.push(['Downtime', humanDuration(a.resolvedAt - a.openedAt)]);
  if (a.ackedAt !== null) facts.push(['Acknowledged at', utcTime(a.ackedAt) + (a.ackNote ? ` — ${a.ackNote}` : '')]);
  if (notice.escalation) facts.push(['Escalated', `unacknowledged for ${humanDuration(notice.escalation.afterMs)}`]);
  facts.push(['Alert', `#${a.id}`]);
  return facts;
}

export function resultLine(r: { at: number; status: string; latencyMs: number | null; message: string }): string {
  return `${utcTime(r.at)}  ${r.status.toUpperCase()}${r.latencyMs !== null ? `  ${Math.round(r.latencyMs)} ms` : ''}  ${r.message}`;
}

/** Results shown in a notice: the newest few. */
export const RESULTS_SHOWN = 5;

export function plainText(notice: AlertNotice): string {
  const width = Math.max(...noticeFacts(notice).map(([l]) => l.length)) + 1;
  const lines = [`${notice.title} [${eventLabel(notice)}]`, ''];
  for (const [label, value] of noticeFacts(notice)) lines.push(`${`${label}:`.padEnd(width)} ${value}`);
  const results = (notice.recentResults ?? []).slice(0, RESULTS_SHOWN);
  if (results.length > 0) {
    lines.push('', 'Last results (newest first):');
    for (const r of results) lines.push(`  ${resultLine(r)}`);
  }
  lines.push('', '— Kaavan');
  return `${lines.join('\n')}\n`;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * Table-based, inline-styled HTML without links or images: renders alike in webmail, Outlook and
 * terminal clients. A URL is shown as text inside <code> so clients are less eager to linkify it.
 */
export function html(notice: AlertNotice): string {
  const colour = notice.kind === 'recovered' || notice.kind === 'resolved' ? '#1a7f37' : notice.kind === 'acknowledged' ? '#6e7781' : '#cf222e';
  const rows = noticeFacts(notice)
    .map(([label, value]) => {
      const shown = label === 'Probes' ? `<code>${escapeHtml(value)}</code>` : escapeHtml(value);
      return `<tr><td style="padding:4px 12px 4px 0;color:#57606a;vertical-align:top;white-space:nowrap">${escapeHtml(label)}</td><td style="padding:4px 0">${shown}</td></tr>`;
    })
    .join('');
  const results = (notice.recentResults ?? []).slice(0, RESULTS_SHOWN);
  const resultRows = results
    .map(
      (r) =>
        `<tr><td style="padding:2px 12px 2px 0;white-space:nowrap">${escapeHtml(utcTime(r.at))}</td><td style="padding:2px 12px 2px 0">${escapeHtml(r.status.toUpperCase())}</td><td style="padding:2px 12px 2px 0;white-space:nowrap">${r.latencyMs !== null ? `${Math.round(r.latencyMs)} ms` : ''}</td><td style="padding:2px 0">${escapeHtml(r.message)}</td></tr>`,
    )
    .join('');
  return [
    '<!doctype html><html><body style="margin:0;padding:16px;font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#1f2328">',
    `<p style="margin:0 0 4px 0;font-size:12px;font-weight:bold;color:${colour};letter-spacing:0.05em">${escapeHtml(eventLabel(notice))}</p>`,
    `<h1 style="margin:0 0 12px 0;font-size:18px">${escapeHtml(notice.title)}</h1>`,
    `<table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse">${rows}</table>`,
    results.length > 0
      ? `<h2 style="margin:16px 0 6px 0;font-size:14px">Last results (newest first)</h2><table role="presentation" cellspacing="0" cellpadding="0" style="border-collapse:collapse;font-family:Menlo,Consolas,monospace;font-size:12px">${resultRows}</table>`
      : '',
    '<p style="margin:16px 0 0 0;font-size:12px;color:#57606a">Sent by Kaavan</p>',
    '</body></html>',
  ].join('');
}
