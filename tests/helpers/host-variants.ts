// Runs a host-level check's tests twice: on this computer (LocalHost) and over SSH to a real sshd on
// 127.0.0.1 logged in as the same user, so both see the files the test changes.
import type { Host } from '../../src-main/core/hosts/host.js';
import { localHost } from '../../src-main/core/hosts/local-host.js';
import { SshHost } from '../../src-main/core/hosts/ssh-host.js';
import { silentLogger } from '../../src-main/core/log/logger.js';
import { makeClientKey, secretsFrom, sshdUnavailableReason, startSshd, type TestSshd } from './sshd.js';

export interface HostVariant {
  name: 'local' | 'ssh';
  setup(): Promise<Host>;
  teardown(): Promise<void>;
}

export function hostVariants(): HostVariant[] {
  const local: HostVariant = { name: 'local', setup: async () => localHost, teardown: async () => undefined };
  const reason = sshdUnavailableReason();
  if (reason) {
    console.warn(`host checks run locally only: ${reason}`);
    return [local];
  }
  let sshd: TestSshd | null = null;
  let host: SshHost | null = null;
  const ssh: HostVariant = {
    name: 'ssh',
    setup: async () => {
      const key = makeClientKey();
      sshd = await startSshd({ authorizedKeys: [key.publicKey] });
      host = new SshHost(
        { host: '127.0.0.1', port: sshd.port, user: 'root', keyRef: 'key', hostKey: sshd.hostKeyFingerprint },
        { secrets: secretsFrom({ key: key.privateKey }), log: silentLogger },
      );
      return host;
    },
    teardown: async () => {
      await host?.close();
      await sshd?.stop();
    },
  };
  return [local, ssh];
}
