// Self-healing wired into the running core: a real web service in its own process on 127.0.0.1,
// killed by the test; the check's `heal:` command (run through the engine's host of the check)
// restarts it. The recovery notice names the heal; the breaker opens after repeated failed heals
// and is still open after Kaavan restarts on the same data folder; every attempt is audited and on
// the alert's timeline; over SSH, the command runs on the target's host (a real sshd on 127.0.0.1).
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createKaavan, type KaavanRuntime } from '../../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../../src-main/core/config/file-config-store.js';
import { createSecretStore, envVarName } from '../../../src-main/core/secrets/secrets.js';
import { makeClientKey, sshdUnavailableReason, startSshd } from '../../helpers/sshd.js';
import { localHost } from '../../../src-main/core/hosts/local-host.js';
import { closedPort } from '../../helpers/test-servers.js';
import { silentLogger } from '../../../src-main/core/log/logger.js';
import { RecordingChannel, waitFor } from '../../helpers/core-harness.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SERVICE = `import http from 'node:http';
import { writeFileSync } from 'node:fs';
const [port, pidFile] = process.argv.slice(2);
http.createServer((_q, s) => s.end('ok')).listen(Number(port), '127.0.0.1', () => writeFileSync(pidFile, String(process.pid)));
`;

async function webService(dir: string) {
  const script = join(dir, 'service.mjs');
  const pidFile = join(dir, 'service.pid');
  writeFileSync(script, SERVICE);
  const port = await closedPort();
  const restart = `rm -f '${pidFile}'; nohup '${process.execPath}' '${script}' ${port} '${pidFile}' >/dev/null 2>&1 &`;
  const kill = () => {
    if (!existsSync(pidFile)) return;
    try {
      process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGKILL');
    } catch {
      /* already gone */
    }
    rmSync(pidFile, { force: true });
  };
  cleanups.push(kill);
  return { port, restart, kill };
}

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-healrt-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function boot(dir: string, yaml: string, channel: RecordingChannel, env: Record<string, string> = {}): Promise<KaavanRuntime> {
  const configFile = join(dir, 'kaavan.yaml');
  writeFileSync(configFile, yaml);
  const rt = await createKaavan({
    configStore: new FileConfigStore(configFile),
    dataDir: join(dir, 'data'),
    mode: 'headless',
    channels: [channel],
    secrets: createSecretStore({ backend: null, env }),
    logger: silentLogger,
  });
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await rt.stop();
  };
  cleanups.push(stop);
  await rt.start();
  return { ...rt, stop };
}

const checkYaml = (port: number, heal: string) => `version: 1
targets:
  - name: web1
    checks:
      - { name: homepage, kind: http, url: "http://127.0.0.1:${port}/", interval: 1s, timeout: 900ms, retries: 1, heal: ${heal} }
`;

describe('self-healing in the running engine', () => {
  it('restarts a killed service with the heal command; the recovery says "recovered after …"; audited and on the alert', async () => {
    const dir = workspace();
    const service = await webService(dir);
    await localHost.exec(service.restart);
    const channel = new RecordingChannel();
    const rt = await boot(dir, checkYaml(service.port, `{ command: "${service.restart.replace(/"/g, '\\"')}", label: "restart web", verifyAfter: 2s, cooldown: 0s }`), channel);
    const status = async () => (await rt.service.overview()).targets[0]?.checks[0]?.status;
    await waitFor(async () => (await status()) === 'up');

    service.kill();
    const recovered = await waitFor(() => channel.notices.find((n) => n.kind === 'recovered'), 30_000);
    expect(recovered.body).toMatch(/^Recovered after 'restart web'; down for .+$/);
    expect(channel.notices.map((n) => n.kind)).toEqual(['opened', 'recovered']);

    // The heal's outcome is recorded once its verification probe has run.
    const audit = await waitFor(async () => {
      const rows = await rt.service.searchAudit({ action: 'heal' });
      return rows.length > 0 ? rows : null;
    });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'engine', action: 'heal', subject: 'web1 / homepage', detail: { result: 'healed', label: 'restart web', attempt: 1, exitCode: 0, breaker: 'closed' } });

    const { events } = await rt.service.alertDetail({ id: recovered.alert.id });
    expect(events.map((e) => e.type)).toEqual(['opened', 'heal', 'resolved']);
    expect(events[1]!.message).toBe("heal 1/3: ran 'restart web' on this computer (exit 0); the check is up again");
  }, 60_000);

  it('the breaker opens after repeated failed heals, survives a restart, and an unhelped recovery is "by itself"', async () => {
    const dir = workspace();
    const service = await webService(dir);
    await localHost.exec(service.restart);
    const yaml = checkYaml(service.port, '{ command: "echo no such unit >&2; exit 5", label: "restart missing unit", verifyAfter: 0s, cooldown: 0s, maxAttempts: 5, breaker: { failures: 2, window: 1h, openFor: 1h } }');
    const channel = new RecordingChannel();
    let rt = await boot(dir, yaml, channel);
    await waitFor(async () => (await rt.service.overview()).targets[0]?.checks[0]?.status === 'up');

    service.kill();
    // Two failed heals open the breaker: no third one while it is open.
    const rows = await waitFor(async () => {
      const r = await rt.service.searchAudit({ action: 'heal' });
      return r.length >= 2 ? r.reverse() : null;
    }, 30_000);
    expect(rows.map((r) => [r.detail.result, r.detail.breaker])).toEqual([['failed', 'closed'], ['failed', 'open']]);
    expect(String(rows[0]!.detail.message)).toBe("heal 1/5: ran 'restart missing unit' on this computer (exit 5): no such unit; the heal failed");
    expect(String(rows[1]!.detail.message)).toContain('circuit breaker open for 60 min');
    expect((await rt.service.healStatus())[0]).toMatchObject({ target: 'web1', check: 'homepage', action: 'echo no such unit >&2; exit 5', breaker: { phase: 'open', threshold: 2 } });

    // Restart Kaavan on the same data folder: the breaker is still open.
    await rt.stop();
    rt = await boot(dir, yaml, channel);
    expect((await rt.service.healStatus())[0]).toMatchObject({ breaker: { phase: 'open' }, attemptsThisOutage: 2 });

    // The service comes back without Kaavan's help: "recovered by itself".
    await localHost.exec(service.restart);
    const recovered = await waitFor(() => channel.notices.find((n) => n.kind === 'recovered'), 30_000);
    expect(recovered.body).toMatch(/^Recovered by itself \(2 heal attempts did not help\); down for .+$/);

    // A new outage while the breaker is open: nothing runs, the alert says why.
    service.kill();
    const second = await waitFor(async () => {
      const open = (await rt.service.listAlerts({ state: 'active' }))[0];
      if (!open) return null;
      const { events } = await rt.service.alertDetail({ id: open.id });
      return events.find((e) => e.type === 'heal');
    }, 30_000);
    expect(second.message).toMatch(/^not healing: the circuit breaker is open until/);
    const all = await rt.service.searchAudit({ action: 'heal' });
    expect(all.map((r) => r.detail.result)).toEqual(['skipped', 'failed', 'failed']);
    expect(String(all[0]!.detail.message)).toMatch(/^not healing: the circuit breaker is open until \d\d:\d\d:\d\d UTC after 2 failed heals$/);
  }, 90_000);
});

describe.skipIf(sshdUnavailableReason() !== null)('self-healing over SSH', () => {
  it("runs the heal command on the target's SSH host (a real sshd on 127.0.0.1)", async () => {
    const dir = workspace();
    const service = await webService(dir);
    await localHost.exec(service.restart);
    const key = makeClientKey();
    const sshd = await startSshd({ authorizedKeys: [key.publicKey] });
    cleanups.push(() => sshd.stop());
    const channel = new RecordingChannel();
    const yaml = `version: 1
targets:
  - name: web1
    ssh: { host: 127.0.0.1, port: ${sshd.port}, user: root, keyRef: web1-key, hostKey: "${sshd.hostKeyFingerprint}" }
    checks:
      - { name: homepage, kind: http, url: "http://127.0.0.1:${service.port}/", interval: 1s, timeout: 900ms, retries: 1, heal: { command: "${service.restart.replace(/"/g, '\\"')}", label: "restart web", verifyAfter: 2s, cooldown: 0s } }
`;
    const rt = await boot(dir, yaml, channel, { [envVarName('web1-key')]: key.privateKey });
    await waitFor(async () => (await rt.service.overview()).targets[0]?.checks[0]?.status === 'up');

    service.kill();
    const recovered = await waitFor(() => channel.notices.find((n) => n.kind === 'recovered'), 40_000);
    expect(recovered.body).toMatch(/^Recovered after 'restart web'; down for .+$/);
    const [row] = await waitFor(async () => {
      const rows = await rt.service.searchAudit({ action: 'heal' });
      return rows.length > 0 ? rows : null;
    });
    // Ran over SSH, as root on the sshd's port, not on "this computer".
    expect(row!.detail).toMatchObject({ result: 'healed', kind: 'command', exitCode: 0, host: `root@127.0.0.1:${sshd.port}` });
  }, 90_000);
});
