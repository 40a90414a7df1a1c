// Our tar parser on archives written by GNU tar (pax and gnu formats), and GNU tar on ours.
import { execFileSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TarParser, tarHeader, padding, TAR_END, type TarEntryHeader } from '../../../src-main/core/backup/tar.js';
import { describeTree, makeTrickyTree } from './tree.js';

const base = mkdtempSync(path.join(tmpdir(), 'kaavan-tar-'));
const tree = path.join(base, 'tree');
beforeAll(() => makeTrickyTree(tree));
afterAll(() => rmSync(base, { recursive: true, force: true }));

function parseAll(buf: Buffer, chunk = 777): { header: TarEntryHeader; data: Buffer }[] {
  const p = new TarParser();
  const out: { header: TarEntryHeader; data: Buffer }[] = [];
  let parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) {
    for (const ev of p.write(buf.subarray(i, i + chunk))) {
      if (ev.kind === 'entry') {
        out.push({ header: ev.header, data: Buffer.alloc(0) });
        parts = [];
      } else if (ev.kind === 'data') parts.push(Buffer.from(ev.chunk));
      else if (ev.kind === 'entry-end') out[out.length - 1]!.data = Buffer.concat(parts);
    }
  }
  p.finish();
  return out;
}

describe.each(['pax', 'gnu'])('archives written by GNU tar --format=%s', (format) => {
  it('parse to the same names, types, sizes, link targets and contents as the tree', () => {
    const archive = execFileSync('tar', [`--format=${format}`, '-cf', '-', '-C', tree, '.'], { maxBuffer: 1 << 26 });
    const entries = parseAll(archive);
    const expected = describeTree(tree);
    expect(entries).toHaveLength(expected.size);
    for (const { header, data } of entries) {
      const rel = header.path.replace(/^\.\/?/, '');
      const want = expected.get(rel);
      expect(want, rel).toBeDefined();
      expect(header.type).toBe(want!.type);
      expect(header.mode).toBe(want!.mode);
      if (want!.type === 'file') expect(Buffer.compare(data, readFileSync(path.join(tree, rel)))).toBe(0);
      if (want!.type === 'symlink') expect(header.target).toBe(want!.target);
      // pax keeps sub-second times; gnu keeps whole seconds
      if (format === 'pax') expect(Math.abs(Number(header.mtimeNs / 1000n) - want!.mtimeUs)).toBeLessThanOrEqual(1);
    }
  });
});

it('GNU tar extracts what we write: long and unicode names, big uids, sub-second times, long link targets', () => {
  const names = ['a.txt', 'ü/ñ ☃.txt', 'x'.repeat(99), `${'d'.repeat(150)}/${'f'.repeat(99)}`, `${'e'.repeat(200)}/${'g'.repeat(200)}`, 'new\nline'];
  const parts: Buffer[] = [];
  for (const [i, name] of names.entries()) {
    const data = Buffer.alloc(i * 100, 'z');
    parts.push(tarHeader({ path: name, type: 'file', size: data.length, mode: 0o640, mtimeNs: 1_700_000_000_123_456_789n, uid: 3_000_000, gid: 7, target: undefined }), data, Buffer.alloc(padding(data.length)));
  }
  parts.push(tarHeader({ path: 'link', type: 'symlink', size: 0, mode: 0o777, mtimeNs: 0n, uid: 0, gid: 0, target: 't'.repeat(200) }), TAR_END);
  const out = path.join(base, 'gnu-x');
  execFileSync('mkdir', ['-p', out]);
  execFileSync('tar', ['-x', '--numeric-owner', '-C', out, '-f', '-'], { input: Buffer.concat(parts) });
  names.forEach((n, i) => {
    const st = lstatSync(path.join(out, n));
    expect(st.size, n).toBe(i * 100);
    expect(st.mode & 0o7777).toBe(0o640);
    expect(st.uid).toBe(3_000_000);
    expect(st.mtimeMs).toBeCloseTo(1_700_000_000_123.456, 2);
  });
  expect(readlinkSync(path.join(out, 'link'))).toBe('t'.repeat(200));
  expect(parseAll(Buffer.concat(parts)).map((e) => e.header.path)).toEqual([...names, 'link']);
});

it('reads the same entries and offsets however the stream is cut (headers split across writes)', () => {
  const archive = execFileSync('tar', ['--format=pax', '-cf', '-', '-C', tree, '.'], { maxBuffer: 1 << 26 });
  const entriesAndOffsets = (chunk: number) => {
    const p = new TarParser();
    const out: string[] = [];
    let bytes = 0;
    for (let i = 0; i < archive.length; i += chunk) {
      for (const ev of p.write(archive.subarray(i, i + chunk))) {
        if (ev.kind === 'entry') out.push(`${ev.offset} ${ev.header.path} ${ev.header.size}`);
        else if (ev.kind === 'data') bytes += ev.chunk.length;
      }
    }
    p.finish();
    return { out, bytes };
  };
  const whole = entriesAndOffsets(archive.length);
  expect(whole.out.length).toBeGreaterThan(5);
  for (const chunk of [1, 100, 511, 512, 513, 4096 + 7]) expect(entriesAndOffsets(chunk), `pieces of ${chunk}`).toEqual(whole);
});
