#!/usr/bin/env bash
# The project's test command (`npm test`): static checks, build, unit + integration tests under a
# real keychain, then browser end-to-end tests in Debian's Chromium against `kaavan serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "typecheck"
npx tsc -p tsconfig.json --noEmit

step "lint"
npx eslint . --max-warnings 0

step "build (electron-vite)"
npx electron-vite build

step "unit and integration tests (vitest, real OS keychain)"
bash scripts/with-keyring.sh npx vitest run

step "end-to-end tests (Playwright, Debian Chromium)"
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a npx playwright test
else
  npx playwright test
fi
