// The renderer's one client interface: the KaavanService methods (same names, same types) plus
// the event stream and the state of the connection. Two implementations: ipc-client.ts
// (Electron, window.kaavan) and http-client.ts (headless, fetch + WebSocket).
import type { KaavanEvent, KaavanService } from '../../../src-main/core/api/service';
import type { FieldIssue, KaavanErrorCode } from '../../../src-main/core/api/errors';

export type ServiceMethods = Omit<KaavanService, 'subscribe'>;
export type MethodName = keyof ServiceMethods;
export type MethodInput<M extends MethodName> = Parameters<ServiceMethods[M]>[0];
export type MethodResult<M extends MethodName> = Awaited<ReturnType<ServiceMethods[M]>>;

/**
 * open: calls and events flow. connecting: first attempt. reconnecting: the event stream dropped
 * and is being re-established (calls may fail meanwhile). unauthorized: the server refused the
 * token (a new `kaavan serve` prints a new one).
 */
export type ConnectionState =
  | { status: 'open' }
  | { status: 'connecting' }
  | { status: 'reconnecting'; attempt: number; retryAt: number; server?: string }
  | { status: 'unauthorized'; message: string; reason?: 'token-changed' | 'refused' };

export type ClientErrorCode = KaavanErrorCode | 'unauthorized' | 'network';

/** An error a call returned: server errors keep their code, message and field issues. */
export class ClientError extends Error {
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(message);
    this.name = 'ClientError';
  }
}

/** Turns anything thrown by a call into one sentence a person can read. */
export function errorMessage(error: unknown): string {
  if (error instanceof ClientError) {
    switch (error.code) {
      case 'network':
        return error.message;
      case 'unauthorized':
        return 'The server refused this dashboard\u2019s token. Open the link printed by \u201ckaavan serve\u201d again.';
      case 'unavailable':
        return `Not available right now: ${error.message}`;
      default:
        return error.message;
    }
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** What a transport has to provide; the typed methods are built on top of it. */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  call(method: MethodName, input?: unknown): Promise<unknown>;
  subscribe(listener: (event: KaavanEvent) => void): () => void;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  connection(): ConnectionState;
  /** Try to reconnect now (the banner's "Retry now"). */
  reconnect(): void;
}

export interface KaavanClient extends KaavanService {
  readonly transport: 'ipc' | 'http';
  onConnection(listener: (state: ConnectionState) => void): () => void;
  connection(): ConnectionState;
  reconnect(): void;
}

export function createClient(t: Transport): KaavanClient {
  function call<M extends MethodName>(method: M, input?: MethodInput<M>): Promise<MethodResult<M>> {
    return t.call(method, input) as Promise<MethodResult<M>>;
  }
  return {
    transport: t.kind,
    onConnection: (l) => t.onConnection(l),
    connection: () => t.connection(),
    reconnect: () => t.reconnect(),
    subscribe: (l) => t.subscribe(l),
    info: () => call('info'),
    overview: () => call('overview'),
    health: () => call('health'),
    listChannels: () => call('listChannels'),
    testChannel: (i) => call('testChannel', i),
    checkHistory: (i) => call('checkHistory', i),
    listAlerts: (i) => call('listAlerts', i),
    alertDetail: (i) => call('alertDetail', i),
    acknowledgeAlert: (i) => call('acknowledgeAlert', i),
    resolveAlert: (i) => call('resolveAlert', i),
    getConfig: () => call('getConfig'),
    validateConfig: (i) => call('validateConfig', i),
    replaceConfig: (i) => call('replaceConfig', i),
    saveTarget: (i) => call('saveTarget', i),
    removeTarget: (i) => call('removeTarget', i),
    saveCheck: (i) => call('saveCheck', i),
    removeCheck: (i) => call('removeCheck', i),
    validateCheck: (i) => call('validateCheck', i),
    updateSettings: (i) => call('updateSettings', i),
    setPaused: (i) => call('setPaused', i),
    runCheckNow: (i) => call('runCheckNow', i),
    listSecrets: () => call('listSecrets'),
    setSecret: (i) => call('setSecret', i),
    deleteSecret: (i) => call('deleteSecret', i),
    listAudit: (i) => call('listAudit', i),

    // --- Dashboard (issue 6). ---
    checkDetail: (i) => call('checkDetail', i),
    checkSeries: (i) => call('checkSeries', i),
    setEnabled: (i) => call('setEnabled', i),
    cloneCheck: (i) => call('cloneCheck', i),
    removeChecks: (i) => call('removeChecks', i),
    acknowledgeAlerts: (i) => call('acknowledgeAlerts', i),
    exportConfig: (i) => call('exportConfig', i),
    importConfig: (i) => call('importConfig', i),

    // --- Hosts (issue 7). ---
    hostKeyOffer: (i) => call('hostKeyOffer', i),
    trustHostKey: (i) => call('trustHostKey', i),
    saveTargetSsh: (i) => call('saveTargetSsh', i),
    acceptBaseline: (i) => call('acceptBaseline', i),
    hostDetail: (i) => call('hostDetail', i),
    statusReport: (i) => call('statusReport', i),

    // --- Incident response (issue 8). ---
    silenceAlert: (i) => call('silenceAlert', i), alertHistory: (i) => call('alertHistory', i), exportAlertsCsv: (i) => call('exportAlertsCsv', i), deliveryQueue: (i) => call('deliveryQueue', i), retryDelivery: (i) => call('retryDelivery', i), previewRoute: (i) => call('previewRoute', i), healStatus: () => call('healStatus'), searchAudit: (i) => call('searchAudit', i),

    // --- Backups (issue 9). ---
    listBackupJobs: () => call('listBackupJobs'),
    listBackupRuns: (i) => call('listBackupRuns', i),
    runBackup: (i) => call('runBackup', i),
    cancelBackup: (i) => call('cancelBackup', i),
    verifyBackupRun: (i) => call('verifyBackupRun', i),
    validateBackupJob: (i) => call('validateBackupJob', i),
    saveBackupJob: (i) => call('saveBackupJob', i),
    removeBackupJob: (i) => call('removeBackupJob', i),
  };
}

/** Small listener set shared by the transports. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }
  emit(value: T): void {
    for (const listener of this.set) {
      try {
        listener(value);
      } catch (error) {
        console.error('kaavan: listener failed', error);
      }
    }
  }
}
