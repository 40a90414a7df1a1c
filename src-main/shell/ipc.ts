// Electron transport of the service API: one invoke channel (validated by dispatch in core) and one
// event channel. Only our own window's page is served; everything else gets a refusal.
import { ipcMain } from 'electron';
import type { KaavanService } from '../core/api/service.js';
import { dispatch, toErrorBody } from '../core/api/methods.js';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type InvokeEnvelope } from '../core/api/transport.js';
import { consoleLogger, type Logger } from '../core/log/logger.js';
import type { DashboardWindow } from './window.js';

export function wireIpc(service: KaavanService, window: DashboardWindow, logger: Logger = consoleLogger()): () => void {
  ipcMain.handle(IPC_INVOKE_CHANNEL, async (event, method: unknown, input: unknown): Promise<InvokeEnvelope> => {
    if (!window.isTrustedSender(event)) {
      logger.warn('refused an IPC call not sent by the dashboard', { frame: event.senderFrame?.url ?? 'unknown' });
      return { ok: false, error: { code: 'unavailable', message: 'request refused: not sent by the Kaavan dashboard' } };
    }
    try {
      return { ok: true, result: await dispatch(service, method, input) };
    } catch (error) {
      return { ok: false, error: toErrorBody(error) };
    }
  });
  const unsubscribe = service.subscribe((event) => window.send(IPC_EVENT_CHANNEL, event));
  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
  };
}
