// The system check on this computer and over a real sshd: figures agree with Node's os module on
// the same machine, thresholds turn them degraded/down, and the CPU figure uses the stored sample.
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { judgeSystem, parseMeminfo, parseProcStatCpu, systemCheck } from '../../../../src-main/core/checks/kinds/system.js';
import { inMemoryCheckMemory, makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import type { Host } from '../../../../src-main/core/hosts/host.js';
import { hostVariants } from '../../../helpers/host-variants.js';

type SystemParams = Parameters<typeof systemCheck.probe>[0];

describe.each(hostVariants())('system check ($name)', (variant) => {
  let host: Host;
  beforeAll(async () => {
    host = await variant.setup();
  });
  afterAll(() => variant.teardown());
  const memory = inMemoryCheckMemory();
  const probe = (params: SystemParams = {}) => systemCheck.probe(params, makeProbeContext({ timeoutMs: 10_000, host, memory }));

  it('reports CPU, memory, load per core as this machine has them', async () => {
    const r = await probe({ cpu: { warn: 100, critical: 100 }, load: { warn: 1000, critical: 1000 }, memory: { warn: 100, critical: 100 }, swap: { warn: 100, critical: 100 } });
    // (Status is not asserted: CPU may really be at 100% on a busy test machine.)
    expect(r.metrics!.cores).toBe(os.cpus().length);
    expect(r.metrics!.loadPerCore).toBeCloseTo(os.loadavg()[0]! / os.cpus().length, 0);
    expect(r.metrics!.cpuPercent).toBeGreaterThanOrEqual(0);
    expect(r.metrics!.cpuPercent).toBeLessThanOrEqual(100);
    expect(r.message).toMatch(/^CPU \d+(\.\d)?%, memory \d+(\.\d)?% \(.+ of .+\)(, swap \d+(\.\d)?%)?, load \d+(\.\d+)? per core \(\d+ cores?\)/);
    // The next probe averages CPU since this one, from the sample kept in memory.
    expect(memory.get<{ total: number }>('cpu')!.total).toBeGreaterThan(0);
    const again = await probe();
    expect(again.metrics!.cpuPercent).toEqual(expect.any(Number));
  });

  it('turns degraded at warn and down at critical, naming the threshold', async () => {
    const calm = { cpu: { warn: 100, critical: 100 }, swap: { warn: 100, critical: 100 }, load: { warn: 1000, critical: 1000 } };
    const degraded = await probe({ ...calm, memory: { warn: 0, critical: 100 } });
    expect(degraded.message).toMatch(/memory \d+(\.\d)?% \(.+\) \(warning at 0%\)/);
    if (degraded.metrics!.cpuPercent! < 100) expect(degraded.status).toBe('degraded');
    const down = await probe({ ...calm, memory: { warn: 0, critical: '0%' } });
    expect(down.status).toBe('down');
    expect(down.message).toContain('(critical at 0%)');
  });
});

describe('system check parts', () => {
  it('reads /proc/stat and /proc/meminfo', () => {
    expect(parseProcStatCpu('cpu  100 0 50 800 50 0 0 0 0 0')).toEqual({ busy: 150, total: 1000 });
    expect(parseMeminfo('MemTotal:        8000 kB\nHugePages_Total:       0\n')).toEqual({ MemTotal: 8_192_000, HugePages_Total: 0 });
  });

  it('judges swap and load per core, and shows a temperature', () => {
    const figures = { cpuPercent: 10, memoryPercent: 40, memoryUsedBytes: 4 * 1024 ** 3, memoryTotalBytes: 10 * 1024 ** 3, swapPercent: 85, load1: 9, cores: 2, temperatureC: 71.5 };
    const r = judgeSystem(figures, {});
    expect(r.status).toBe('down');
    expect(r.message).toBe('CPU 10%, memory 40% (4.0 GB of 10.0 GB), swap 85% (critical at 80%), load 4.5 per core (2 cores) (critical at 4 per core), 72 °C');
  });
});
