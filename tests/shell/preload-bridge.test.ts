// The preload's bridge, run against a recording contextBridge/ipcRenderer.
import { describe, expect, it, vi } from 'vitest';
import type { KaavanBridge } from '../../src-main/core/api/transport.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../src-main/core/api/transport.js';

const exposed = new Map<string, unknown>();
const invoked: unknown[][] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => {
      invoked.push(args);
      return { ok: true, result: 'pong' };
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(fn);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
  },
}));

await import('../../src-preload/index.js');
const bridge = exposed.get('kaavan') as KaavanBridge;

describe('preload bridge (window.kaavan)', () => {
  it('exposes exactly invoke and onEvent', () => {
    expect([...exposed.keys()]).toEqual(['kaavan']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'onEvent']);
  });

  it('invokes the one IPC channel with method and input', async () => {
    expect(await bridge.invoke('overview')).toEqual({ ok: true, result: 'pong' });
    await bridge.invoke('setPaused', { paused: true });
    expect(invoked).toEqual([
      [IPC_INVOKE_CHANNEL, 'overview', undefined],
      [IPC_INVOKE_CHANNEL, 'setPaused', { paused: true }],
    ]);
    await expect(bridge.invoke(42 as unknown as string)).rejects.toThrow(TypeError);
  });

  it('delivers events without the Electron event object, and unsubscribes', () => {
    const seen: unknown[] = [];
    const off = bridge.onEvent((e) => seen.push(e));
    const emit = (payload: unknown) => listeners.get(IPC_EVENT_CHANNEL)?.forEach((fn) => fn({ sender: 'secret' }, payload));
    emit({ type: 'config.changed' });
    off();
    emit({ type: 'config.changed' });
    expect(seen).toEqual([{ type: 'config.changed' }]);
    expect(listeners.get(IPC_EVENT_CHANNEL)?.size).toBe(0);
  });
});
