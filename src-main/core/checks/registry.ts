// The check registry: one file per kind under ./kinds. Add a kind by writing its file and listing it here.
import type { CheckKind } from './types.js';
import { httpCheck } from './kinds/http.js';
import { tcpCheck } from './kinds/tcp.js';
import { diskCheck } from './kinds/disk.js';
import { filesCheck } from './kinds/files.js';
import { logsCheck } from './kinds/logs.js';
import { commandCheck } from './kinds/command.js';
import { systemCheck } from './kinds/system.js';
import { cronCheck } from './kinds/cron.js';
import { tlsCheck } from './kinds/tls.js';
import { dnsCheck } from './kinds/dns.js';
import { postgresCheck } from './kinds/postgres.js';
import { backupCheck } from './kinds/backup.js';

export const checkKinds = [httpCheck, tcpCheck, diskCheck, filesCheck, logsCheck, commandCheck, systemCheck, cronCheck, tlsCheck, dnsCheck, postgresCheck, backupCheck] as const;

const byKind = new Map<string, CheckKind>(checkKinds.map((k) => [k.kind, k as unknown as CheckKind]));

export function getCheckKind(kind: string): CheckKind | undefined {
  return byKind.get(kind);
}
