// age v1 interop, both ways, against Debian's `age` 1.1.1 and the npm `age-encryption` package.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import * as ageNpm from 'age-encryption';
import { AgeDecryptor, AgeError, decrypt, encryptToRecipient, encryptWithPassphrase, generateX25519Identity, identityFileText, recipientOf } from '../../../src-main/core/backup/age.js';

const dir = mkdtempSync(path.join(tmpdir(), 'kaavan-age-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Sizes around the 64 KiB STREAM chunk boundary, where implementations usually disagree.
const SIZES = [0, 1, 65535, 65536, 65537, 3 * 65536, 200_000];

describe('age v1 X25519', () => {
  it('Debian age decrypts what we encrypt, at every chunk boundary', () => {
    const id = generateX25519Identity();
    const idFile = path.join(dir, 'id1.txt');
    writeFileSync(idFile, identityFileText(id, new Date()));
    for (const size of SIZES) {
      const plain = randomBytes(size);
      const f = path.join(dir, `ours-${size}.age`);
      writeFileSync(f, encryptToRecipient(plain, id.recipient));
      const out = execFileSync('age', ['-d', '-i', idFile, f], { maxBuffer: 1 << 24 });
      expect(Buffer.compare(out, plain), `size ${size}`).toBe(0);
    }
  });

  it('we decrypt what Debian age encrypts, with a key made by age-keygen', async () => {
    const idFile = path.join(dir, 'id2.txt');
    execFileSync('age-keygen', ['-o', idFile], { stdio: 'ignore' });
    const recipient = execFileSync('age-keygen', ['-y', idFile]).toString().trim();
    const identity = readFileSync(idFile, 'utf8').split('\n').find((l) => l.startsWith('AGE-SECRET-KEY-1'))!;
    expect(recipientOf(identity)).toBe(recipient);
    for (const size of SIZES) {
      const plain = randomBytes(size);
      const cipher = execFileSync('age', ['-r', recipient], { input: plain, maxBuffer: 1 << 24 });
      expect(Buffer.compare(await decrypt(cipher, { identity }), plain), `size ${size}`).toBe(0);
    }
  });

  it('npm age-encryption and ours agree both ways', async () => {
    const identity = await ageNpm.generateX25519Identity();
    const recipient = await ageNpm.identityToRecipient(identity);
    expect(recipientOf(identity)).toBe(recipient);
    const plain = randomBytes(150_000);
    const d = new ageNpm.Decrypter();
    d.addIdentity(identity);
    expect(Buffer.compare(Buffer.from(await d.decrypt(encryptToRecipient(plain, recipient))), plain)).toBe(0);
    const e = new ageNpm.Encrypter();
    e.addRecipient(recipient);
    expect(Buffer.compare(await decrypt(await e.encrypt(plain), { identity }), plain)).toBe(0);
  });

  it('a flipped bit or a cut-off end is an error, never wrong plaintext', async () => {
    const id = generateX25519Identity();
    const cipher = encryptToRecipient(randomBytes(100_000), id.recipient);
    const flipped = Buffer.from(cipher);
    flipped[flipped.length - 5_000]! ^= 0x01;
    await expect(decrypt(flipped, { identity: id.identity })).rejects.toThrow(AgeError);
    await expect(decrypt(cipher.subarray(0, cipher.length - 70_000), { identity: id.identity })).rejects.toThrow(/truncated|corrupted/);
    const header = Buffer.from(cipher);
    header[30]! ^= 0x01; // inside the stanza line
    await expect(decrypt(header, { identity: id.identity })).rejects.toThrow(AgeError);
    await expect(decrypt(cipher, { identity: generateX25519Identity().identity })).rejects.toThrow(/no identity matches/);
  });
});

describe('incremental decryption (segments arrive in pieces of any size)', () => {
  it('gives the same plaintext however the ciphertext is cut, chunk boundaries included', async () => {
    const id = generateX25519Identity();
    const key = { identity: id.identity };
    const sealed = 65536 + 16;
    for (const size of [1, 65536, 200_000]) {
      const plain = randomBytes(size);
      const cipher = encryptToRecipient(plain, id.recipient);
      for (const piece of [1, 7, 1000, sealed - 1, sealed, sealed + 1, 1 << 20]) {
        const d = new AgeDecryptor(key);
        const out: Buffer[] = [];
        for (let i = 0; i < cipher.length; i += piece) out.push(...(await d.update(cipher.subarray(i, i + piece))));
        out.push(d.final());
        expect(Buffer.compare(Buffer.concat(out), plain), `${size} bytes in pieces of ${piece}`).toBe(0);
      }
    }
    // cut right after a full chunk (200,000 = 3 full chunks + 3,392 bytes): the full chunk, not
    // sealed as the last one, must not pass as the end
    const cipher = encryptToRecipient(randomBytes(200_000), id.recipient);
    const d = new AgeDecryptor(key);
    await d.update(cipher.subarray(0, cipher.length - (3392 + 16)));
    expect(() => d.final()).toThrow(/truncated or corrupted/);
  });
});

describe('age v1 scrypt (passphrase)', () => {
  it('npm age-encryption decrypts our passphrase files and we decrypt its files', async () => {
    const plain = Buffer.from('AGE-SECRET-KEY-1 stand-in\n');
    const ours = await encryptWithPassphrase(plain, 'correct horse', 12);
    const d = new ageNpm.Decrypter();
    d.addPassphrase('correct horse');
    expect(Buffer.from(await d.decrypt(ours)).toString()).toBe(plain.toString());
    const e = new ageNpm.Encrypter();
    e.setPassphrase('battery staple');
    e.setScryptWorkFactor(12);
    expect((await decrypt(await e.encrypt(plain), { passphrase: 'battery staple' })).toString()).toBe(plain.toString());
  });

  it('a wrong passphrase is reported as such', async () => {
    const ours = await encryptWithPassphrase(Buffer.from('x'), 'right', 12);
    await expect(decrypt(ours, { passphrase: 'wrong' })).rejects.toThrow('wrong passphrase');
  });
});
