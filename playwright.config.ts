import { defineConfig } from '@playwright/test';

// Browser tests run in Debian's Chromium (never a downloaded browser). The web project drives the
// dashboard served by `kaavan serve`; the electron project runs where Electron's binary exists.
export const chromiumLaunchOptions = {
  executablePath: process.env.KAAVAN_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-quic',
  ],
};

export default defineConfig({
  outputDir: 'test-results',
  workers: 1,
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  use: { launchOptions: chromiumLaunchOptions, screenshot: 'only-on-failure', trace: 'retain-on-failure' },
  projects: [
    { name: 'web', testDir: 'tests/e2e' },
    { name: 'electron', testDir: 'tests/e2e-electron' },
  ],
});
