// The backup benchmarks' generated tree: small files (1-16 KiB) in 100 folders, the rest in files of
// up to 64 MiB, half of the bytes compressible text and half random. Returns the bytes written.
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const WORDS = 'alpha beta gamma delta epsilon server backup restore tray alert check latency status ok down degraded'.split(' ');

export function compressible(size) {
  const rnd = randomBytes(Math.ceil(size / 4));
  const parts = [];
  let len = 0;
  for (let i = 0; len < size; i++) {
    const line = `${WORDS[rnd[i % rnd.length] % WORDS.length]} ${rnd.readUInt16LE(i % (rnd.length - 2))} ${WORDS[rnd[(i * 7) % rnd.length] % WORDS.length]}\n`;
    parts.push(line);
    len += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

export function makeTree(tree, sizeMib, smallFiles) {
  const total = sizeMib * 1024 * 1024;
  let made = 0;
  for (let i = 0; i < smallFiles; i++) {
    const dir = path.join(tree, 'small', `d${String(i % 100).padStart(3, '0')}`);
    if (i < 100) mkdirSync(dir, { recursive: true });
    const size = 1024 + ((i * 2654435761) % (15 * 1024));
    writeFileSync(path.join(dir, `f${i}.${i % 2 ? 'txt' : 'bin'}`), i % 2 ? compressible(size) : randomBytes(size));
    made += size;
  }
  mkdirSync(path.join(tree, 'large'), { recursive: true });
  for (let i = 0; made < total; i++) {
    const size = Math.min(64 * 1024 * 1024, total - made);
    const chunks = [];
    for (let off = 0; off < size; off += 8 * 1024 * 1024) {
      const n = Math.min(8 * 1024 * 1024, size - off);
      chunks.push(i % 2 ? compressible(n) : randomBytes(n));
    }
    writeFileSync(path.join(tree, 'large', `big${i}.${i % 2 ? 'log' : 'bin'}`), Buffer.concat(chunks));
    made += size;
  }
  return made;
}
