// The dashboard's access token for `kaavan serve`. It is kept in the data folder (mode 0600) so a
// restart keeps open tabs and bookmarked links working; `--new-token` replaces it (every open tab
// then has to open the new link), and KAAVAN_TOKEN overrides it without touching the file.
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const TOKEN_FILE_NAME = 'serve-token';

/** Shortest token accepted from KAAVAN_TOKEN: anything shorter can be guessed from a web page. */
export const MIN_TOKEN_LENGTH = 16;

/** Where the token in use came from, for the line `serve` prints. */
export type TokenSource = 'environment' | 'file' | 'created' | 'rotated';

export interface ServeToken {
  token: string;
  source: TokenSource;
  /** The file it is kept in (null when it came from the environment). */
  file: string | null;
}

export class TokenError extends Error {}

export function tokenFile(dataDir: string): string {
  return join(dataDir, TOKEN_FILE_NAME);
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** A token may hold only URL-safe characters: it travels in a URL fragment and a query string. */
export function checkTokenText(token: string, where: string): string {
  if (token.length < MIN_TOKEN_LENGTH) throw new TokenError(`${where} must be at least ${MIN_TOKEN_LENGTH} characters long`);
  if (!/^[A-Za-z0-9._~-]+$/.test(token)) throw new TokenError(`${where} may hold only letters, digits and . _ ~ -`);
  return token;
}

/**
 * The token `serve` uses: KAAVAN_TOKEN when set (the file is left alone); otherwise the one in
 * <data>/serve-token, created on first use and replaced when `rotate` is true.
 */
export async function loadServeToken(dataDir: string, options: { env?: NodeJS.ProcessEnv; rotate?: boolean } = {}): Promise<ServeToken> {
  const fromEnv = options.env?.KAAVAN_TOKEN;
  if (fromEnv) {
    if (options.rotate) throw new TokenError('--new-token cannot replace a token given in KAAVAN_TOKEN; unset it or change its value');
    return { token: checkTokenText(fromEnv.trim(), 'KAAVAN_TOKEN'), source: 'environment', file: null };
  }
  const file = tokenFile(dataDir);
  if (!options.rotate) {
    const existing = await readTokenFile(file);
    if (existing !== null) return { token: existing, source: 'file', file };
  }
  const existed = options.rotate ? await exists(file) : false;
  const token = newToken();
  await writeTokenFile(dataDir, file, token);
  return { token, source: existed ? 'rotated' : 'created', file };
}

/** The token in the file, or null when there is none (or it is empty or damaged: a new one is made). */
async function readTokenFile(file: string): Promise<string | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    throw new TokenError(`cannot read the dashboard token ${file}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message}`);
  }
  const token = text.trim();
  try {
    checkTokenText(token, 'the token file');
  } catch {
    return null;
  }
  // Someone widened the permissions: the token is as good as a password, so narrow them back.
  const info = await stat(file);
  if ((info.mode & 0o077) !== 0) await chmod(file, 0o600).catch(() => undefined);
  return token;
}

/** Writes the token atomically with mode 0600 from the start (never readable by others, even briefly). */
async function writeTokenFile(dataDir: string, file: string, token: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${token}\n`, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw new TokenError(`cannot write the dashboard token ${file}: ${(error as Error).message}`);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch {
    return false;
  }
}
