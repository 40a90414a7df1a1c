// The `ssh:` field of a target in the config document (issue 7's contract; extend, never rename):
//   ssh: { host: web1.example.com, port: 22, user: ops, keyRef: web1-key, hostKey: "SHA256:…" }
// Auth is one of keyRef (+ passphraseRef), passwordRef or agent: true. hostKey is the pinned
// fingerprint as `ssh-keygen -lf` prints it; without it every connection is refused until trusted.
import { z } from 'zod';
import { hostField } from '../checks/kinds/tcp.js';

/** A secret reference: the name of a keychain entry (or KAAVAN_SECRET_<NAME>). */
const secretRefField = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9_.-]+$/, 'must be a secret name made of letters, digits, ".", "_" and "-" (e.g. "web1-key")');

/** "SHA256:" and 43 base64 characters, as `ssh-keygen -lf` and `kaavan host trust` print it. */
export const hostKeyFingerprintField = z
  .string()
  .trim()
  .regex(
    /^SHA256:[A-Za-z0-9+/]{43}$/,
    'must be a SHA256 fingerprint like "SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s" (run `kaavan host trust TARGET` or `ssh-keygen -lf` on the host key)',
  );

export const sshConfigShape = {
  host: hostField,
  port: z.number({ error: 'must be a port number (1-65535)' }).int('must be a whole number').min(1, 'must be at least 1').max(65535, 'must be at most 65535').optional(),
  user: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64, 'must be at most 64 characters')
    .regex(/^[A-Za-z0-9_.][A-Za-z0-9_.@-]*$/, 'must be a user name (letters, digits, ".", "_", "-")'),
  keyRef: secretRefField.optional(),
  passphraseRef: secretRefField.optional(),
  passwordRef: secretRefField.optional(),
  agent: z.boolean({ error: 'must be true or false' }).optional(),
  hostKey: hostKeyFingerprintField.optional(),
};

/** The `ssh:` field of a target; the lead adds `ssh: sshConfigSchema.optional()` to the target schema. */
export const sshConfigSchema = z.strictObject(sshConfigShape).superRefine((ssh, ctx) => {
  const methods = [ssh.keyRef !== undefined, ssh.passwordRef !== undefined, ssh.agent === true].filter(Boolean).length;
  if (methods === 0)
    ctx.addIssue({ code: 'custom', path: [], message: 'needs a way to log in: keyRef (a secret holding a private key), passwordRef, or agent: true' });
  if (methods > 1)
    ctx.addIssue({ code: 'custom', path: [], message: 'use one way to log in: keyRef, passwordRef or agent: true, not several' });
  if (ssh.passphraseRef !== undefined && ssh.keyRef === undefined)
    ctx.addIssue({ code: 'custom', path: ['passphraseRef'], message: 'only applies together with keyRef (the passphrase of that key)' });
});

export type SshConfig = z.infer<typeof sshConfigSchema>;

/** "ops@web1.example.com" (and ":2222" when not on port 22), for messages and labels. */
export function sshLabel(ssh: Pick<SshConfig, 'host' | 'port' | 'user'>): string {
  const port = ssh.port ?? 22;
  return `${ssh.user}@${ssh.host}${port === 22 ? '' : `:${port}`}`;
}
