// The command check: runs a shell command line on the target's host (`sh -c`, over SSH under
// `timeout -s KILL` when the server has it, so it never outlives the probe there) and is up when
// it exits with `expectExit` (default 0) and, when `expectOutput` is set, its standard output
// matches that regular expression. Down otherwise, naming the exit code and the first line of what
// it printed (the final newline of the output is not part of the match, so "\d$" means the last
// character printed). Reference: docs/host-checks.md.
import { z } from 'zod';
import { defineCheckKind, type ProbeContext } from '../types.js';
import type { KindForm } from '../form.js';
import type { ProbeOutcome } from '../../model.js';
import { formatMs, roundLatency } from '../probe-support.js';
import { firstLineOf, onHost, regexField, runOnHost, withHostDeadline } from '../../hosts/host-probe.js';

export const commandParamsShape = {
  command: z.string().trim().min(1, 'must not be empty').max(8192, 'must be at most 8192 characters'),
  expectExit: z.number().int('must be a whole number').min(0, 'must be from 0 to 255').max(255, 'must be from 0 to 255').optional(),
  expectOutput: regexField.optional(),
};

type CommandParams = z.infer<z.ZodObject<typeof commandParamsShape>>;

const OUTPUT_KEPT = 256 * 1024;

export async function probeCommand(params: CommandParams, ctx: ProbeContext): Promise<ProbeOutcome> {
  const expectExit = params.expectExit ?? 0;
  return withHostDeadline(ctx, () => `running \`${firstLineOf(params.command, 80)}\`${onHost(ctx)}`, async (deadline) => {
    const result = await runOnHost(ctx, deadline, params.command, { maxOutputBytes: OUTPUT_KEPT });
    const latencyMs = roundLatency(deadline.elapsed());
    const said = firstLineOf(result.stderr) || firstLineOf(result.stdout);
    if (result.exitCode === null) {
      return { status: 'down', latencyMs, message: `the command was killed${result.signal ? ` by ${result.signal}` : ''}${said ? `: ${said}` : ''}` };
    }
    const metrics = { exitCode: result.exitCode };
    if (result.exitCode !== expectExit) {
      return { status: 'down', latencyMs, message: `exited with ${result.exitCode} (expected ${expectExit})${said ? `: ${said}` : ''}`, metrics };
    }
    if (params.expectOutput !== undefined && !new RegExp(params.expectOutput).test(result.stdout.replace(/\r?\n$/, ''))) {
      const out = firstLineOf(result.stdout);
      return { status: 'down', latencyMs, message: `output does not match /${params.expectOutput}/${out ? `: ${out}` : ' (it printed nothing)'}`, metrics };
    }
    return { status: 'up', latencyMs, message: `exited with ${result.exitCode} in ${formatMs(latencyMs)}`, metrics };
  });
}

/** The kind's form in the UI (one field per config field; docs/checks.md has the same list). */
const commandForm: KindForm = {
    fields: [
      { path: 'command', label: 'Command', type: 'text', required: true, mono: true, multiline: true, placeholder: 'systemctl is-active nginx', help: 'Run with sh on the target’s host.' },
      { path: 'expectExit', label: 'Expected exit code', type: 'number', section: 'Expectations', placeholder: '0', default: 0 },
      { path: 'expectOutput', label: 'Output must match', type: 'text', section: 'Expectations', mono: true, placeholder: '^active$', help: 'A regular expression tested against the output.' },
    ],
  };

export const commandCheck = defineCheckKind({
  kind: 'command',
  title: 'Command',
  paramsShape: commandParamsShape,
  form: commandForm,
  describe: (p) => `$ ${firstLineOf(p.command, 60)}`,
  probe: (params, ctx) => probeCommand(params, ctx),
});
