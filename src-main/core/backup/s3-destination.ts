// A destination in an S3 bucket (any S3-compatible server). Objects appear atomically by S3's own
// semantics (a PUT or a completed multipart upload); a failed or cancelled multipart upload is aborted.
import { createReadStream } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Destination, StoredObject } from './destination.js';
import type { S3DestinationConfig } from './job-schema.js';
import type { SecretSource } from './engine.js';
import { BackupError, errText } from './errors.js';

const PART_SIZE = 8 * 1024 * 1024;

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

export class S3Destination implements Destination {
  readonly label: string;
  private readonly prefix: string;

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
    prefix: string,
    private readonly stagingDir: string,
    private readonly partConcurrency: number,
  ) {
    this.prefix = prefix.replace(/^\/+|\/+$/g, '');
    this.label = `s3://${bucket}${this.prefix ? `/${this.prefix}` : ''}`;
  }

  static async fromConfig(cfg: S3DestinationConfig, secrets: SecretSource, stagingDir: string): Promise<S3Destination> {
    const config: S3ClientConfig = { region: cfg.region ?? 'us-east-1', forcePathStyle: cfg.forcePathStyle ?? false };
    if (cfg.endpoint) config.endpoint = cfg.endpoint;
    if (cfg.accessKeyRef || cfg.secretKeyRef) {
      if (!cfg.accessKeyRef || !cfg.secretKeyRef) throw new BackupError('config', 'an S3 destination needs both accessKeyRef and secretKeyRef, or neither');
      const accessKeyId = await secrets.get(cfg.accessKeyRef);
      const secretAccessKey = await secrets.get(cfg.secretKeyRef);
      if (!accessKeyId) throw new BackupError('config', `the secret "${cfg.accessKeyRef}" (S3 access key) is not set`);
      if (!secretAccessKey) throw new BackupError('config', `the secret "${cfg.secretKeyRef}" (S3 secret key) is not set`);
      config.credentials = { accessKeyId, secretAccessKey };
    }
    return new S3Destination(new S3Client(config), cfg.bucket, cfg.prefix ?? '', stagingDir, cfg.partConcurrency ?? 4);
  }

  private k(key: string): string {
    return this.prefix ? `${this.prefix}/${key}` : key;
  }

  private fail(what: string, key: string, err: unknown): never {
    if (err instanceof BackupError) throw err;
    throw new BackupError('destination', `${what} ${key} in ${this.label} failed: ${errText(err) || (err as { name?: string }).name || 'unknown error'}`);
  }

  async get(key: string): Promise<Buffer | null> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.k(key) }));
      return Buffer.from(await out.Body!.transformToByteArray());
    } catch (err) {
      if (isNotFound(err)) return null;
      this.fail('reading', key, err);
    }
  }

  async read(key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.k(key) }));
      return out.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) throw new BackupError('not-found', `${key} is missing from ${this.label}`);
      this.fail('reading', key, err);
    }
  }

  async putBuffer(key: string, data: Buffer, signal?: AbortSignal): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: this.k(key), Body: data }), { abortSignal: signal });
    } catch (err) {
      this.fail('writing', key, err);
    }
  }

  async putFile(key: string, localPath: string, signal?: AbortSignal): Promise<void> {
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.k(key), Body: createReadStream(localPath, { highWaterMark: 1024 * 1024 }) },
      queueSize: this.partConcurrency,
      partSize: PART_SIZE,
      leavePartsOnError: false, // abort the multipart upload on any error
    });
    const onAbort = () => void upload.abort().catch(() => undefined);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      if (signal?.aborted) throw signal.reason;
      await upload.done();
    } catch (err) {
      await upload.abort().catch(() => undefined);
      if (signal?.aborted) throw signal.reason;
      this.fail('uploading', key, err);
    } finally {
      signal?.removeEventListener('abort', onAbort);
      await rm(localPath, { force: true });
    }
  }

  async stagingFile(tag: string, name: string): Promise<string> {
    await mkdir(this.stagingDir, { recursive: true });
    return path.join(this.stagingDir, `${tag}-${name}.part`);
  }

  async cleanStaging(tag: string): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.stagingDir);
    } catch {
      return;
    }
    await Promise.all(names.filter((n) => n.startsWith(`${tag}-`)).map((n) => rm(path.join(this.stagingDir, n), { force: true })));
  }

  async list(prefix: string): Promise<StoredObject[]> {
    const out: StoredObject[] = [];
    const full = this.k(prefix.replace(/\/+$/, '')) + '/';
    const strip = this.prefix ? this.prefix.length + 1 : 0;
    let token: string | undefined;
    try {
      do {
        const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: full, ContinuationToken: token }));
        for (const o of page.Contents ?? []) if (o.Key) out.push({ key: o.Key.slice(strip), size: o.Size ?? 0 });
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
    } catch (err) {
      this.fail('listing', prefix, err);
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async delete(keys: string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      try {
        const out = await this.client.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch.map((k) => ({ Key: this.k(k) })), Quiet: true } }));
        if (out.Errors?.length) throw new Error(out.Errors[0]!.Message ?? 'delete refused');
      } catch (err) {
        this.fail('deleting', batch[0]!, err);
      }
    }
  }
}
