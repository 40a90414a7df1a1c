// The command check on this computer and over a real sshd: exit codes, expected output, stderr in
// the message, a command that outlives its timeout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commandCheck } from '../../../../src-main/core/checks/kinds/command.js';
import { makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import type { Host } from '../../../../src-main/core/hosts/host.js';
import { hostVariants } from '../../../helpers/host-variants.js';

type CommandParams = Parameters<typeof commandCheck.probe>[0];

describe.each(hostVariants())('command check ($name)', (variant) => {
  let host: Host;
  beforeAll(async () => {
    host = await variant.setup();
  });
  afterAll(() => variant.teardown());
  const probe = (params: CommandParams, timeoutMs = 10_000) => commandCheck.probe(params, makeProbeContext({ timeoutMs, host }));

  it('is up when the command exits 0', async () => {
    const r = await probe({ command: 'test -d /tmp' });
    expect(r.status).toBe('up');
    expect(r.message).toMatch(/^exited with 0 in \d+(\.\d)? m?s$/);
    expect(r.metrics).toEqual({ exitCode: 0 });
  });

  it('is down on another exit code, with what the command said', async () => {
    const r = await probe({ command: 'echo "backup missing" >&2; exit 4' });
    expect(r).toMatchObject({ status: 'down', message: 'exited with 4 (expected 0): backup missing', metrics: { exitCode: 4 } });
    expect((await probe({ command: 'exit 4', expectExit: 4 })).status).toBe('up');
  });

  it('checks the output against expectOutput', async () => {
    expect((await probe({ command: 'echo "queue depth: 3"', expectOutput: 'depth: [0-9]$' })).status).toBe('up');
    const r = await probe({ command: 'echo "queue depth: 1500"', expectOutput: 'depth: [0-9]$' });
    expect(r).toMatchObject({ status: 'down', message: 'output does not match /depth: [0-9]$/: queue depth: 1500' });
    expect((await probe({ command: 'true', expectOutput: 'x' })).message).toBe('output does not match /x/ (it printed nothing)');
  });

  it('stops a command that outlives the timeout and says so', async () => {
    const r = await probe({ command: 'sleep 5' }, 500);
    expect(r.status).toBe('down');
    expect(r.message).toBe(`timed out after 500 ms (running \`sleep 5\`${variant.name === 'ssh' ? ` on ${host.label}` : ''})`);
  });
});
