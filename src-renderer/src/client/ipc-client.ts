// Electron transport: the preload's window.kaavan bridge. Calls resolve with an envelope (Electron
// flattens errors thrown across IPC), which is turned back into a ClientError here.
import type { KaavanBridge } from '../../../src-main/core/api/transport';
import type { KaavanEvent } from '../../../src-main/core/api/service';
import { ClientError, Listeners, createClient, type ConnectionState, type KaavanClient, type MethodName } from './client';

declare global {
  interface Window {
    kaavan?: KaavanBridge;
  }
}

export function createIpcClient(bridge: KaavanBridge): KaavanClient {
  const open: ConnectionState = { status: 'open' };
  const events = new Listeners<KaavanEvent>();
  let unsubscribeBridge: (() => void) | null = null;

  return createClient({
    kind: 'ipc',
    async call(method: MethodName, input?: unknown) {
      let envelope;
      try {
        envelope = await bridge.invoke(method, input);
      } catch (error) {
        throw new ClientError('network', `The app did not answer: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (envelope.ok) return envelope.result;
      throw new ClientError(envelope.error.code, envelope.error.message, envelope.error.issues ?? []);
    },
    subscribe(listener) {
      // One bridge subscription fans out to every listener of the page.
      unsubscribeBridge ??= bridge.onEvent((event) => events.emit(event));
      return events.add(listener);
    },
    onConnection: () => () => {},
    connection: () => open,
    reconnect: () => {},
  });
}
