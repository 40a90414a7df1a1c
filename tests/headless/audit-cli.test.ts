// `kaavan audit`: the audit log of a data folder (a real SQLite file written by the store), read by
// the CLI's main() in this process: --since, filters, --json, and errors in a person's words.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src-main/headless/cli.js';
import { Store } from '../../src-main/core/store/store.js';
import type { AuditEntry } from '../../src-main/core/model.js';

let dataDir: string;
const now = Date.now();

beforeAll(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'kaavan-audit-cli-'));
  const store = Store.open(join(dataDir, 'kaavan.db'));
  store.audit.record({ at: now - 3 * 86_400_000, actor: 'user', action: 'check.add', subject: 'web1 / homepage', detail: { kind: 'http' } });
  store.audit.record({ at: now - 3_600_000, actor: 'user', action: 'alert.acknowledge', subject: 'web1 / homepage', detail: { alert: 4, note: 'on it' } });
  store.audit.record({ at: now - 60_000, actor: 'engine', action: 'heal', subject: 'web1 / homepage', detail: { result: 'healed', label: 'restart nginx' } });
  store.close();
});

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function run(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main([...args, '--data', dataDir], { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), installGuards: false });
  return { code, stdout, stderr };
}

describe('kaavan audit', () => {
  it('lists the last 24 hours, newest first, one line each', async () => {
    const { code, stdout } = await run(['audit', '--since', '24h']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ {2}engine {2}heal {15}web1 \/ homepage {2}result: healed · label: restart nginx$/);
    expect(lines[1]).toMatch(/ {2}user {4}alert\.acknowledge {2}web1 \/ homepage {2}alert: 4 · note: on it$/);
  });

  it('prints exactly one JSON document with --json, and filters by action and actor', async () => {
    const all = await run(['audit', '--json']);
    expect((JSON.parse(all.stdout) as AuditEntry[]).map((e) => e.action)).toEqual(['heal', 'alert.acknowledge', 'check.add']);
    const alerts = await run(['audit', '--json', '--action', 'alert']);
    expect(JSON.parse(alerts.stdout)).toMatchObject([{ action: 'alert.acknowledge', subject: 'web1 / homepage', detail: { note: 'on it' } }]);
    const engine = await run(['audit', '--json', '--actor', 'engine']);
    expect((JSON.parse(engine.stdout) as AuditEntry[]).map((e) => e.action)).toEqual(['heal']);
  });

  it('says what is wrong with --since, and when nothing matches', async () => {
    const bad = await run(['audit', '--since', 'yesterday']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toBe('kaavan: --since takes a duration like 30m, 24h or 7d, got "yesterday"\n');
    const none = await run(['audit', '--since', '1m', '--action', 'secret']);
    expect(none.stdout).toBe('nothing in the audit log in the last 1m matching the filters\n');
  });
});
