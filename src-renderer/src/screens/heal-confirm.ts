// Whether saving the check dialog turns a self-heal on, and what exactly would then run where, for
// the confirmation shown before the save (the same wording as the Delivery screen's toggle). Pure.

type AnyObject = Record<string, unknown>;

export interface HealToConfirm {
  kind: 'command' | 'webhook';
  /** The command line as written, or "POST to the URL in secret "heal-hook"" (as the Delivery screen shows it). */
  action: string;
  /** Where a command runs: "ops@web1.example.com:2222" (the target's SSH host) or "this computer". */
  host: string;
  maxAttempts: number;
  /** As written ("10m"), or the default. */
  cooldown: string;
  breakerFailures: number;
}

const objectOf = (value: unknown): AnyObject | null => (value && typeof value === 'object' && !Array.isArray(value) ? (value as AnyObject) : null);

/** What the heal block runs, comparable between two versions of the check. */
function actionOf(heal: AnyObject): { kind: 'command' | 'webhook'; action: string } | null {
  if (typeof heal.command === 'string' && heal.command.trim() !== '') return { kind: 'command', action: heal.command.trim() };
  const webhook = objectOf(heal.webhook);
  if (webhook && typeof webhook.urlRef === 'string' && webhook.urlRef.trim() !== '') {
    const method = typeof webhook.method === 'string' ? webhook.method : 'POST';
    return { kind: 'webhook', action: `${method} to the URL in secret "${webhook.urlRef.trim()}"` };
  }
  return null;
}

/** The host a target's commands run on, as people read it. */
export function healHostLabel(ssh: { host?: unknown; port?: unknown; user?: unknown } | undefined | null): string {
  if (!ssh || typeof ssh.host !== 'string') return 'this computer';
  const port = typeof ssh.port === 'number' ? ssh.port : 22;
  return `${typeof ssh.user === 'string' ? `${ssh.user}@` : ''}${ssh.host}${port === 22 ? '' : `:${port}`}`;
}

/**
 * The heal to confirm before saving `next` (the check the form would save) over `previous` (the
 * check as it was; undefined for a new one), or null when the save turns nothing on: no heal, a
 * heal left off (enabled: false), or one that was already on with the same action.
 */
export function healToConfirm(previous: unknown, next: unknown, host: string): HealToConfirm | null {
  const heal = objectOf(objectOf(next)?.heal);
  if (!heal || heal.enabled === false) return null;
  const action = actionOf(heal);
  if (!action) return null;
  const before = objectOf(objectOf(previous)?.heal);
  const beforeAction = before ? actionOf(before) : null;
  const wasOn = before !== null && before.enabled !== false;
  if (wasOn && beforeAction?.kind === action.kind && beforeAction.action === action.action) return null;
  const breaker = objectOf(heal.breaker);
  return {
    ...action,
    host,
    maxAttempts: typeof heal.maxAttempts === 'number' ? heal.maxAttempts : 3,
    cooldown: heal.cooldown === undefined ? '5m' : typeof heal.cooldown === 'number' ? `${heal.cooldown} ms` : String(heal.cooldown),
    breakerFailures: typeof breaker?.failures === 'number' ? breaker.failures : 3,
  };
}
