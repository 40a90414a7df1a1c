// Secrets: the OS keychain (via @napi-rs/keyring, service "kaavan", account = secret name), with an
// explicit environment fallback KAAVAN_SECRET_<NAME> for machines without a keychain.
// Values never appear in logs or error messages; the renderer only ever sees SecretInfo.
// Reference: docs/secrets.md.
import type { SecretInfo } from '../api/service.js';
import { KaavanError } from '../api/errors.js';

export interface SecretStore {
  /** The value from the keychain, else from KAAVAN_SECRET_<NAME>, else null. */
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<SecretInfo>;
  /** True when something was deleted from the keychain. */
  delete(name: string): Promise<boolean>;
  list(): Promise<SecretInfo[]>;
}

/** The keychain service every Kaavan secret is stored under. */
export const DEFAULT_SECRET_SERVICE = 'kaavan';
export const SECRET_ENV_PREFIX = 'KAAVAN_SECRET_';
/** 1..128 of letters, digits, ".", "_", "-". */
export const SECRET_NAME_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
/** Upper bound on a value's UTF-8 size (some platforms are stricter: Windows allows 2560 bytes). */
export const MAX_SECRET_BYTES = 64 * 1024;

export function isValidSecretName(name: unknown): name is string {
  return typeof name === 'string' && SECRET_NAME_PATTERN.test(name);
}

/** Returns the name, or throws invalid_input naming the bad name. */
export function assertSecretName(name: unknown): string {
  if (isValidSecretName(name)) return name;
  const shown = typeof name === 'string' ? JSON.stringify(name.length > 140 ? `${name.slice(0, 140)}…` : name) : `(${typeof name})`;
  throw new KaavanError(
    'invalid_input',
    `invalid secret name ${shown}: use 1 to 128 letters, digits, ".", "_" or "-"`,
    [{ path: 'name', message: 'use 1 to 128 letters, digits, ".", "_" or "-"' }],
  );
}

/**
 * The environment variable that can provide secret `name`: upper-cased, every character other than
 * A-Z and 0-9 replaced by "_" (`docs-backup` → `KAAVAN_SECRET_DOCS_BACKUP`). Several names can map
 * to the same variable (`docs-backup`, `docs.backup`, `docs_backup`).
 */
export function envVarName(name: string): string {
  return SECRET_ENV_PREFIX + assertSecretName(name).toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/**
 * The part of the OS keychain the store needs. Implementations throw the platform's error as is;
 * the store turns it into a KaavanError without ever quoting a value.
 */
export interface KeychainBackend {
  get(service: string, account: string): Promise<string | null>;
  set(service: string, account: string, value: string): Promise<void>;
  /** True when an item was deleted, false when there was none. */
  delete(service: string, account: string): Promise<boolean>;
  /** Every account stored under `service`. */
  accounts(service: string): Promise<string[]>;
}

type KeyringModule = typeof import('@napi-rs/keyring');

let keyringModule: Promise<KeyringModule> | null = null;

/** Loaded on first use: a platform without the native binding can still monitor and use env secrets. */
function loadKeyring(): Promise<KeyringModule> {
  return (keyringModule ??= import('@napi-rs/keyring'));
}

/**
 * The OS keychain through @napi-rs/keyring: macOS Keychain, Windows Credential Manager, and on Linux
 * the Secret Service (gnome-keyring, KWallet, KeePassXC…) over the D-Bus session bus. On Linux the
 * store is pinned to the Secret Service: the library's silent fallback, the kernel keyutils keyring,
 * lives in memory and loses every secret at reboot, which is worse than a clear error.
 */
export function osKeychainBackend(): KeychainBackend {
  const options = { linux: { store: 'secret-service' as const } };
  const entry = async (service: string, account: string) => new (await loadKeyring()).AsyncEntry(service, account, options);
  return {
    async get(service, account) {
      return (await entry(service, account)).getPassword();
    },
    async set(service, account, value) {
      await (await entry(service, account)).setPassword(value);
    },
    async delete(service, account) {
      return (await entry(service, account)).deleteCredential();
    },
    async accounts(service) {
      const found = await (await loadKeyring()).findCredentialsAsync(service);
      // The library hands back the values too; keep only the names.
      return found.map((c) => c.account);
    },
  };
}

export interface SecretStoreOptions {
  /** Keychain service name; default "kaavan". Tests use their own to stay isolated. */
  service?: string;
  /** Where KAAVAN_SECRET_* variables are read from, at each call; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** Default: the OS keychain. null: no keychain at all (env fallback only; set() fails). */
  backend?: KeychainBackend | null;
}

export function createSecretStore(options: SecretStoreOptions = {}): SecretStore {
  const service = options.service ?? DEFAULT_SECRET_SERVICE;
  if (typeof service !== 'string' || service === '') throw new KaavanError('invalid_input', 'secret store: service must be a non-empty string');
  const env = options.env ?? process.env;
  const backend = options.backend === undefined ? osKeychainBackend() : options.backend;

  const fromEnv = (name: string): string | null => {
    const value = env[envVarName(name)];
    return value === undefined || value === '' ? null : value;
  };

  /** Env-provided secrets, named after the variable (lower-cased, "_" kept). */
  const envSecrets = (): Map<string, SecretInfo> => {
    const found = new Map<string, SecretInfo>();
    for (const [key, value] of Object.entries(env)) {
      if (!key.startsWith(SECRET_ENV_PREFIX) || value === undefined || value === '') continue;
      const rest = key.slice(SECRET_ENV_PREFIX.length);
      if (!/^[A-Z0-9_]{1,128}$/.test(rest)) continue; // not a name envVarName() can produce
      found.set(key, { name: rest.toLowerCase(), source: 'env' });
    }
    return found;
  };

  const fail = (err: unknown, action: string, name: string | null, value?: string): KaavanError =>
    keychainError(err, { action, name, service, value });

  return {
    async get(name) {
      const n = assertSecretName(name);
      let unavailable: KaavanError | null = null;
      if (backend) {
        try {
          const value = await backend.get(service, n);
          if (value !== null) return value;
        } catch (err) {
          const e = fail(err, 'read', n);
          if (e.code !== 'unavailable') throw e;
          unavailable = e; // the env may still answer
        }
      }
      const value = fromEnv(n);
      if (value !== null) return value;
      // Neither answered, and the keychain could not be asked: "not found" would be a lie.
      if (unavailable) throw unavailable;
      return null;
    },

    async set(name, value) {
      const n = assertSecretName(name);
      if (typeof value !== 'string' || value === '') {
        throw new KaavanError('invalid_input', `secret "${n}": the value must be a non-empty string`, [{ path: 'value', message: 'must be a non-empty string' }]);
      }
      const bytes = Buffer.byteLength(value, 'utf8');
      if (bytes > MAX_SECRET_BYTES) {
        throw new KaavanError('invalid_input', `secret "${n}": the value is ${bytes} bytes; the limit is ${MAX_SECRET_BYTES}`, [{ path: 'value', message: `at most ${MAX_SECRET_BYTES} bytes` }]);
      }
      if (!backend) throw keychainDisabled('store', n);
      try {
        await backend.set(service, n, value);
      } catch (err) {
        throw fail(err, 'store', n, value);
      }
      return { name: n, source: 'keychain' };
    },

    async delete(name) {
      const n = assertSecretName(name);
      if (!backend) return false;
      try {
        return await backend.delete(service, n);
      } catch (err) {
        throw fail(err, 'delete', n);
      }
    },

    async list() {
      const fromEnvVars = envSecrets();
      let accounts: string[] = [];
      if (backend) {
        try {
          accounts = await backend.accounts(service);
        } catch (err) {
          const e = fail(err, 'list', null);
          // Without a keychain the env fallback is the whole story, unless there is none.
          if (e.code !== 'unavailable' || fromEnvVars.size === 0) throw e;
        }
      }
      const byName = new Map<string, SecretInfo>();
      for (const account of accounts) {
        // Items other programs put under our service with names we could never read are skipped.
        if (!isValidSecretName(account)) continue;
        byName.set(account, { name: account, source: 'keychain' });
        fromEnvVars.delete(envVarName(account)); // the keychain wins for that variable
      }
      for (const info of fromEnvVars.values()) if (!byName.has(info.name)) byName.set(info.name, info);
      return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.source < b.source ? -1 : 1));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

interface FailureContext {
  action: string;
  name: string | null;
  service: string;
  /** Redacted from anything quoted back, should a platform ever echo it. */
  value?: string;
}

function keychainDisabled(action: string, name: string): KaavanError {
  return new KaavanError(
    'unavailable',
    `Cannot ${action} secret "${name}": this Kaavan runs without an OS keychain. Provide the value in the environment variable ${envVarName(name)} instead.`,
  );
}

/** Maps a platform error to a KaavanError whose message says what is wrong and how to fix it. */
export function keychainError(err: unknown, ctx: FailureContext): KaavanError {
  if (err instanceof KaavanError) return err;
  const detail = describe(err, ctx.value);
  const subject = ctx.name === null ? 'secrets' : `secret "${ctx.name}"`;
  const what = `Cannot ${ctx.action} ${subject}`;

  if (/is matched by \d+ credentials|ambiguous/i.test(detail)) {
    return new KaavanError(
      'conflict',
      `${what}: more than one keychain item matches service "${ctx.service}" account "${ctx.name ?? ''}" (keychain said: ${detail}). Remove the duplicates with your keychain tool (on Linux: secret-tool clear service ${ctx.service} username ${ctx.name ?? 'NAME'}) and store it again.`,
    );
  }
  if (/longer than platform limit|too long/i.test(detail)) {
    return new KaavanError('invalid_input', `${what}: the OS keychain rejects it as too long (keychain said: ${detail}).`);
  }
  if (/cannot be UTF-8|bad encoding/i.test(detail)) {
    return new KaavanError('internal', `${what}: the keychain item is not UTF-8 text; it was not written by Kaavan. Replace it with \`kaavan secret set ${ctx.name ?? 'NAME'}\`.`);
  }

  const envHint = ctx.name === null ? `${SECRET_ENV_PREFIX}<NAME>` : envVarName(ctx.name);
  return new KaavanError(
    'unavailable',
    `${what}: the OS keychain is unavailable — ${reasonFor(detail)} (keychain said: ${detail}). Fix: ${fixFor()}, or provide the value in the environment variable ${envHint}.`,
  );
}

function describe(err: unknown, value: string | undefined): string {
  let text = err instanceof Error ? err.message : String(err);
  if (value) text = text.split(value).join('[redacted]');
  text = text.replace(/\s+/g, ' ').trim();
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || 'unknown error';
}

function reasonFor(detail: string): string {
  if (/native binding|Cannot find module|ERR_MODULE_NOT_FOUND|ERR_DLOPEN/i.test(detail)) {
    return 'the native keychain module (@napi-rs/keyring) could not be loaded on this platform';
  }
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|Failed to connect|zbus|DBus error|D-Bus|No such file or directory/i.test(detail)) {
    return 'no D-Bus session bus is reachable, so there is no Secret Service to talk to (DBUS_SESSION_BUS_ADDRESS is unset or points nowhere)';
  }
  if (/no result found|locked|prompt|dismissed|denied|not allowed|interaction/i.test(detail)) {
    return 'the keyring is locked (or has no default keyring) and could not be unlocked';
  }
  return 'the platform credential store refused the request';
}

function fixFor(): string {
  switch (process.platform) {
    case 'darwin':
      return 'run Kaavan in your logged-in macOS session with the login keychain unlocked';
    case 'win32':
      return 'run Kaavan as the logged-in Windows user (Credential Manager)';
    default:
      return "run Kaavan inside a desktop session with its keyring unlocked, or on a server start it under a D-Bus session with an unlocked gnome-keyring (dbus-run-session -- sh -c 'printf %s \"$KEYRING_PW\" | gnome-keyring-daemon --unlock --components=secrets; kaavan …')";
  }
}
