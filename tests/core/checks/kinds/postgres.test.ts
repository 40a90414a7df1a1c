// The postgres check against a real PostgreSQL 15 started by the test: up with latency and
// connection usage, tables that must exist, a wrong password, a missing database, a stopped server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresCheck } from '../../../../src-main/core/checks/kinds/postgres.js';
import { makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import { postgresUnavailableReason, startPostgres, type TestPostgres } from '../../../helpers/postgres.js';
import { secretsFrom } from '../../../helpers/sshd.js';

type PgParams = Parameters<typeof postgresCheck.probe>[0];
const unavailable = postgresUnavailableReason();
if (unavailable) console.warn(`skipping postgres check tests: ${unavailable}`);

describe.skipIf(unavailable !== null)('postgres check against PostgreSQL 15', () => {
  let server: TestPostgres;
  beforeAll(async () => {
    server = await startPostgres();
    server.sql('CREATE TABLE orders (id int); CREATE SCHEMA billing; CREATE TABLE billing.invoices (id int);');
  }, 60_000);
  afterAll(() => {
    try {
      server?.stop();
    } catch {
      // already stopped by a test
    }
    server?.remove();
  });
  const secrets = () => secretsFrom({ 'pg-pw': server.password, 'bad-pw': 'nope' });
  const probe = (params: Partial<PgParams>) =>
    postgresCheck.probe({ host: '127.0.0.1', port: server.port, user: 'postgres', passwordRef: 'pg-pw', ...params } as PgParams, makeProbeContext({ timeoutMs: 5000, secrets: secrets() }));

  it('is up with the SELECT 1 time and connection usage, and finds the tables', async () => {
    const r = await probe({ tables: ['orders', 'billing.invoices'] });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^SELECT 1 in \d+(\.\d)? ms; \d+ of 20 connections in use \(\d+(\.\d)?%\)$/);
    expect(r.metrics).toMatchObject({ maxConnections: 20 });
    expect(r.metrics!.connections).toBeGreaterThanOrEqual(1);
  });

  it('is down naming the tables that are missing', async () => {
    const r = await probe({ tables: ['orders', 'shipments', 'billing.refunds'] });
    expect(r).toMatchObject({ status: 'down', message: `missing tables shipments, billing.refunds in postgres on 127.0.0.1:${server.port}` });
  });

  it('is degraded when connection usage passes warnUsage', async () => {
    const r = await probe({ warnUsage: '1%' });
    expect(r.status).toBe('degraded');
    expect(r.message).toMatch(/\(warning at 1%\)$/);
  });

  it('says the password is wrong, the database is missing, or the secret is not set', async () => {
    expect((await probe({ passwordRef: 'bad-pw' })).message).toBe(`authentication failed for postgres@127.0.0.1:${server.port} (password bad-pw)`);
    expect((await probe({ database: 'nowhere' })).message).toBe(`database "nowhere" does not exist on 127.0.0.1:${server.port}`);
    expect((await probe({ passwordRef: 'unset' })).message).toBe('the secret "unset" (passwordRef) is not set; store it with `kaavan secret set unset`');
  });

  it('says the server refused the connection once it is stopped', async () => {
    server.stop();
    const r = await probe({});
    expect(r).toMatchObject({ status: 'down', message: `connection refused by 127.0.0.1:${server.port} (ECONNREFUSED)` });
    server.start();
    expect((await probe({})).status).toBe('up');
  }, 30_000);
});
