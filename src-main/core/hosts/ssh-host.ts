// A target reached over SSH as a Host: one pooled ssh2 connection per host (opened on first use,
// kept alive, reopened with backoff after a failure), exec channels bounded per host (the rest
// wait in a queue, so 50 checks on one server never hit sshd's MaxSessions), and one SFTP channel
// for readFile. The host key is pinned: an unknown key is refused until trusted, and once a
// changed key is seen every later connection is refused until the configuration changes (a new
// SshHost is built then). Errors read like a person wrote them; secrets never appear in them.
import { createHash } from 'node:crypto';
import ssh2 from 'ssh2';
import type { Client as SshClient, ClientChannel, ConnectConfig, SFTPWrapper } from 'ssh2';
import type { ExecOptions, ExecResult, ExecStream, Host } from './host.js';
import type { SecretReader } from '../checks/types.js';
import type { Logger } from '../log/logger.js';
import { sshLabel, type SshConfig } from './ssh-config.js';
import { shellQuote } from './shell-quote.js';

// ssh2 is CommonJS; Node's ESM loader cannot see its `utils` export by name.
const { Client, utils } = ssh2;
type Client = SshClient;

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export interface SshHostOptions {
  secrets: SecretReader;
  log: Logger;
  /** Exec channels open at once on this host; more wait their turn (default 4). */
  maxChannels?: number;
  /** SSH keep-alive packets every N ms (default 15 s); 3 unanswered close the connection. */
  keepaliveIntervalMs?: number;
  /** How long connecting + authenticating may take (default 10 s). */
  connectTimeoutMs?: number;
  /** Backoff after a failed connect: first wait, doubled per failure up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** Target name for hints ("kaavan host trust web1"); the ssh host name otherwise. */
  targetName?: string;
}

/** Why a connection was refused or failed, for callers that branch on it (the engine, the CLI). */
export type SshErrorReason = 'unknown-host-key' | 'changed-host-key' | 'auth' | 'refused' | 'unreachable' | 'timeout' | 'secret' | 'closed' | 'other';

export class SshHostError extends Error {
  constructor(
    message: string,
    readonly reason: SshErrorReason,
    /** For host-key errors: the fingerprint the server offered (and the pinned one when changed). */
    readonly offeredFingerprint?: string,
    readonly pinnedFingerprint?: string,
  ) {
    super(message);
    this.name = 'SshHostError';
  }
}

/** "SHA256:…" of a raw SSH public key blob, exactly as `ssh-keygen -lf` prints it. */
export function fingerprintOf(publicKeyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The algorithm name inside a public key blob ("ssh-ed25519"). */
function keyTypeOf(publicKeyBlob: Buffer): string {
  if (publicKeyBlob.length < 4) return 'unknown';
  const length = publicKeyBlob.readUInt32BE(0);
  return publicKeyBlob.subarray(4, 4 + Math.min(length, 64)).toString('latin1');
}

/**
 * Connects just far enough to see the server's host key and returns its fingerprint, without
 * authenticating (for `kaavan host trust` and the UI's "trust this server?" question).
 */
export function fetchHostKeyFingerprint(host: string, port = 22, options: { timeoutMs?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const client = new Client();
    let offered: string | null = null;
    const finish = (error: Error | null) => {
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end();
      if (offered) resolve(offered);
      else reject(error ?? new SshHostError(`${host}:${port} closed the connection before showing its host key`, 'closed'));
    };
    client.on('error', (error) => finish(offered ? null : new SshHostError(describeConnectError(error, `${host}:${port}`, null, options.timeoutMs ?? 10_000), classify(error))));
    client.on('close', () => finish(null));
    client.on('ready', () => finish(null));
    client.connect({
      host,
      port,
      username: 'kaavan-host-key-probe',
      readyTimeout: options.timeoutMs ?? 10_000,
      hostVerifier: (key: Buffer) => {
        offered = fingerprintOf(key);
        return false; // stop here: only the key was wanted
      },
    });
  });
}

function classify(error: Error & { level?: string; code?: string }): SshErrorReason {
  if (error.level === 'client-authentication') return 'auth';
  if (error.code === 'ECONNREFUSED') return 'refused';
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EHOSTUNREACH' || error.code === 'ENETUNREACH') return 'unreachable';
  if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT') return 'timeout';
  return 'other';
}

function describeConnectError(error: Error & { level?: string; code?: string }, where: string, auth: string | null, timeoutMs: number): string {
  const host = where.replace(/:\d+$/, '');
  switch (classify(error)) {
    case 'auth':
      return `authentication failed for ${auth ?? where}`;
    case 'refused':
      return `${where} refused the connection`;
    case 'unreachable':
      return error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' ? `${host} could not be found (DNS lookup failed)` : `${host} is unreachable (${error.code})`;
    case 'timeout':
      return `${where} did not complete the SSH handshake within ${Math.round(timeoutMs / 1000)} s`;
    default:
      if (error.code === 'ECONNRESET') return `${where} closed the connection during the SSH handshake`;
      return `could not connect to ${where}: ${error.message.split('\n')[0]}${error.code ? ` (${error.code})` : ''}`;
  }
}

/**
 * The command as sent to sshd: with a time limit, wrapped in `timeout -s KILL` when the server has
 * it (GNU coreutils, BusyBox), so a command that outlives its probe does not linger on the server.
 */
export function remoteCommand(command: string, timeoutMs?: number): string {
  if (timeoutMs === undefined || !Number.isFinite(timeoutMs) || timeoutMs <= 0) return command;
  const seconds = Math.ceil(timeoutMs / 1000) + 1; // the local deadline fires first
  const quoted = shellQuote(command);
  return `if command -v timeout >/dev/null 2>&1; then exec timeout -s KILL ${seconds} sh -c ${quoted}; else exec sh -c ${quoted}; fi`;
}

function abortError(): Error {
  const error = new Error('The operation was aborted');
  error.name = 'AbortError';
  return error;
}

export class SshHost implements Host {
  readonly kind = 'ssh' as const;
  readonly label: string;
  private readonly where: string;
  private readonly maxChannels: number;
  private client: Client | null = null;
  private connecting: Promise<Client> | null = null;
  private sftp: Promise<SFTPWrapper> | null = null;
  private activeChannels = 0;
  private readonly waiting: Array<() => void> = [];
  private failures = 0;
  private retryAt = 0;
  private lastError: SshHostError | null = null;
  /** Set once a changed host key is seen: every later connection is refused (see header). */
  private blocked: SshHostError | null = null;
  private closed = false;
  /** TCP connections opened so far (reuse is visible in tests and the benchmark). */
  connectionsOpened = 0;

  constructor(
    readonly config: SshConfig,
    private readonly options: SshHostOptions,
  ) {
    this.label = sshLabel(config);
    this.where = `${config.host}:${config.port ?? 22}`;
    this.maxChannels = Math.max(1, options.maxChannels ?? 4);
  }

  /** Exec channels open right now (at most maxChannels). */
  get channelsInUse(): number {
    return this.activeChannels;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /**
   * Set once the server offered a different host key than the pinned one: every connection of this
   * host is refused from then on. The engine raises its critical alert from this (both fingerprints
   * are on the error), rather than from the failed checks.
   */
  get hostKeyChanged(): SshHostError | null {
    return this.blocked;
  }

  /**
   * Whether the host can be reached now: null when connected (connecting if needed), else the
   * reason in words. For the engine's "reachable over SSH" parent of a target's host-level checks.
   */
  async checkConnection(signal?: AbortSignal): Promise<SshHostError | null> {
    try {
      await this.connect(signal);
      return null;
    } catch (error) {
      return error instanceof SshHostError ? error : new SshHostError(error instanceof Error ? error.message : String(error), 'other');
    }
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    const release = await this.acquireChannel(options.signal);
    try {
      const client = await this.connect(options.signal);
      return await new Promise<ExecResult>((resolve, reject) => {
        if (options.signal?.aborted) return reject(abortError());
        client.exec(remoteCommand(command, options.timeoutMs), (error, stream: ClientChannel) => {
          if (error) return reject(new SshHostError(`could not run a command on ${this.label}: ${error.message}`, 'other'));
          const out: Buffer[] = [];
          const err: Buffer[] = [];
          let outBytes = 0;
          let errBytes = 0;
          let exitCode: number | null = null;
          let exitSignal: string | null = null;
          let exited = false;
          const onAbort = () => {
            // sshd keeps a command running after its channel closes (until it exits or writes);
            // options.timeoutMs is what bounds it on the server (see remoteCommand).
            stream.close();
            reject(abortError());
          };
          // The connection dropping mid-command is a failure to run it, not an exit without a code.
          const onLost = () => reject(new SshHostError(`the connection to ${this.label} was lost while running a command`, 'closed'));
          options.signal?.addEventListener('abort', onAbort, { once: true });
          client.once('close', onLost);
          stream.on('data', (chunk: Buffer) => {
            if (outBytes < max) out.push(chunk.subarray(0, max - outBytes));
            outBytes += chunk.length;
          });
          stream.stderr.on('data', (chunk: Buffer) => {
            if (errBytes < max) err.push(chunk.subarray(0, max - errBytes));
            errBytes += chunk.length;
          });
          stream.on('exit', (code: number | null, signal?: string) => {
            exited = true;
            exitCode = typeof code === 'number' ? code : null;
            exitSignal = signal ?? null;
          });
          stream.on('close', () => {
            options.signal?.removeEventListener('abort', onAbort);
            client.removeListener('close', onLost);
            if (!exited && this.client !== client) return onLost();
            resolve({ exitCode, signal: exitSignal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
          });
          stream.on('error', () => undefined);
          stream.end(options.input ?? '');
        });
      });
    } finally {
      release();
    }
  }

  async readFile(path: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Buffer> {
    const sftp = await this.openSftp(options.signal);
    const max = options.maxBytes ?? 16 * 1024 * 1024;
    const handle = await new Promise<Buffer>((resolve, reject) =>
      sftp.open(path, 'r', (error, h) => (error ? reject(this.sftpError(error, path)) : resolve(h))),
    );
    try {
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        if (options.signal?.aborted) throw abortError();
        const want = Math.min(32 * 1024, max - total);
        if (want <= 0) break;
        const bytesRead = await new Promise<number>((resolve, reject) => {
          const buffer = Buffer.alloc(want);
          sftp.read(handle, buffer, 0, want, total, (error, n) => {
            if (error) return reject(this.sftpError(error, path));
            if (n > 0) chunks.push(buffer.subarray(0, n));
            resolve(n);
          });
        });
        if (bytesRead === 0) break;
        total += bytesRead;
      }
      return Buffer.concat(chunks);
    } catch (error) {
      // ssh2 reports end of file as an error with code 1 (SSH_FX_EOF) on some servers.
      if ((error as { sftpCode?: number }).sftpCode === 1) return Buffer.alloc(0);
      throw error;
    } finally {
      sftp.close(handle, () => undefined);
    }
  }

  /**
   * Runs a command and streams its stdout, for outputs too large to buffer (backups of remote
   * folders, pg_dump; issue 9). The channel counts against maxChannels until the command ends;
   * aborting closes it.
   */
  async execStream(command: string, options: { signal?: AbortSignal; input?: string } = {}): Promise<ExecStream> {
    const release = await this.acquireChannel(options.signal);
    let client: Client;
    try {
      client = await this.connect(options.signal);
    } catch (error) {
      release();
      throw error;
    }
    return new Promise<ExecStream>((resolve, reject) => {
      client.exec(command, (error, stream: ClientChannel) => {
        if (error) {
          release();
          return reject(new SshHostError(`could not run a command on ${this.label}: ${error.message}`, 'other'));
        }
        let stderr = '';
        let exitCode: number | null = null;
        let exitSignal: string | null = null;
        const onAbort = () => stream.close();
        options.signal?.addEventListener('abort', onAbort, { once: true });
        stream.stderr.on('data', (chunk: Buffer) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-8192);
        });
        stream.on('exit', (code: number | null, signal?: string) => {
          exitCode = typeof code === 'number' ? code : null;
          exitSignal = signal ?? null;
        });
        const done = new Promise<{ exitCode: number | null; signal: string | null; stderr: string }>((settle) =>
          stream.once('close', () => {
            options.signal?.removeEventListener('abort', onAbort);
            release();
            settle({ exitCode, signal: exitSignal, stderr });
          }),
        );
        stream.end(options.input ?? '');
        resolve({ stdout: stream, done });
      });
    });
  }

  /** Closes the connection and refuses further use (a TargetRuntime calls this on dispose). */
  async close(): Promise<void> {
    this.closed = true;
    const client = this.client;
    this.client = null;
    this.sftp = null;
    for (const wake of this.waiting.splice(0)) wake();
    if (!client) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 2000);
      client.once('close', () => {
        clearTimeout(timer);
        resolve();
      });
      client.end();
    });
  }

  private sftpError(error: Error & { code?: number }, path: string): Error {
    const codes: Record<number, string> = { 2: 'ENOENT', 3: 'EACCES' };
    const code = typeof error.code === 'number' ? codes[error.code] : undefined;
    const text = code === 'ENOENT' ? `no such file: ${path} on ${this.label}` : code === 'EACCES' ? `permission denied reading ${path} on ${this.label}` : `could not read ${path} on ${this.label}: ${error.message}`;
    return Object.assign(new Error(text), { code: code ?? 'EIO', sftpCode: error.code });
  }

  private acquireChannel(signal?: AbortSignal): Promise<() => void> {
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      this.activeChannels -= 1;
      this.waiting.shift()?.();
    };
    if (this.activeChannels < this.maxChannels) {
      this.activeChannels += 1;
      return Promise.resolve(release);
    }
    return new Promise((resolve, reject) => {
      const wake = () => {
        signal?.removeEventListener('abort', onAbort);
        if (this.closed) return reject(new SshHostError(`the connection to ${this.label} was closed`, 'closed'));
        this.activeChannels += 1;
        resolve(release);
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(wake);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(abortError());
      };
      if (signal?.aborted) return reject(abortError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(wake);
    });
  }

  private openSftp(signal?: AbortSignal): Promise<SFTPWrapper> {
    if (!this.sftp) {
      const opening = this.connect(signal).then(
        (client) =>
          new Promise<SFTPWrapper>((resolve, reject) =>
            client.sftp((error, sftp) => {
              if (error) return reject(new SshHostError(`${this.label} refused an SFTP session: ${error.message}`, 'other'));
              sftp.on('close', () => {
                if (this.sftp === opening) this.sftp = null;
              });
              resolve(sftp);
            }),
          ),
      );
      this.sftp = opening;
      opening.catch(() => {
        if (this.sftp === opening) this.sftp = null;
      });
    }
    return this.sftp;
  }

  private connect(signal?: AbortSignal): Promise<Client> {
    if (this.closed) return Promise.reject(new SshHostError(`the connection to ${this.label} was closed`, 'closed'));
    if (this.blocked) return Promise.reject(this.blocked);
    if (this.client) return Promise.resolve(this.client);
    if (!this.connecting) {
      if (this.lastError && Date.now() < this.retryAt) {
        const wait = Math.ceil((this.retryAt - Date.now()) / 1000);
        return Promise.reject(new SshHostError(`${this.lastError.message} (next attempt in ${wait} s)`, this.lastError.reason));
      }
      this.connecting = this.openConnection().finally(() => {
        this.connecting = null;
      });
    }
    const connecting = this.connecting;
    if (!signal) return connecting;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortError());
      const onAbort = () => reject(abortError());
      signal.addEventListener('abort', onAbort, { once: true });
      connecting.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
    });
  }

  private async authConfig(): Promise<{ auth: Partial<ConnectConfig>; describe: string }> {
    const { config, options } = this;
    const target = options.targetName ?? config.host;
    const secret = async (ref: string, field: string) => {
      const value = await options.secrets.get(ref);
      if (value === null)
        throw new SshHostError(`the secret "${ref}" (${field} of ${target}) is not set; store it with \`kaavan secret set ${ref}\``, 'secret');
      return value;
    };
    if (config.keyRef !== undefined) {
      const key = await secret(config.keyRef, 'keyRef');
      const passphrase = config.passphraseRef !== undefined ? await secret(config.passphraseRef, 'passphraseRef') : undefined;
      const parsed = utils.parseKey(key, passphrase);
      if (parsed instanceof Error) {
        const encrypted = /encrypted|passphrase|bad decrypt/i.test(parsed.message);
        const text = encrypted
          ? passphrase === undefined
            ? `the key in secret "${config.keyRef}" is protected by a passphrase; set passphraseRef`
            : `the passphrase in secret "${config.passphraseRef}" does not unlock the key in "${config.keyRef}"`
          : `the secret "${config.keyRef}" does not hold a private key Kaavan can read (OpenSSH or PEM format)`;
        throw new SshHostError(text, 'secret');
      }
      return { auth: { privateKey: key, ...(passphrase !== undefined ? { passphrase } : {}) }, describe: `key ${config.keyRef}` };
    }
    if (config.passwordRef !== undefined) {
      return { auth: { password: await secret(config.passwordRef, 'passwordRef') }, describe: `password ${config.passwordRef}` };
    }
    const agent = process.env.SSH_AUTH_SOCK;
    if (!agent) throw new SshHostError(`${target} uses agent: true, but no SSH agent is running for Kaavan (SSH_AUTH_SOCK is not set)`, 'secret');
    return { auth: { agent }, describe: 'ssh agent' };
  }

  private async openConnection(): Promise<Client> {
    try {
      const client = await this.handshake();
      this.failures = 0;
      this.lastError = null;
      return client;
    } catch (error) {
      const failure = error instanceof SshHostError ? error : new SshHostError(String(error), 'other');
      if (failure.reason === 'changed-host-key') this.blocked = failure;
      else {
        // Backoff: a dead server is not hammered by every check; the first retry comes quickly.
        const initial = this.options.initialBackoffMs ?? 1000;
        const delay = Math.min(this.options.maxBackoffMs ?? 30_000, initial * 2 ** this.failures);
        this.failures += 1;
        this.retryAt = Date.now() + delay;
        this.lastError = failure;
      }
      this.options.log.warn('ssh connection failed', { host: this.label, reason: failure.reason, error: failure.message });
      throw failure;
    }
  }

  private async handshake(): Promise<Client> {
    const { config } = this;
    const { auth, describe } = await this.authConfig();
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const target = this.options.targetName ?? config.host;
    return new Promise<Client>((resolve, reject) => {
      const client = new Client();
      let keyError: SshHostError | null = null;
      let settled = false;
      this.connectionsOpened += 1;
      client.on('ready', () => {
        settled = true;
        this.client = client;
        this.options.log.info('ssh connected', { host: this.label });
        resolve(client);
      });
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        if (settled) {
          this.options.log.warn('ssh connection error', { host: this.label, error: error.message });
          return;
        }
        settled = true;
        client.end();
        if (keyError) return reject(keyError);
        const text = describeConnectError(error, this.where, `${this.label} (${describe})`, timeoutMs);
        reject(new SshHostError(text, classify(error)));
      });
      client.on('close', () => {
        if (this.client === client) {
          this.client = null;
          this.sftp = null;
          this.options.log.info('ssh connection closed', { host: this.label });
        }
        if (!settled) {
          settled = true;
          reject(keyError ?? new SshHostError(`${this.where} closed the connection during the SSH handshake`, 'closed'));
        }
      });
      client.connect({
        host: config.host,
        port: config.port ?? 22,
        username: config.user,
        readyTimeout: timeoutMs,
        keepaliveInterval: this.options.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: 3,
        ...auth,
        hostVerifier: (key: Buffer) => {
          const offered = fingerprintOf(key);
          if (config.hostKey === undefined) {
            keyError = new SshHostError(
              `${this.where} offered the host key ${offered} (${keyTypeOf(key)}), which is not trusted yet; check it and run \`kaavan host trust ${target}\``,
              'unknown-host-key',
              offered,
            );
            return false;
          }
          if (offered !== config.hostKey) {
            keyError = new SshHostError(
              `the host key of ${this.where} changed: pinned ${config.hostKey}, offered ${offered} (${keyTypeOf(key)}); every connection is refused until you verify the server and trust the new key`,
              'changed-host-key',
              offered,
              config.hostKey,
            );
            return false;
          }
          return true;
        },
      });
    });
  }
}
