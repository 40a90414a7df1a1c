// The public status page of `kaavan serve` (settings.statusPage): read-only, no token, off by
// default. One small self-contained HTML page (no script; inline style allowed by its hash) that
// shows targets and checks, their status and 24 h uptime. What it never shows: the token, secrets,
// probe messages (they may quote server answers), alert notes, and describe strings beyond the
// scheme, host, port and path of a URL or a host:port (user:password@, query and fragment removed).
import { createHash } from 'node:crypto';
import type { CheckStatus, CheckView, Overview, TargetView } from '../core/model.js';
import type { Settings } from '../core/config/schema.js';

export type StatusPageSettings = NonNullable<Settings['statusPage']>;

export const STATUS_PATH = '/status';
export const DEFAULT_STATUS_TITLE = 'Service status';

export interface StatusCheck {
  name: string;
  kind: string;
  /** A URL without credentials, query or fragment; a host:port; or null when nothing safe to show. */
  where: string | null;
  status: CheckStatus;
  uptime24h: number | null;
  since: number | null;
}

export interface StatusTarget {
  name: string;
  status: CheckStatus;
  checks: StatusCheck[];
}

export interface StatusPageModel {
  title: string;
  /** The tag this page is for, or null for the page of every (allowed) target. */
  tag: string | null;
  status: CheckStatus;
  targets: StatusTarget[];
  generatedAt: number;
}

/** The tag of a /status/<tag> path; null for /status itself; undefined when the path is not a status page. */
export function statusPathTag(path: string): string | null | undefined {
  if (path === STATUS_PATH || path === `${STATUS_PATH}/`) return null;
  if (!path.startsWith(`${STATUS_PATH}/`)) return undefined;
  const raw = path.slice(STATUS_PATH.length + 1).replace(/\/$/, '');
  if (raw === '' || raw.includes('/')) return undefined;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}

/**
 * Only the parts of a check's describe string that cannot hold a credential: for a URL the scheme,
 * host, port and path; a bare host:port as it is; anything else (commands, paths, queries) is hidden.
 */
export function publicWhere(check: Pick<CheckView, 'kind' | 'describe'>): string | null {
  const text = check.describe.trim();
  // "GET https://…" (http checks) or a bare URL; a URL inside anything else (a command) is not shown.
  const urlMatch = /^(?:[A-Z]+ )?([a-z][a-z0-9+.-]*:\/\/\S+)$/i.exec(text);
  if (urlMatch) {
    try {
      const url = new URL(urlMatch[1]!);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
      return `${url.protocol}//${url.host}${url.pathname === '/' ? '' : url.pathname}`;
    } catch {
      return null;
    }
  }
  if (check.kind === 'tcp' && /^[A-Za-z0-9.-]+:\d{1,5}$|^\[[0-9A-Fa-f:.]+\]:\d{1,5}$/.test(text)) return text;
  return null;
}

const STATUS_RANK: Record<CheckStatus, number> = { down: 4, degraded: 3, pending: 2, up: 1, paused: 0 };

function worst(statuses: CheckStatus[]): CheckStatus {
  let result: CheckStatus = 'paused';
  for (const s of statuses) if (STATUS_RANK[s] > STATUS_RANK[result]) result = s;
  return statuses.length === 0 ? 'pending' : result;
}

/**
 * The page for `tag` (null: every allowed target), or null when there is no such page: the status
 * page is off, or the tag is not one of `settings.tags` (when given) or carried by no target.
 */
export function buildStatusPage(overview: Overview, settings: StatusPageSettings | undefined, tag: string | null): StatusPageModel | null {
  if (!settings?.enabled) return null;
  const allowed = settings.tags && settings.tags.length > 0 ? new Set(settings.tags.map((t) => t.toLowerCase())) : null;
  const wanted = tag?.toLowerCase() ?? null;
  if (wanted !== null && allowed && !allowed.has(wanted)) return null;
  const hasTag = (target: TargetView, t: string) => target.tags.some((x) => x.toLowerCase() === t);
  const targets = overview.targets.filter((target) => {
    if (wanted !== null) return hasTag(target, wanted);
    return allowed === null || [...allowed].some((t) => hasTag(target, t));
  });
  if (wanted !== null && targets.length === 0) return null;
  const shown: StatusTarget[] = targets.map((target) => {
    const checks = target.checks.map<StatusCheck>((c) => ({
      name: c.name,
      kind: c.kind,
      where: publicWhere(c),
      status: c.status,
      uptime24h: c.stats24h.uptime,
      since: c.since,
    }));
    return { name: target.name, status: worst(target.checks.filter((c) => c.enabled).map((c) => c.status)), checks };
  });
  return {
    title: settings.title ?? DEFAULT_STATUS_TITLE,
    tag: tag === null ? null : (targets[0]!.tags.find((x) => x.toLowerCase() === wanted) ?? tag),
    status: worst(shown.map((t) => t.status)),
    targets: shown,
    generatedAt: overview.generatedAt,
  };
}

const STATUS_WORDS: Record<CheckStatus, string> = {
  up: 'Operational',
  degraded: 'Degraded',
  down: 'Down',
  pending: 'Waiting for a first result',
  paused: 'Paused',
};

const HEADLINES: Record<CheckStatus, string> = {
  up: 'All systems operational',
  degraded: 'Some systems are degraded',
  down: 'Some systems are down',
  pending: 'Waiting for first results',
  paused: 'Monitoring is paused',
};

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f7f9;--card:#fff;--text:#1b1f24;--muted:#5c6570;--line:#dde1e6;--up:#1a7f37;--degraded:#9a6700;--down:#cf222e;--pending:#57606a;--paused:#57606a}
@media (prefers-color-scheme:dark){:root{--bg:#0f1217;--card:#171b22;--text:#e6e9ee;--muted:#9aa4b0;--line:#2a313c;--up:#3fb950;--degraded:#d29922;--down:#f85149;--pending:#8b949e;--paused:#8b949e}}
*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--text);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:860px;margin:0 auto;padding:32px 16px}h1{font-size:24px;margin:0 0 4px}h2{font-size:16px;margin:0}
.sub{color:var(--muted);margin:0 0 20px}.headline{display:flex;align-items:center;gap:10px;padding:16px;border-radius:8px;background:var(--card);border:1px solid var(--line);margin-bottom:20px;font-weight:600}
.card{background:var(--card);border:1px solid var(--line);border-radius:8px;margin-bottom:14px;overflow:hidden}
.card>header{display:flex;justify-content:space-between;align-items:center;gap:8px;padding:12px 16px;border-bottom:1px solid var(--line)}
table{width:100%;border-collapse:collapse}td{padding:8px 16px;border-top:1px solid var(--line);vertical-align:top}tr:first-child td{border-top:0}
.where{color:var(--muted);font-size:13px;overflow-wrap:anywhere}.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.st{white-space:nowrap;font-weight:600}.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;background:currentColor}
.up{color:var(--up)}.degraded{color:var(--degraded)}.down{color:var(--down)}.pending{color:var(--pending)}.paused{color:var(--paused)}
footer{color:var(--muted);font-size:13px;margin-top:20px}
@media (max-width:560px){td{padding:8px 10px}.card>header{padding:10px}.hide-narrow{display:none}}
`.trim();

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** No script at all, no outside resource, only this page's own style; not framable. */
export const STATUS_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export function formatUptime(uptime: number | null): string {
  if (uptime === null) return '\u2014';
  const percent = uptime * 100;
  // 99.95 % and 100 % must not both read "100 %".
  return `${percent === 100 ? '100' : (Math.floor(percent * 100) / 100).toFixed(2)} %`;
}

function statusCell(status: CheckStatus): string {
  return `<span class="st ${status}"><span class="dot" aria-hidden="true"></span>${STATUS_WORDS[status]}</span>`;
}

export function renderStatusPage(model: StatusPageModel): string {
  const title = model.tag ? `${model.title} \u2014 ${model.tag}` : model.title;
  const targets = model.targets
    .map((target) => {
      const rows = target.checks
        .map(
          (c) =>
            `<tr><td>${escapeHtml(c.name)}${c.where ? `<div class="where">${escapeHtml(c.where)}</div>` : ''}</td>` +
            `<td class="hide-narrow where">${escapeHtml(c.kind)}</td>` +
            `<td class="num" title="uptime over the last 24 hours">${formatUptime(c.uptime24h)}</td>` +
            `<td class="num">${statusCell(c.status)}</td></tr>`,
        )
        .join('');
      return (
        `<section class="card"><header><h2>${escapeHtml(target.name)}</h2>${statusCell(target.status)}</header>` +
        (rows ? `<table><tbody>${rows}</tbody></table>` : '') +
        `</section>`
      );
    })
    .join('\n');
  const updated = new Date(model.generatedAt).toISOString().replace('T', ' ').slice(0, 16);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="60">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${escapeHtml(title)}</h1>
<p class="sub">Uptime is over the last 24 hours. This page refreshes every minute.</p>
<div class="headline ${model.status}" data-status="${model.status}"><span class="dot" aria-hidden="true"></span><span>${HEADLINES[model.status]}</span></div>
${targets || '<p class="sub">Nothing is watched on this page yet.</p>'}
<footer>Updated ${updated} UTC &middot; Kaavan</footer>
</main>
</body>
</html>
`;
}
