// `kaavan host trust TARGET [--yes]`, `kaavan baseline accept TARGET/CHECK` and
// `kaavan report [--since 24h] [--json]` (issue 7).
//
// - host trust edits the configuration file only (through the same ConfigManager as the app, so
//   comments are kept and a running `kaavan serve` picks the change up from the watched file).
// - baseline accept writes the check's baseline into the store, which only the process holding the
//   data folder may do: it starts Kaavan's core on the folder without its scheduler, accepts, and
//   stops. While `kaavan serve` or the app holds the folder it refuses and says to use "Accept
//   current state" on the target page (or the acceptBaseline API method of the running server).
// - report only reads the store, so it works beside a running server (SQLite WAL).
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline/promises';
import { KaavanError } from '../core/api/errors.js';
import { ConfigManager } from '../core/config/config-manager.js';
import { FileConfigStore } from '../core/config/file-config-store.js';
import { offeredHostKey, trustHostKey, DEFAULT_REPORT_WINDOW_MS } from '../core/api/host-methods.js';
import { sshLabel } from '../core/hosts/ssh-config.js';
import { createKaavan } from '../core/kaavan.js';
import { silentLogger } from '../core/log/logger.js';
import { parseDuration } from '../core/config/duration.js';
import { Store } from '../core/store/store.js';
import { buildReport, formatReportText } from '../core/report/report.js';
import { collectReportInput } from '../core/report/collect.js';
import { nearest } from '../core/config/messages.js';
import type { KaavanConfig } from '../core/config/schema.js';

export interface HostCliContext {
  json: boolean;
  dataDir: string;
  configFile: string;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  now?: () => number;
  /** Asks a yes/no question on the terminal; null when there is no terminal to ask on. */
  ask?: ((question: string) => Promise<boolean>) | null;
}

export class HostUsageError extends Error {}

/** A yes/no question on the terminal, or null when stdin is not one (scripts must pass --yes). */
export function terminalQuestion(): ((question: string) => Promise<boolean>) | null {
  if (!process.stdin.isTTY) return null;
  return async (question) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      return /^y(es)?$/i.test((await rl.question(`${question} [y/N] `)).trim());
    } finally {
      rl.close();
    }
  };
}

async function openConfig(configFile: string): Promise<ConfigManager> {
  const manager = new ConfigManager(new FileConfigStore(configFile), () => undefined);
  await manager.load();
  return manager;
}

function targetOf(config: KaavanConfig, name: string, configFile: string) {
  const targets = config.targets ?? [];
  const target = targets.find((t) => t.name.toLowerCase() === name.toLowerCase());
  if (target) return target;
  const guess = nearest(name, targets.map((t) => t.name));
  throw new KaavanError('not_found', `no target "${name}" in ${configFile}${guess ? `; did you mean "${guess}"?` : ''}`);
}

export async function hostCommand(ctx: HostCliContext, sub: string | undefined, rest: string[], flags: { yes: boolean }): Promise<number> {
  if (sub !== 'trust') throw new HostUsageError(`unknown command "host ${sub ?? ''}"; try "kaavan host trust TARGET"`);
  if (rest.length !== 1) throw new HostUsageError('usage: kaavan host trust TARGET [--yes]');
  const config = await openConfig(ctx.configFile);
  const target = targetOf(config.current, rest[0]!, ctx.configFile);
  if (!target.ssh) throw new KaavanError('not_found', `target "${target.name}" has no ssh: connection in ${ctx.configFile}; add ssh: { host, user, keyRef } first`);
  const offer = await offeredHostKey({ config }, { target: target.name });
  const who = `${target.name} (${sshLabel(target.ssh)})`;
  const report = (trusted: boolean) => {
    if (ctx.json) ctx.stdout(`${JSON.stringify({ target: target.name, address: offer.address, fingerprint: offer.fingerprint, previous: offer.pinned, state: offer.state, trusted })}\n`);
  };
  if (!ctx.json) {
    ctx.stdout(`${who} offers the host key\n  ${offer.fingerprint}\n`);
    if (offer.state === 'trusted') ctx.stdout('This key is already trusted (hostKey in the configuration).\n');
    if (offer.state === 'changed')
      ctx.stdout(`WARNING: the configuration trusts a different key:\n  ${offer.pinned}\nA changed key can mean the server was reinstalled, or that someone is in between. Check with the server's administrator before trusting it.\n`);
  }
  if (offer.state === 'trusted') {
    report(true);
    return 0;
  }
  let yes = flags.yes;
  if (!yes && ctx.ask) yes = await ctx.ask(`Trust this key for ${target.name}?`);
  if (!yes) {
    if (ctx.json) report(false);
    ctx.stderr(`kaavan: not trusted; compare the fingerprint with \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the server, then run "kaavan host trust ${target.name} --yes"\n`);
    return 1;
  }
  await trustHostKey({ config, audit: () => undefined }, { target: target.name, fingerprint: offer.fingerprint });
  if (ctx.json) report(true);
  else ctx.stdout(`Trusted: hostKey of ${target.name} written to ${ctx.configFile}\n`);
  return 0;
}

export async function baselineCommand(ctx: HostCliContext, sub: string | undefined, rest: string[]): Promise<number> {
  if (sub !== 'accept') throw new HostUsageError(`unknown command "baseline ${sub ?? ''}"; try "kaavan baseline accept TARGET/CHECK"`);
  const [ref, ...extra] = rest;
  const slash = ref?.indexOf('/') ?? -1;
  if (!ref || extra.length || slash <= 0 || slash === ref.length - 1) throw new HostUsageError('usage: kaavan baseline accept TARGET/CHECK');
  const targetName = ref.slice(0, slash);
  const checkName = ref.slice(slash + 1);
  let runtime;
  try {
    runtime = await createKaavan({ configStore: new FileConfigStore(ctx.configFile), dataDir: ctx.dataDir, mode: 'headless', logger: silentLogger, ...(ctx.now ? { now: ctx.now } : {}) });
  } catch (error) {
    if (error instanceof KaavanError && error.code === 'conflict')
      throw new KaavanError('conflict', `${error.message}. While it runs, use "Accept current state" on the target page (or its acceptBaseline API method); this command works when no Kaavan holds the data folder`);
    throw error;
  }
  try {
    const overview = await runtime.service.overview();
    const target = overview.targets.find((t) => t.name.toLowerCase() === targetName.toLowerCase());
    if (!target) throw new KaavanError('not_found', `no target "${targetName}" in ${ctx.configFile}`);
    const check = target.checks.find((c) => c.name.toLowerCase() === checkName.toLowerCase());
    if (!check) {
      const guess = nearest(checkName, target.checks.map((c) => c.name));
      throw new KaavanError('not_found', `no check "${checkName}" in target "${target.name}"${guess ? `; did you mean "${guess}"?` : ''}`);
    }
    const result = await runtime.service.acceptBaseline({ id: check.id });
    if (ctx.json) ctx.stdout(`${JSON.stringify({ target: target.name, check: check.name, files: result.files, unreadable: result.unreadable })}\n`);
    else {
      ctx.stdout(`Baseline of ${target.name}/${check.name} recorded: ${result.files} file${result.files === 1 ? '' : 's'}\n`);
      if (result.unreadable.length) ctx.stdout(`${result.unreadable.length} could not be read and are left out: ${result.unreadable.slice(0, 5).join(', ')}${result.unreadable.length > 5 ? ', …' : ''}\n`);
    }
    return 0;
  } finally {
    await runtime.stop();
  }
}

export async function reportCommand(ctx: HostCliContext, config: KaavanConfig, rest: string[], flags: { since?: string }): Promise<number> {
  if (rest.length) throw new HostUsageError('usage: kaavan report [--since 24h] [--json]');
  const now = (ctx.now ?? Date.now)();
  let windowMs = DEFAULT_REPORT_WINDOW_MS;
  if (flags.since !== undefined) {
    const parsed = parseDuration(flags.since);
    if (parsed === null || parsed <= 0) throw new HostUsageError(`--since must be a duration like 24h, 7d or 30m (got "${flags.since}")`);
    windowMs = parsed;
  }
  const file = join(ctx.dataDir, 'kaavan.db');
  if (!existsSync(file)) throw new KaavanError('not_found', `no history in ${ctx.dataDir} yet (kaavan serve or the app records it; pass --data DIR for another folder)`);
  const store = Store.open(file);
  try {
    const report = buildReport(collectReportInput({ store, config, now, sinceMs: now - windowMs }));
    ctx.stdout(ctx.json ? `${JSON.stringify(report)}\n` : formatReportText(report));
    return 0;
  } finally {
    store.close();
  }
}
