// When saving the check dialog must first show the exact heal action and ask: a new heal, a changed
// command or webhook, or one turned back on; never for a heal left off or saved unchanged.
import { describe, expect, it } from 'vitest';
import { healHostLabel, healToConfirm } from '../../src-renderer/src/screens/heal-confirm';

const base = { name: 'nginx', kind: 'http', url: 'http://127.0.0.1:8080/' };

describe('heal confirmation', () => {
  it('a new heal command asks, naming the command, the host and the guards', () => {
    const next = { ...base, heal: { command: 'systemctl restart nginx', maxAttempts: 2, cooldown: '10m' } };
    expect(healToConfirm(base, next, 'ops@web1.example.com')).toEqual({
      kind: 'command',
      action: 'systemctl restart nginx',
      host: 'ops@web1.example.com',
      maxAttempts: 2,
      cooldown: '10m',
      breakerFailures: 3,
    });
    expect(healToConfirm(undefined, next, 'this computer')?.action).toBe('systemctl restart nginx');
  });

  it('a webhook names the secret holding its URL, never a URL', () => {
    const next = { ...base, heal: { webhook: { urlRef: 'heal-hook', method: 'PUT' } } };
    expect(healToConfirm(base, next, 'this computer')).toMatchObject({ kind: 'webhook', action: 'PUT to the URL in secret "heal-hook"' });
  });

  it('a changed command asks again; the same command saved again does not', () => {
    const before = { ...base, heal: { command: 'systemctl restart nginx' } };
    expect(healToConfirm(before, { ...base, heal: { command: 'systemctl restart nginx', label: 'restart' } }, 'h')).toBeNull();
    expect(healToConfirm(before, { ...base, heal: { command: 'reboot' } }, 'h')?.action).toBe('reboot');
    expect(healToConfirm(before, { ...base, heal: { webhook: { urlRef: 'x' } } }, 'h')?.kind).toBe('webhook');
  });

  it('a heal left off, removed or empty does not ask; turning an off heal on does', () => {
    const off = { ...base, heal: { command: 'systemctl restart nginx', enabled: false } };
    expect(healToConfirm(undefined, off, 'h')).toBeNull();
    expect(healToConfirm(off, base, 'h')).toBeNull();
    expect(healToConfirm(base, { ...base, heal: {} }, 'h')).toBeNull();
    expect(healToConfirm(off, { ...base, heal: { command: 'systemctl restart nginx', enabled: true } }, 'h')?.action).toBe('systemctl restart nginx');
  });

  it('the host reads like ssh: user@host, with the port when not 22; no SSH means this computer', () => {
    expect(healHostLabel({ host: 'web1.example.com', user: 'ops' })).toBe('ops@web1.example.com');
    expect(healHostLabel({ host: 'web1.example.com', user: 'ops', port: 2222 })).toBe('ops@web1.example.com:2222');
    expect(healHostLabel(undefined)).toBe('this computer');
  });
});
