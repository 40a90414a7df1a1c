// Self-healing against real processes: a local HTTP service (a child Node process on 127.0.0.1)
// that the test kills; the heal command restarts it through LocalHost; the breaker opens after
// repeated failed heals; audit entries are written to a real SQLite store and read back.
// The guards' clock (cooldown, breaker) is explicit; commands and probes are real.
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { localHost } from '../../../src-main/core/hosts/local-host.js';
import { Store } from '../../../src-main/core/store/store.js';
import { createSecretStore, envVarName } from '../../../src-main/core/secrets/secrets.js';
import { healSchema, resolveHeal } from '../../../src-main/core/healing/heal-config.js';
import { healDecision, initialHealState, parseHealState, recoveryAttribution, runHeal, type HealRunContext, type HealState } from '../../../src-main/core/healing/heal-runner.js';
import { closedPort, startHttpServer } from '../../helpers/test-servers.js';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SERVICE = `import http from 'node:http';
import { writeFileSync } from 'node:fs';
const [port, pidFile] = process.argv.slice(2);
http.createServer((_q, s) => s.end('ok')).listen(Number(port), '127.0.0.1', () => writeFileSync(pidFile, String(process.pid)));
`;

/** A web service in its own process, with the shell command that (re)starts it. */
async function webService() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-heal-'));
  const script = join(dir, 'service.mjs');
  const pidFile = join(dir, 'service.pid');
  writeFileSync(script, SERVICE);
  const port = await closedPort();
  const restart = `rm -f '${pidFile}'; nohup '${process.execPath}' '${script}' ${port} '${pidFile}' >/dev/null 2>&1 &`;
  const pid = () => (existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8')) : null);
  const kill = () => {
    const p = pid();
    if (p) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  };
  cleanups.push(() => {
    kill();
    rmSync(dir, { recursive: true, force: true });
  });
  const url = `http://127.0.0.1:${port}/`;
  const isUp = async (budgetMs = 1500, signal?: AbortSignal) => {
    const end = Date.now() + budgetMs;
    for (;;) {
      try {
        if ((await fetch(url, { signal })).ok) return true;
      } catch {
        /* not listening (yet) */
      }
      if (Date.now() > end || signal?.aborted) return false;
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { restart, kill, isUp, pid, dir };
}

function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'kaavan-heal-db-'));
  const store = Store.open(join(dir, 'kaavan.db'));
  cleanups.push(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

const subject = { checkId: 7, target: 'web1', check: 'homepage' };
const DOWN_SINCE = Date.UTC(2026, 10, 23, 12);

function context(clock: { now: number }, verify: HealRunContext['verify'], secrets = createSecretStore({ backend: null, env: {} })): HealRunContext {
  return { subject, host: localHost, secrets, now: () => clock.now, verify };
}

describe('self-healing', () => {
  it('restarts a killed service with the heal command; the recovery names the heal; audit recorded', async () => {
    const service = await webService();
    await localHost.exec(service.restart);
    expect(await service.isUp(5000)).toBe(true);
    service.kill();
    expect(await service.isUp(0)).toBe(false);

    const heal = resolveHeal(healSchema.parse({ command: service.restart, label: 'restart web', verifyAfter: '0s' }));
    const clock = { now: DOWN_SINCE + 60_000 };
    const store = tempStore();
    const outcome = await runHeal(heal, initialHealState(), DOWN_SINCE, context(clock, (signal) => service.isUp(5000, signal)));
    expect(outcome.result).toBe('healed');
    expect(outcome.message).toBe("heal 1/3: ran 'restart web' on this computer (exit 0); the check is up again");
    expect(await service.isUp(0)).toBe(true);

    store.audit.record(outcome.audit!);
    const [row] = store.audit.list(10);
    expect(row).toMatchObject({ actor: 'engine', action: 'heal', subject: 'web1 / homepage', detail: { result: 'healed', label: 'restart web', attempt: 1, exitCode: 0, breaker: 'closed' } });

    // Persisted as JSON between runs, then the check recovers.
    const saved = parseHealState(JSON.parse(JSON.stringify(outcome.state)));
    expect(recoveryAttribution(saved)).toEqual({ text: "recovered after 'restart web'", state: { ...saved, outage: null } });
  });

  it('without a heal that helped, the recovery is "by itself"', () => {
    expect(recoveryAttribution(initialHealState()).text).toBe('recovered by itself');
    const tried: HealState = { ...initialHealState(), outage: { downSince: DOWN_SINCE, attempts: 2, healedBy: null } };
    expect(recoveryAttribution(tried).text).toBe('recovered by itself (2 heal attempts did not help)');
  });

  it('the breaker opens after repeated failed heals, refuses while open, and closes after a successful trial', async () => {
    const service = await webService();
    // A heal that exits 0 but fixes nothing, one that fails outright, then the real restart.
    const useless = resolveHeal(healSchema.parse({ command: 'true', label: 'noop', cooldown: '0s', verifyAfter: '0s', maxAttempts: 10, breaker: { failures: 3, window: '1h', openFor: '30m' } }));
    const failing = resolveHeal(healSchema.parse({ command: 'echo "unit web.service not found" >&2; exit 5', label: 'restart missing unit', cooldown: '0s', verifyAfter: '0s', maxAttempts: 10, breaker: { failures: 3, window: '1h', openFor: '30m' } }));
    const real = resolveHeal(healSchema.parse({ command: service.restart, label: 'restart web', cooldown: '0s', verifyAfter: '0s', maxAttempts: 10, breaker: { failures: 3, window: '1h', openFor: '30m' } }));
    const store = tempStore();
    const clock = { now: DOWN_SINCE };
    const verify = (signal: AbortSignal) => service.isUp(1500, signal);
    let state = initialHealState();

    const results: string[] = [];
    for (const heal of [useless, failing, useless]) {
      clock.now += 60_000;
      const o = await runHeal(heal, state, DOWN_SINCE, context(clock, verify));
      state = parseHealState(JSON.parse(JSON.stringify(o.state)));
      store.audit.record(o.audit!);
      results.push(o.result);
      if (heal === failing) expect(o.message).toBe("heal 2/10: ran 'restart missing unit' on this computer (exit 5): unit web.service not found; the heal failed");
    }
    expect(results).toEqual(['not-healed', 'failed', 'not-healed']);
    expect(state.breaker.phase).toBe('open');

    clock.now += 10 * 60_000;
    const refused = await runHeal(real, state, DOWN_SINCE, context(clock, verify));
    expect(refused.result).toBe('skipped');
    expect(refused.message).toMatch(/^not healing: the circuit breaker is open until \d\d:\d\d:\d\d UTC after 3 failed heals$/);
    expect(refused.audit).toBeNull();
    expect(await service.isUp(0)).toBe(false); // nothing ran

    clock.now += 30 * 60_000; // open period over: one trial
    const trial = await runHeal(real, refused.state, DOWN_SINCE, context(clock, verify));
    expect(trial.result).toBe('healed');
    expect(trial.state.breaker.phase).toBe('closed');
    store.audit.record(trial.audit!);

    const rows = store.audit.list(10).reverse();
    expect(rows.map((r) => [r.detail.result, r.detail.label, r.detail.breaker])).toEqual([
      ['not-healed', 'noop', 'closed'],
      ['failed', 'restart missing unit', 'closed'],
      ['not-healed', 'noop', 'open'],
      ['healed', 'restart web', 'closed'],
    ]);
    expect(rows[2]!.detail.message).toContain('circuit breaker open for 30 min');
  });

  it('guards: at most maxAttempts per outage and a cooldown between heals (pure decision)', () => {
    const heal = resolveHeal(healSchema.parse({ command: 'x', maxAttempts: 2, cooldown: '5m' }));
    let state = initialHealState();
    const t0 = DOWN_SINCE;
    let d = healDecision(heal, state, DOWN_SINCE, t0);
    expect(d).toMatchObject({ run: true, attempt: 1 });
    state = d.state;
    d = healDecision(heal, state, DOWN_SINCE, t0 + 60_000);
    expect(d).toMatchObject({ run: false, reason: 'not healing: cooling down until 12:05:00 UTC' });
    d = healDecision(heal, state, DOWN_SINCE, t0 + 5 * 60_000);
    expect(d).toMatchObject({ run: true, attempt: 2 });
    state = d.state;
    expect(healDecision(heal, state, DOWN_SINCE, t0 + 60 * 60_000)).toMatchObject({ run: false, reason: 'not healing: all 2 attempts for this outage are used' });
    // A new outage starts counting again.
    expect(healDecision(heal, state, DOWN_SINCE + 2 * 3_600_000, t0 + 3 * 3_600_000)).toMatchObject({ run: true, attempt: 1 });
  });

  it('a command that hangs is stopped at its timeout and counts as failed', async () => {
    const heal = resolveHeal(healSchema.parse({ command: 'exec sleep 30', timeout: '1s', verifyAfter: '0s' }));
    const o = await runHeal(heal, initialHealState(), DOWN_SINCE, context({ now: DOWN_SINCE }, async () => true));
    expect(o.result).toBe('failed');
    expect(o.message).toBe("heal 1/3: 'exec sleep 30' on this computer did not finish within 1 s and was stopped; the heal failed");
  });

  it('a heal webhook gets an Idempotency-Key per attempt; its URL (a secret) appears nowhere in the outcome', async () => {
    const seen: http.IncomingHttpHeaders[] = [];
    const bodies: unknown[] = [];
    const receiver = await startHttpServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      seen.push(req.headers);
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      res.writeHead(202);
      res.end('queued');
    });
    const token = 'heal-token-4711';
    const secrets = createSecretStore({ backend: null, env: { [envVarName('heal-hook')]: receiver.url(`/deploy/${token}`) } });
    const heal = resolveHeal(healSchema.parse({ webhook: { urlRef: 'heal-hook' }, label: 'redeploy', verifyAfter: '0s' }));
    const o = await runHeal(heal, initialHealState(), DOWN_SINCE, context({ now: DOWN_SINCE }, async () => true, secrets));
    expect(o.result).toBe('healed');
    expect(o.message).toBe(`heal 1/3: heal webhook 'redeploy': HTTP 202 from 127.0.0.1:${receiver.port}: queued; the check is up again`);
    expect(seen[0]!['idempotency-key']).toBe(`heal:7:${DOWN_SINCE}:1`);
    expect(bodies[0]).toEqual({ target: 'web1', check: 'homepage', action: 'redeploy', attempt: 1, down_since: '2026-11-23T12:00:00.000Z' });
    expect(JSON.stringify(o)).not.toContain(token);
  });

  it('config: exactly one of command or webhook', () => {
    const r = healSchema.safeParse({ label: 'x' });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.message).toBe('needs a command (run on the check\'s host, e.g. "systemctl restart nginx") or webhook: { urlRef: NAME }');
  });
});
