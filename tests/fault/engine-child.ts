// A real Kaavan engine in its own process, for fault injection: the parent test kills it with
// SIGKILL at a chosen step (FAULT_KILL_AT) and starts it again on the same data folder.
// Notices go to an HTTP receiver (RECEIVER_URL) with the outbox's idempotency key, like a webhook.
import { createKaavan } from '../../src-main/core/kaavan.js';
import { FileConfigStore } from '../../src-main/core/config/file-config-store.js';
import { AlertsRepo } from '../../src-main/core/store/alerts-repo.js';
import { OutboxRepo } from '../../src-main/core/store/outbox-repo.js';
import { RollupsRepo } from '../../src-main/core/store/rollups-repo.js';
import { silentLogger } from '../../src-main/core/log/logger.js';
import type { AlertChannel } from '../../src-main/core/alerts/channel.js';

const killAt = process.env.FAULT_KILL_AT ?? '';
const die = (): never => {
  process.stdout.write(`killed at ${killAt}\n`);
  process.kill(process.pid, 'SIGKILL');
  throw new Error('unreachable');
};

// Kill points. Each replaces one step of the real code path with "die here".
if (killAt === 'inside-probe-transaction') {
  // After the result and roll-ups are written but before the alert: the transaction never commits.
  const open = AlertsRepo.prototype.open;
  AlertsRepo.prototype.open = function (...args) {
    die();
    return open.apply(this, args);
  };
}
if (killAt === 'between-result-and-state') {
  const add = RollupsRepo.prototype.add;
  RollupsRepo.prototype.add = function (...args) {
    add.apply(this, args);
    die();
  };
}
if (killAt === 'after-delivery-before-recording') {
  OutboxRepo.prototype.markDelivered = function () {
    die();
  };
}

const webhook: AlertChannel = {
  name: 'webhook',
  accepts: () => true,
  async deliver(notice, ctx) {
    if (killAt === 'before-delivery') die();
    const res = await fetch(process.env.RECEIVER_URL!, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': ctx.idempotencyKey },
      body: JSON.stringify({ kind: notice.kind, alertId: notice.alert.id, title: notice.title }),
      signal: ctx.signal,
    });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
  },
};

const runtime = await createKaavan({
  configStore: new FileConfigStore(process.env.CONFIG_FILE!),
  dataDir: process.env.DATA_DIR!,
  mode: 'headless',
  channels: [webhook],
  logger: silentLogger,
  backoffMs: [200, 200, 200, 200],
});
await runtime.start();
process.stdout.write('started\n');
// The engine's timers do not hold the process open (as in the app); the harness does.
const keepAlive = setInterval(() => undefined, 1 << 30);
process.on('SIGTERM', () => {
  clearInterval(keepAlive);
  void runtime.stop().then(() => process.exit(0));
});
