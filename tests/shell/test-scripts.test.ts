// The scripts behind `npm test` on a fresh machine, run for real: the Debian package check names
// exactly what is missing and the command to install it (as a user who is not root, so nothing is
// installed here), and the Electron-Node step says clearly when it is skipped.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a script as an unprivileged user (nobody when the tests run as root). */
function runUnprivileged(script: string, args: string[], env: Record<string, string> = {}) {
  const command = ['bash', `${root}${script}`, ...args];
  const asRoot = process.getuid?.() === 0;
  const result = asRoot
    ? spawnSync('su', ['nobody', '-s', '/bin/bash', '-c', command.map((a) => `'${a}'`).join(' ')], { encoding: 'utf8', env: { ...process.env, ...env } })
    : spawnSync(command[0]!, command.slice(1), { encoding: 'utf8', env: { ...process.env, ...env } });
  return { status: result.status, out: result.stdout + result.stderr };
}

const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;

describe.skipIf(!hasDpkg)('Debian package check (scripts/debian-packages.sh)', () => {
  it('passes when every package is installed', () => {
    const result = runUnprivileged('scripts/debian-packages.sh', ['bash', 'coreutils']);
    expect(result).toMatchObject({ status: 0 });
    expect(result.out).toContain('all 2 Debian packages present');
  });

  it('without root, names the missing packages and the exact command, and fails', () => {
    const result = runUnprivileged('scripts/debian-packages.sh', ['bash', 'kaavan-no-such-package', 'coreutils', 'kaavan-no-such-package-2']);
    expect(result.status).toBe(1);
    expect(result.out).toContain('missing Debian packages: kaavan-no-such-package kaavan-no-such-package-2');
    expect(result.out).toContain(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends kaavan-no-such-package kaavan-no-such-package-2',
    );
  });
});

describe('core tests under Electron Node (scripts/test-core-under-electron.sh)', () => {
  it('prints a clear skip line and succeeds where no Electron binary exists', () => {
    const result = spawnSync('bash', [`${root}scripts/test-core-under-electron.sh`], {
      encoding: 'utf8',
      env: { ...process.env, KAAVAN_ELECTRON_BINARY: '/nonexistent/electron' },
    });
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("SKIPPED: core tests under Electron's Node: no Electron binary on this machine");
  });
});
