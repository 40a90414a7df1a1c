// The `kaavan` command line (DESIGN §4). `bin/kaavan.js` calls main() on the built bundle.
import { parseArgs } from 'node:util';
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { FileConfigStore } from '../core/config/file-config-store.js';
import { assertValidConfig, emptyConfig } from '../core/config/validate.js';
import { resolveChecks } from '../core/config/resolve.js';
import { createProbeRunner } from '../core/engine/probe-runner.js';
import { KaavanError } from '../core/api/errors.js';
import { createKaavan } from '../core/kaavan.js';
import { ConsoleChannel } from '../core/alerts/channels/console.js';
import { channelSecretRefs, createChannel, describeChannel, sendTest } from '../core/alerts/channel-config.js';
import { consoleLogger } from '../core/log/logger.js';
import { createHostForTarget } from '../core/hosts/create-host.js';
import { backupCommand, BackupUsageError, restoreCommand } from './backup-cli.js';
import { auditCommand, AuditUsageError } from './audit-cli.js';
import { baselineCommand, hostCommand, HostUsageError, reportCommand, terminalQuestion } from './host-cli.js';
import { createFileLogger } from '../core/log/file-logger.js';
import { installProcessGuards } from '../core/log/process-guards.js';
import { createSecretStore } from '../core/secrets/secrets.js';
import { KAAVAN_VERSION } from '../core/api/kaavan-service.js';
import { nearest } from '../core/config/messages.js';
import type { FieldIssue } from '../core/api/errors.js';
import type { KaavanConfig } from '../core/config/schema.js';
import type { ProbeStatus } from '../core/model.js';
import { startHeadlessServer } from './server.js';
import { loadServeToken, TokenError, type ServeToken } from './token.js';
import { defaultConfigFile, defaultDataDir } from './paths.js';
import { summarizeTargets, targetSummaryLines } from '../core/health/target-summary.js';

export const EXIT = { ok: 0, degraded: 1, down: 2, invalidConfig: 3, failure: 1, internal: 4, usage: 64 } as const;

const HELP = `kaavan ${KAAVAN_VERSION} — watch servers from your laptop

Usage: kaavan <command> [options]

Commands:
  config validate            check the configuration; exit 3 listing each error by field path
  check --once               run every enabled check once; exit 0 all up, 1 some degraded, 2 some down
  serve [--port N]           run the engines and the dashboard on 127.0.0.1 (prints the URL with its token);
                             hand edits of the config file apply live, SIGHUP reloads it.
                             The token is kept in <data>/serve-token across restarts;
                             --new-token replaces it, $KAAVAN_TOKEN overrides it
  secret set NAME            store a secret in the OS keychain (value read from stdin)
  secret delete NAME         remove a secret from the keychain
  secret list                list secret names and where each comes from (never values)
  channel list               the configured channels and whether their secrets are set
  channel test NAME          send a test notice through one channel; prints the server's answer
  backup run JOB             run a backup job of the config now (progress on stderr)
  backup list [JOB]          restorable runs of every job, or one
  backup forget JOB          apply the job's retention (--dry-run: only show what would go)
  backup verify RUN          re-read a run from its destination and check every file
  restore RUN --to DIR       restore a run (or --include GLOB paths) into DIR, never outside it
  audit [--since 24h]        the audit log, newest first (--action, --subject, --actor, --limit N)
  host trust TARGET          show the SSH host key a target offers and pin it as hostKey (--yes: without asking)
  baseline accept T/CHECK    record a files check's current files as its baseline (while no Kaavan runs on --data)
  report [--since 24h]       status summary: per target status and uptime, incidents, slowest checks, disk forecasts

Options (every command):
  --config FILE   YAML or JSON configuration (default: $KAAVAN_CONFIG or <data>/config.yaml)
  --data DIR      data folder for history (default: $KAAVAN_DATA or the OS app-data folder)
  --json          machine-readable output on stdout (and nothing else there)
  -h, --help      this help
  -v, --version   print the version
`;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  /** Folder of the built dashboard, when there is one. */
  staticDir?: string | null;
  /** Resolves when the process is asked to stop (serve waits on it). */
  waitForStop?: () => Promise<void>;
  /** false: do not install process-wide error handlers (in-process tests). */
  installGuards?: boolean;
  /** Calls `reload` when the process is asked to reload its configuration (SIGHUP); returns an uninstaller. */
  onReloadSignal?: (reload: () => void) => () => void;
}

const COMMANDS = ['config', 'check', 'serve', 'secret', 'channel', 'backup', 'restore', 'audit', 'host', 'baseline', 'report'] as const;
const OPTIONS = {
  config: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
  once: { type: 'boolean' },
  port: { type: 'string' },
  to: { type: 'string' },
  include: { type: 'string', multiple: true },
  'dry-run': { type: 'boolean' },
  'new-token': { type: 'boolean' },
  since: { type: 'string' },
  action: { type: 'string' },
  subject: { type: 'string' },
  actor: { type: 'string' },
  limit: { type: 'string' },
  yes: { type: 'boolean', short: 'y' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

class UsageError extends Error {}

function defaultIo(): CliIo {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    env: process.env,
    readStdin: async () => {
      if (process.stdin.isTTY) process.stderr.write('Value (end with Enter, then Ctrl+D): ');
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    // Installed only by `serve`: a SIGINT listener would stop Ctrl+C from ending other commands.
    waitForStop: () =>
      new Promise<void>((r) => {
        process.once('SIGINT', () => r());
        process.once('SIGTERM', () => r());
      }),
    // A listener replaces Node's default for SIGHUP (exit): the server keeps running.
    onReloadSignal: (reload) => {
      const listener = () => reload();
      process.on('SIGHUP', listener);
      return () => void process.off('SIGHUP', listener);
    },
  };
}

/** parseArgs' errors in a person's words, with the nearest option for a typo. */
function argsError(error: Error & { code?: string }): string {
  const unknown = /Unknown option '([^']+)'/.exec(error.message);
  if (unknown) {
    const given = unknown[1]!;
    const guess = given.startsWith('--') ? nearest(given.slice(2), Object.keys(OPTIONS)) : null;
    return `unknown option ${given}${guess ? `; did you mean --${guess}?` : '; run "kaavan --help" for the options'}`;
  }
  const missing = /Option '(-\w, )?(--[\w-]+)[^']*' argument (?:missing|is ambiguous)/.exec(error.message);
  if (missing) return `${missing[2]} needs a value (e.g. ${missing[2]} ${missing[2] === '--port' ? '8080' : missing[2] === '--data' ? 'DIR' : 'FILE'})`;
  const notValue = /Option '(-\w, )?(--[\w-]+)[^']*' does not take an argument/.exec(error.message);
  if (notValue) return `${notValue[2]} takes no value`;
  return error.message.split('. ')[0]!;
}

export async function main(argv: string[], partialIo: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = { ...defaultIo(), ...partialIo };
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: OPTIONS,
    });
    const json = values.json ?? false;
    if (values.version) {
      io.stdout(json ? `${JSON.stringify({ version: KAAVAN_VERSION })}\n` : `${KAAVAN_VERSION}\n`);
      return EXIT.ok;
    }
    if (values.help || positionals.length === 0) {
      io.stdout(HELP);
      return positionals.length === 0 && !values.help ? EXIT.usage : EXIT.ok;
    }
    const dataDir = resolve(values.data ?? defaultDataDir(io.env));
    const configFile = resolve(values.config ?? defaultConfigFile(dataDir, io.env));
    const ctx = { io, json, dataDir, configFile };
    const [command, sub, ...rest] = positionals;
    if (command === 'config' || command === 'check' || command === 'serve') {
      const given = values.config !== undefined ? '--config' : io.env.KAAVAN_CONFIG ? '$KAAVAN_CONFIG' : null;
      if (isFolder(configFile))
        throw new UsageError(`${given ? `${given} points to a folder` : `the configuration path is a folder`} (${configFile}); give the path of a YAML or JSON file`);
    }

    switch (command) {
      case 'config':
        if (sub !== 'validate') throw new UsageError(`unknown command "config ${sub ?? ''}"; try "kaavan config validate"`);
        return await configValidate(ctx);
      case 'check':
        if (!values.once) throw new UsageError('"kaavan check" needs --once (continuous checking is "kaavan serve")');
        return await checkOnce(ctx);
      case 'serve': {
        const port = values.port === undefined ? 0 : Number(values.port);
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0..65535, got "${values.port}"`);
        return await serve(ctx, port, { newToken: values['new-token'] ?? false });
      }
      case 'secret':
        return await secretCommand(ctx, sub, rest);
      case 'channel':
        return await channelCommand(ctx, sub, rest);
      case 'backup':
      case 'restore': {
        const config = await loadConfig(ctx, true);
        const stop = new AbortController();
        const onSignal = () => stop.abort(new Error('stopped by the user'));
        process.once('SIGINT', onSignal);
        try {
          const backupCtx = { json, dataDir, configFile, stdout: io.stdout, stderr: io.stderr, signal: stop.signal };
          if (command === 'backup') return await backupCommand(backupCtx, config, sub, rest, { dryRun: values['dry-run'] ?? false });
          if (rest.length) throw new UsageError('usage: kaavan restore RUN --to DIR [--include GLOB]');
          return await restoreCommand(backupCtx, config, sub, { ...(values.to ? { to: resolve(values.to) } : {}), ...(values.include ? { include: values.include } : {}) });
        } catch (error) {
          if (error instanceof BackupUsageError) throw new UsageError(error.message);
          throw error;
        } finally {
          process.off('SIGINT', onSignal);
        }
      }
      case 'audit':
        try {
          return await auditCommand({ json, dataDir, stdout: io.stdout }, values);
        } catch (error) {
          throw error instanceof AuditUsageError ? new UsageError(error.message) : error;
        }
      case 'host':
      case 'baseline':
      case 'report': {
        const hostCtx = { json, dataDir, configFile, stdout: io.stdout, stderr: io.stderr, ask: terminalQuestion() };
        try {
          if (command === 'host') return await hostCommand(hostCtx, sub, rest, { yes: values.yes ?? false });
          if (command === 'baseline') return await baselineCommand(hostCtx, sub, rest);
          return await reportCommand(hostCtx, await loadConfig(ctx, false), sub === undefined ? rest : [sub, ...rest], { ...(values.since !== undefined ? { since: values.since } : {}) });
        } catch (error) {
          if (error instanceof HostUsageError) throw new UsageError(error.message);
          throw error;
        }
      }
      default: {
        const guess = nearest(command ?? '', COMMANDS);
        throw new UsageError(`unknown command "${command}"; ${guess ? `did you mean "${guess}"?` : 'run "kaavan --help"'}`);
      }
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`kaavan: ${error.message}\n`);
      return EXIT.usage;
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`kaavan: ${argsError(error as Error)}\n`);
      return EXIT.usage;
    }
    if (error instanceof KaavanError && error.code === 'invalid_input' && error.issues) {
      io.stderr(`kaavan: ${error.message}\n`);
      return EXIT.invalidConfig;
    }
    io.stderr(`kaavan: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.failure;
  }
}

interface Ctx {
  io: CliIo;
  json: boolean;
  dataDir: string;
  configFile: string;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

async function loadConfig(ctx: Ctx, mustExist: boolean): Promise<KaavanConfig> {
  const store = new FileConfigStore(ctx.configFile);
  const raw = await store.load();
  if (raw === null) {
    if (store.readState === 'empty') {
      const issue: FieldIssue = { path: '(file)', message: 'the file is empty; a configuration starts with "version: 1"' };
      throw new KaavanError('invalid_input', `${ctx.configFile} is empty`, [issue]);
    }
    if (mustExist) throw new KaavanError('not_found', `no configuration at ${ctx.configFile} (pass --config FILE)`);
    return emptyConfig();
  }
  return assertValidConfig(raw, ctx.configFile);
}

async function configValidate(ctx: Ctx): Promise<number> {
  try {
    const config = await loadConfig(ctx, true);
    const checks = resolveChecks(config);
    const targets = config.targets?.length ?? 0;
    if (ctx.json) ctx.io.stdout(`${JSON.stringify({ valid: true, file: ctx.configFile, targets, checks: checks.length, issues: [] })}\n`);
    else ctx.io.stdout(`${ctx.configFile}: valid (${targets} target${targets === 1 ? '' : 's'}, ${checks.length} check${checks.length === 1 ? '' : 's'})\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof KaavanError && error.issues) {
      if (ctx.json) ctx.io.stdout(`${JSON.stringify({ valid: false, file: ctx.configFile, issues: error.issues })}\n`);
      ctx.io.stderr(`${error.issues.map((i) => `${ctx.configFile}: ${i.path}: ${i.message}`).join('\n')}\n`);
      return EXIT.invalidConfig;
    }
    throw error;
  }
}

interface OnceRow {
  target: string;
  check: string;
  kind: string;
  status: ProbeStatus;
  latencyMs: number | null;
  message: string;
}

async function checkOnce(ctx: Ctx): Promise<number> {
  const config = await loadConfig(ctx, true);
  const checks = resolveChecks(config).filter((c) => c.enabled);
  const concurrency = config.settings?.concurrency ?? 16;
  const rows: OnceRow[] = new Array(checks.length);
  // Secrets are read lazily: a config without references never opens the keychain.
  let secretStore: ReturnType<typeof createSecretStore> | null = null;
  const secrets = { get: (name: string) => (secretStore ??= createSecretStore()).get(name) };
  // One host per target, as the engine keeps: one SSH connection per server, closed at the end.
  const hosts = new Map<string, ReturnType<typeof createHostForTarget>>();
  const hostFor = (check: { target: string }) => {
    let host = hosts.get(check.target);
    if (!host) {
      const target = (config.targets ?? []).find((t) => t.name === check.target)!;
      hosts.set(check.target, (host = createHostForTarget(target, { secrets, log: consoleLogger() })));
    }
    return host;
  };
  const runProbe = createProbeRunner({ secrets, hostFor });
  const never = new AbortController().signal;
  let next = 0;
  const worker = async () => {
    while (next < checks.length) {
      const index = next++;
      const check = checks[index]!;
      const outcome = await runProbe(check, never);
      rows[index] = { target: check.target, check: check.name, kind: check.kind.kind, status: outcome.status, latencyMs: outcome.latencyMs, message: outcome.message };
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, checks.length) }, worker));
  } finally {
    await Promise.all([...hosts.values()].map((h) => h.close?.()));
  }

  // Each target's status, health score and maintenance window (hosts issue) next to the checks.
  const targets = summarizeTargets(config, rows, Date.now());
  if (ctx.json) ctx.io.stdout(`${JSON.stringify({ checks: rows, targets })}\n`);
  else ctx.io.stdout(rows.length ? `${formatTable(rows)}${targetSummaryLines(targets).map((line) => `${line}\n`).join('')}` : 'No enabled checks in the configuration.\n');
  if (rows.some((r) => r.status === 'down')) return EXIT.down;
  if (rows.some((r) => r.status === 'degraded')) return EXIT.degraded;
  return EXIT.ok;
}

function formatTable(rows: OnceRow[]): string {
  const header = ['TARGET', 'CHECK', 'KIND', 'STATUS', 'LATENCY', 'MESSAGE'];
  const body = rows.map((r) => [r.target, r.check, r.kind, r.status.toUpperCase(), r.latencyMs === null ? '-' : `${Math.round(r.latencyMs)} ms`, r.message]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return `${[line(header), ...body.map(line)].join('\n')}\n`;
}

async function serve(ctx: Ctx, port: number, flags: { newToken: boolean }): Promise<number> {
  // The log file in the data folder; warnings, errors and what a person at the terminal wants to
  // know (a reload applied) are echoed to stderr as well.
  const logger = createFileLogger({ dir: join(ctx.dataDir, 'logs'), echoLevel: 'info' });
  // Rejections and one connection's network errors are logged and serve keeps watching; any other
  // uncaught exception is logged and ends the process (policy in core/log/process-guards.ts).
  const uninstallGuards = ctx.io.installGuards === false ? () => undefined : installProcessGuards(logger);
  let runtime;
  try {
    runtime = await createKaavan({
      configStore: new FileConfigStore(ctx.configFile),
      dataDir: ctx.dataDir,
      mode: 'headless',
      alwaysOnChannels: [new ConsoleChannel((line) => ctx.io.stderr(`${line}\n`))],
      logger,
    });
  } catch (error) {
    uninstallGuards();
    logger.close();
    throw error;
  }
  const staticDir = ctx.io.staticDir && existsSync(resolve(ctx.io.staticDir, 'index.html')) ? ctx.io.staticDir : null;
  let server;
  let token: ServeToken;
  try {
    // Read after createKaavan has locked the data folder: a second serve never rotates the first one's token.
    token = await loadServeToken(ctx.dataDir, { env: ctx.io.env, rotate: flags.newToken });
    server = await startHeadlessServer({ service: runtime.service, port, staticDir, token: token.token });
  } catch (error) {
    await runtime.stop();
    uninstallGuards();
    logger.close();
    if (error instanceof TokenError) throw new UsageError(error.message);
    throw listenError(error, port);
  }
  await runtime.start();
  const overview = await runtime.service.overview();
  const checks = overview.targets.reduce((n, t) => n + t.checks.length, 0);
  if (ctx.json) {
    ctx.io.stdout(
      `${JSON.stringify({ url: server.dashboardUrl, apiUrl: server.url, port: server.port, token: server.token, tokenSource: token.source, tokenFile: token.file, config: ctx.configFile, dataDir: ctx.dataDir })}\n`,
    );
  } else {
    ctx.io.stdout(
      `Kaavan ${KAAVAN_VERSION} is watching ${checks} check${checks === 1 ? '' : 's'} on ${overview.targets.length} target${overview.targets.length === 1 ? '' : 's'}.\n` +
        `Config: ${ctx.configFile}\nData:   ${ctx.dataDir}\n` +
        `Dashboard: ${server.dashboardUrl}\n` +
        `${describeTokenSource(token)}\n` +
        (staticDir ? '' : '(the dashboard is not built: run "npm run build"; the API is up)\n') +
        'Press Ctrl+C to stop.\n',
    );
  }
  const stopReloading = ctx.io.onReloadSignal?.(() => void reloadOnSignal(ctx, runtime));
  await (ctx.io.waitForStop?.() ?? new Promise<void>(() => undefined));
  stopReloading?.();
  await server.close();
  await runtime.stop();
  uninstallGuards();
  logger.close();
  return EXIT.ok;
}

/** One line on where the token came from, so a person knows whether old links still work. */
function describeTokenSource(token: ServeToken): string {
  switch (token.source) {
    case 'environment':
      return 'Token: from KAAVAN_TOKEN (the token file is not used).';
    case 'file':
      return `Token: the same as last time (kept in ${token.file}); open tabs and bookmarks keep working. Replace it with --new-token.`;
    case 'created':
      return `Token: new, kept in ${token.file} for the next start.`;
    case 'rotated':
      return `Token: replaced (--new-token); links and tabs with the old token no longer work.`;
  }
}

/** Listening failed: the usual causes in words (the port is taken, or privileged). */
function listenError(error: unknown, port: number): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE') return new Error(`port ${port} is already in use; pick another with --port or omit it`);
  if (code === 'EACCES') return new Error(`port ${port} needs administrator rights; pick one above 1023 with --port or omit it`);
  return error;
}

/** SIGHUP: read the config file again; one line says what happened, the server keeps running. */
async function reloadOnSignal(ctx: Ctx, runtime: object): Promise<void> {
  const reload = (runtime as { reloadConfig?: () => Promise<unknown> }).reloadConfig;
  if (!reload) {
    ctx.io.stderr('kaavan: SIGHUP: this version cannot reload the configuration; restart kaavan serve to apply changes\n');
    return;
  }
  try {
    const result = (await reload.call(runtime)) as { ok?: boolean; changed?: boolean; issues?: FieldIssue[] } | undefined;
    if (result?.ok === false) {
      const lines = (result.issues ?? []).map((i) => `  ${i.path}: ${i.message}`).join('\n');
      ctx.io.stderr(`kaavan: SIGHUP: ${ctx.configFile} is invalid; keeping the running configuration\n${lines}${lines ? '\n' : ''}`);
    } else {
      ctx.io.stderr(`kaavan: SIGHUP: reloaded ${ctx.configFile}${result?.changed === false ? ' (no changes)' : ''}\n`);
    }
  } catch (error) {
    ctx.io.stderr(`kaavan: SIGHUP: cannot reload ${ctx.configFile}: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

async function secretCommand(ctx: Ctx, sub: string | undefined, rest: string[]): Promise<number> {
  const secrets = createSecretStore();
  switch (sub) {
    case 'set': {
      const name = requireName(rest, 'set');
      const raw = await ctx.io.readStdin();
      // One trailing newline comes from `echo` or the Enter key; it is not part of the value.
      const value = raw.replace(/\r?\n$/, '');
      if (value === '') throw new UsageError('no value on stdin (e.g. printf %s "$VALUE" | kaavan secret set NAME)');
      const info = await secrets.set(name, value);
      ctx.io.stdout(ctx.json ? `${JSON.stringify(info)}\n` : `Stored secret "${name}" in the ${info.source}.\n`);
      return EXIT.ok;
    }
    case 'delete': {
      const name = requireName(rest, 'delete');
      const deleted = await secrets.delete(name);
      ctx.io.stdout(ctx.json ? `${JSON.stringify({ name, deleted })}\n` : deleted ? `Deleted secret "${name}".\n` : `No secret "${name}" in the keychain.\n`);
      return deleted ? EXIT.ok : EXIT.failure;
    }
    case 'list': {
      const list = await secrets.list();
      if (ctx.json) ctx.io.stdout(`${JSON.stringify(list)}\n`);
      else ctx.io.stdout(list.length ? `${list.map((s) => `${s.name}\t${s.source}`).join('\n')}\n` : 'No secrets.\n');
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command "secret ${sub ?? ''}"; use set NAME, delete NAME or list`);
  }
}

function requireName(rest: string[], verb: string): string {
  if (rest.length !== 1) throw new UsageError(`usage: kaavan secret ${verb} NAME`);
  return rest[0]!;
}
export { defaultDataDir, defaultConfigFile } from './paths.js';

/** `kaavan channel list|test NAME`: straight from the config file, no running engine needed. */
async function channelCommand(ctx: Ctx, sub: string | undefined, rest: string[]): Promise<number> {
  const config = await loadConfig(ctx, true);
  const entries = config.channels ?? [];
  const secrets = createSecretStore();
  const deps = { secrets, log: consoleLogger(), now: Date.now };
  switch (sub) {
    case 'list': {
      const rows = await Promise.all(
        entries.map(async (e) => ({
          name: e.name,
          kind: e.kind,
          describe: describeChannel(e),
          enabled: e.enabled !== false,
          secrets: await Promise.all(channelSecretRefs(e).map(async (ref) => ({ name: ref, set: (await secrets.get(ref).catch(() => null)) !== null }))),
        })),
      );
      if (ctx.json) ctx.io.stdout(`${JSON.stringify(rows)}\n`);
      else if (rows.length === 0) ctx.io.stdout('No channels in the configuration (the app shows desktop notifications; serve logs to stderr).\n');
      else
        ctx.io.stdout(
          `${rows
            .map((r) => {
              const missing = r.secrets.filter((x) => !x.set).map((x) => x.name);
              return `${r.name}\t${r.kind}\t${r.describe}${r.enabled ? '' : ' (disabled)'}${missing.length ? `\tsecret not set: ${missing.join(', ')}` : ''}`;
            })
            .join('\n')}\n`,
        );
      return EXIT.ok;
    }
    case 'test': {
      if (rest.length !== 1) throw new UsageError('usage: kaavan channel test NAME');
      const name = rest[0]!;
      const entry = entries.find((e) => e.name === name);
      if (!entry) {
        const guess = nearest(name, entries.map((e) => e.name));
        throw new KaavanError('not_found', `no channel named "${name}" in ${ctx.configFile}${guess ? `; did you mean "${guess}"?` : ''}`);
      }
      const result = await sendTest(createChannel(entry, deps));
      if (ctx.json) ctx.io.stdout(`${JSON.stringify({ channel: name, ...result })}\n`);
      else if (result.ok) ctx.io.stdout(`Sent a test notice through "${name}": ${result.answer}\n`);
      if (!result.ok) {
        ctx.io.stderr(`kaavan: the test through "${name}" failed: ${result.error}\n`);
        return EXIT.failure;
      }
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command "channel ${sub ?? ''}"; use list or test NAME`);
  }
}
