// The local computer as a Host ("This computer").
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import type { ExecOptions, ExecResult, Host } from './host.js';

const DEFAULT_MAX_OUTPUT = 1024 * 1024;

export class LocalHost implements Host {
  readonly kind = 'local' as const;
  readonly label = 'this computer';

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const max = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    return new Promise((resolve, reject) => {
      const child = spawn('/bin/sh', ['-c', command], { signal: options.signal, stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let outBytes = 0;
      let errBytes = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        if (outBytes < max) out.push(chunk.subarray(0, max - outBytes));
        outBytes += chunk.length;
      });
      child.stderr.on('data', (chunk: Buffer) => {
        if (errBytes < max) err.push(chunk.subarray(0, max - errBytes));
        errBytes += chunk.length;
      });
      child.once('error', reject);
      child.once('close', (code, signal) =>
        resolve({ exitCode: code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }),
      );
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input ?? '');
    });
  }

  async readFile(path: string, options: { signal?: AbortSignal; maxBytes?: number } = {}): Promise<Buffer> {
    const handle = await open(path, 'r');
    try {
      const max = options.maxBytes ?? 16 * 1024 * 1024;
      const chunks: Buffer[] = [];
      let total = 0;
      for (;;) {
        options.signal?.throwIfAborted();
        const buffer = Buffer.alloc(Math.min(256 * 1024, max - total));
        if (buffer.length === 0) break;
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) break;
        chunks.push(buffer.subarray(0, bytesRead));
        total += bytesRead;
      }
      return Buffer.concat(chunks);
    } finally {
      await handle.close();
    }
  }
}

export const localHost = new LocalHost();
