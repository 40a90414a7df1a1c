// PLACEHOLDER until the secrets module lands (same commit series); the interface is final.
import type { SecretInfo } from '../api/service.js';

export interface SecretStore {
  /** The value from the keychain, else from KAAVAN_SECRET_<NAME>, else null. */
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<SecretInfo>;
  /** True when something was deleted from the keychain. */
  delete(name: string): Promise<boolean>;
  list(): Promise<SecretInfo[]>;
}

export function createSecretStore(): SecretStore {
  throw new Error('secrets module not written yet');
}
