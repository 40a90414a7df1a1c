import type { KaavanOptions, KaavanRuntime } from './kaavan.js';
export async function createKaavan(_options: KaavanOptions): Promise<KaavanRuntime> {
  throw new Error('runtime not written yet');
}
