// The preload of the dashboard window: sandboxed and context-isolated, so it is built as CommonJS
// and may only require 'electron'. It exposes exactly the KaavanBridge on window.kaavan — no
// ipcRenderer, no Node, no generic "send anything" function.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
// Two string constants, bundled in at build time (transport.ts has no runtime imports).
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type InvokeEnvelope, type KaavanBridge } from '../src-main/core/api/transport.js';
import type { KaavanEvent } from '../src-main/core/api/service.js';

const bridge: KaavanBridge = {
  invoke(method: string, input?: unknown): Promise<InvokeEnvelope> {
    if (typeof method !== 'string') return Promise.reject(new TypeError('method must be a string'));
    return ipcRenderer.invoke(IPC_INVOKE_CHANNEL, method, input) as Promise<InvokeEnvelope>;
  },
  onEvent(listener: (event: KaavanEvent) => void): () => void {
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    // The Electron event object (with its sender) never reaches the page.
    const handler = (_event: IpcRendererEvent, payload: KaavanEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, handler);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, handler);
    };
  },
};

contextBridge.exposeInMainWorld('kaavan', bridge);
