// A real PostgreSQL server for tests (DESIGN §5): initdb into a temporary folder with scram-sha-256
// and a known password, pg_ctl start on 127.0.0.1 and a free port, stop with pg_ctl -m fast.
// Debian: postgresql (15). Runs the server as the postgres user (initdb refuses root).
import { execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const BIN = '/usr/lib/postgresql/15/bin';

export function postgresUnavailableReason(): string | null {
  if (!existsSync(`${BIN}/initdb`)) return 'PostgreSQL 15 is not installed (apt-get install -y postgresql)';
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the PostgreSQL tests start the server as the postgres user and need root';
  return null;
}

export interface TestPostgres {
  port: number;
  password: string;
  sql(statement: string): void;
  start(): void;
  stop(): void;
  remove(): void;
}

function ids(): { uid: number; gid: number } {
  return { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) };
}

export async function startPostgres(password = 'pg-test-pw'): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-pg-'));
  const { uid, gid } = ids();
  chownSync(dir, uid, gid);
  writeFileSync(join(dir, 'pw'), password);
  chownSync(join(dir, 'pw'), uid, gid);
  const asPostgres = (cmd: string, args: string[]) => execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PGPASSWORD: password } });
  asPostgres(`${BIN}/initdb`, ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=scram-sha-256', `--pwfile=${join(dir, 'pw')}`]);
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  const pg: TestPostgres = {
    port,
    password,
    start: () => void asPostgres(`${BIN}/pg_ctl`, ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=20`, '-w', 'start']),
    stop: () => void asPostgres(`${BIN}/pg_ctl`, ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop']),
    sql: (statement) => void asPostgres(`${BIN}/psql`, ['-h', dir, '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', statement]),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  pg.start();
  return pg;
}
