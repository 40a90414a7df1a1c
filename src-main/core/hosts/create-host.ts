// The Host a target's host-level checks run on: its SSH connection when it has `ssh:`, else this
// computer. A TargetRuntime owns what this returns and calls close() (when present) on dispose.
import type { Host } from './host.js';
import type { SecretReader } from '../checks/types.js';
import type { Logger } from '../log/logger.js';
import type { SshConfig } from './ssh-config.js';
import { localHost } from './local-host.js';
import { SshHost } from './ssh-host.js';

export function createHostForTarget(
  target: { name: string; ssh?: SshConfig | undefined },
  deps: { secrets: SecretReader; log: Logger },
): Host & { close?: () => Promise<void> } {
  if (!target.ssh) return localHost;
  return new SshHost(target.ssh, { secrets: deps.secrets, log: deps.log.child({ target: target.name }), targetName: target.name });
}
