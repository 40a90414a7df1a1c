// The files check on this computer and over a real sshd: a baseline, then modified, missing and new
// files (the test changes them), touched-but-identical files, globs and excludes, odd names,
// accepting the current state, and a 100,000-file tree that leaves the event loop free.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acceptBaseline, fileSelector, filesCheck, globToRegExp, type FilesParams } from '../../../../src-main/core/checks/kinds/files.js';
import { inMemoryCheckMemory, makeProbeContext } from '../../../../src-main/core/checks/probe-context.js';
import type { CheckMemory } from '../../../../src-main/core/checks/types.js';
import type { Host } from '../../../../src-main/core/hosts/host.js';
import { localHost } from '../../../../src-main/core/hosts/local-host.js';
import { hostVariants } from '../../../helpers/host-variants.js';

describe.each(hostVariants())('files check ($name)', (variant) => {
  let host: Host;
  let root: string;
  let dir: string;
  let memory: CheckMemory;
  beforeAll(async () => {
    host = await variant.setup();
    root = mkdtempSync(join(tmpdir(), 'kaavan-files-'));
  });
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
    await variant.teardown();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(root, "tree o'q $x "));
    memory = inMemoryCheckMemory();
    mkdirSync(join(dir, 'conf'));
    mkdirSync(join(dir, 'data', 'cache'), { recursive: true });
    writeFileSync(join(dir, 'conf', 'a.conf'), 'alpha\n');
    writeFileSync(join(dir, 'conf', 'b.conf'), 'bravo\n');
    writeFileSync(join(dir, 'conf', 'b.conf.swp'), 'swap');
    writeFileSync(join(dir, 'conf', 'notes.txt'), 'notes');
    writeFileSync(join(dir, 'data', 'rows.db'), 'rows');
    writeFileSync(join(dir, 'data', 'cache', 'tmp.bin'), 'tmp');
    writeFileSync(join(dir, 'data', 'line\nbreak and \\ slash'), 'odd');
  });
  const probe = (params: FilesParams) => filesCheck.probe(params, makeProbeContext({ timeoutMs: 20_000, host, memory }));

  it('records a baseline, then reports modified, missing and new files by name and count', async () => {
    const params = { paths: [dir] };
    const first = await probe(params);
    expect(first).toMatchObject({ status: 'up', message: 'baseline recorded: 7 files', metrics: { files: 7 } });
    expect((await probe(params)).message).toBe('7 files unchanged since the baseline');

    writeFileSync(join(dir, 'conf', 'a.conf'), 'ALPHA\n'); // same size, new content: found by hashing
    appendFileSync(join(dir, 'conf', 'b.conf'), 'more\n'); // new size: found without hashing
    rmSync(join(dir, 'data', 'rows.db'));
    writeFileSync(join(dir, 'data', 'new.txt'), 'new');
    const r = await probe(params);
    expect(r.status).toBe('down');
    expect(r.message).toBe(
      `4 files changed since the baseline: modified 2 (${dir}/conf/a.conf, ${dir}/conf/b.conf); missing 1 (${dir}/data/rows.db); new 1 (${dir}/data/new.txt)`,
    );
    expect(r.metrics).toEqual({ files: 7, modified: 2, missing: 1, new: 1, unreadable: 0 });
    // Still down on the next probe: the baseline only moves when the change is accepted.
    expect((await probe(params)).status).toBe('down');
  });

  it('treats a touched file with the same content as unchanged', async () => {
    const params = { paths: [dir] };
    await probe(params);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'conf', 'a.conf'), later, later);
    writeFileSync(join(dir, 'conf', 'b.conf'), 'bravo\n'); // rewritten identically
    const r = await probe(params);
    expect(r).toMatchObject({ status: 'up', message: '7 files unchanged since the baseline' });
  });

  it('selects with globs and drops excluded names and folders', async () => {
    const params = { paths: [`${dir}/conf/*.conf`, `${dir}/data`], exclude: ['*.swp', `${dir}/data/cache`] };
    expect((await probe(params)).message).toBe('baseline recorded: 4 files');
    writeFileSync(join(dir, 'conf', 'notes.txt'), 'not watched');
    writeFileSync(join(dir, 'conf', 'b.conf.swp'), 'excluded');
    writeFileSync(join(dir, 'data', 'cache', 'tmp.bin'), 'excluded folder');
    expect((await probe(params)).message).toBe('4 files unchanged since the baseline');
    writeFileSync(join(dir, 'conf', 'c.conf'), 'charlie');
    expect((await probe(params)).message).toBe(`1 file changed since the baseline: new 1 (${dir}/conf/c.conf)`);
  });

  it('accepts the current state as the new baseline', async () => {
    const params = { paths: [dir] };
    await probe(params);
    writeFileSync(join(dir, 'conf', 'a.conf'), 'changed on purpose\n');
    rmSync(join(dir, 'conf', 'notes.txt'));
    expect((await probe(params)).status).toBe('down');
    const accepted = await acceptBaseline(params, makeProbeContext({ timeoutMs: 20_000, host, memory }));
    expect(accepted).toEqual({ files: 6, unreadable: [] });
    expect(await probe(params)).toMatchObject({ status: 'up', message: '6 files unchanged since the baseline' });
  });

  it('is degraded when nothing matches (a wrong path is not a quiet baseline of 0 files)', async () => {
    const r = await probe({ paths: [join(dir, 'no-such-folder')] });
    expect(r.status).toBe('degraded');
    expect(r.message).toMatch(/^no files match .*no-such-folder( on root@127\.0\.0\.1:\d+)?; check paths and exclude$/);
  });

  it('reports every file of a folder that disappeared as missing', async () => {
    const params = { paths: [join(dir, 'conf')] };
    await probe(params);
    rmSync(join(dir, 'conf'), { recursive: true });
    const r = await probe(params);
    expect(r.status).toBe('down');
    expect(r.message).toMatch(/^4 files changed since the baseline: missing 4 \(.*a\.conf, .*b\.conf, .*b\.conf\.swp and 1 more\)$/);
  });
});

describe('files check on a 100,000-file tree', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kaavan-files-big-'));
    for (let d = 0; d < 100; d += 1) {
      mkdirSync(join(dir, `d${d}`));
      for (let f = 0; f < 1000; f += 1) writeFileSync(join(dir, `d${d}`, `f${f}`), `${d}/${f}`);
    }
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }), 120_000);

  it('records and compares the baseline while a timer keeps firing', async () => {
    const memory = inMemoryCheckMemory();
    const ctx = () => makeProbeContext({ timeoutMs: 120_000, host: localHost, memory });
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 20);
    try {
      const first = await filesCheck.probe({ paths: [dir] }, ctx());
      expect(first.message).toBe('baseline recorded: 100000 files');
      writeFileSync(join(dir, 'd42', 'f7'), 'changed');
      const second = await filesCheck.probe({ paths: [dir] }, ctx());
      expect(second.message).toBe(`1 file changed since the baseline: modified 1 (${dir}/d42/f7)`);
    } finally {
      clearInterval(timer);
    }
    // The event loop stayed free: the timer fired throughout, never held up for a whole second.
    const gaps = ticks.slice(1).map((t, i) => t - ticks[i]!);
    expect(ticks.length).toBeGreaterThan(10);
    expect(Math.max(...gaps)).toBeLessThan(1000);
  }, 120_000);
});

describe('files check parts', () => {
  it('turns globs into path patterns', () => {
    expect(globToRegExp('/etc/*.conf').test('/etc/a.conf')).toBe(true);
    expect(globToRegExp('/etc/*.conf').test('/etc/x/a.conf')).toBe(false);
    expect(globToRegExp('/etc/**/*.conf').test('/etc/a.conf')).toBe(true);
    expect(globToRegExp('/etc/**/*.conf').test('/etc/x/y/a.conf')).toBe(true);
    expect(globToRegExp('/var/log/app[0-9].log').test('/var/log/app7.log')).toBe(true);
    expect(globToRegExp('/a+b/(c).txt').test('/a+b/(c).txt')).toBe(true);
  });

  it('selects paths under plain folders, not siblings sharing a prefix', () => {
    const select = fileSelector(['/etc/nginx'], ['*.bak']);
    expect(select('/etc/nginx/nginx.conf')).toBe(true);
    expect(select('/etc/nginx-old/nginx.conf')).toBe(false);
    expect(select('/etc/nginx/nginx.conf.bak')).toBe(false);
  });
});
