// zstd through @mongodb-js/zstd: a prebuilt N-API module (same binary in Node 20 and Electron's
// Node 24; its work runs on libuv's thread pool). Segments are sequences of independent frames of
// FRAME_SIZE raw bytes so they decompress frame by frame with bounded memory, and `zstd -d` still
// reads the concatenation as one stream (docs/backup-format.md §3, §8).
import { compress, decompress } from '@mongodb-js/zstd';

export const FRAME_SIZE = 4 * 1024 * 1024;
export const ZSTD_LEVEL = 3;

export const compressFrame = (raw: Buffer): Promise<Buffer> => compress(raw, ZSTD_LEVEL);
export const decompressFrame = (frame: Buffer): Promise<Buffer> => decompress(frame);
