// What a person reads when a `heal:` block or the give-up age is wrong: the field path and words,
// never schema text (through the config validator the UI, `kaavan config validate` and a hand edit use).
import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../../src-main/core/config/validate.js';

const withHeal = (heal: unknown) => ({ version: 1, targets: [{ name: 'web1', checks: [{ name: 'homepage', kind: 'tcp', host: '127.0.0.1', port: 80, heal }] }] });
const issues = (doc: unknown) => validateConfig(doc).issues;
const at = 'targets.0.checks.0.heal';

describe('heal and delivery settings in the configuration', () => {
  it('accepts a command or a webhook heal, and the give-up age', () => {
    expect(issues(withHeal({ command: 'systemctl restart nginx', label: 'restart nginx', maxAttempts: 2, cooldown: '5m', enabled: false }))).toEqual([]);
    expect(issues(withHeal({ webhook: { urlRef: 'redeploy-hook' } }))).toEqual([]);
    expect(issues({ version: 1, settings: { deliveryGiveUp: '6h' } })).toEqual([]);
  });

  it('says what is wrong, where', () => {
    expect(issues(withHeal({}))).toEqual([{ path: at, message: 'needs a command (run on the check\'s host, e.g. "systemctl restart nginx") or webhook: { urlRef: NAME }' }]);
    expect(issues(withHeal({ command: 'x', webhook: { urlRef: 'y' } }))).toEqual([{ path: at, message: "give either command (run on the check's host) or webhook: { urlRef: NAME }, not both" }]);
    expect(issues(withHeal({ command: 'x', maxAttempts: 0 }))).toEqual([{ path: `${at}.maxAttempts`, message: 'must be at least 1' }]);
    expect(issues(withHeal({ command: 'restart\nrm -rf /' }))).toEqual([{ path: `${at}.command`, message: 'must be one line' }]);
    expect(issues(withHeal({ comand: 'x' }))[0]).toEqual({ path: `${at}.comand`, message: 'unknown field "comand"; did you mean "command"?' });
    expect(issues({ version: 1, settings: { deliveryGiveUp: '5s' } })).toEqual([{ path: 'settings.deliveryGiveUp', message: 'must be at least 1m (got 5s)' }]);
  });
});
