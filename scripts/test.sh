#!/usr/bin/env bash
# The project's test command (`npm test`), meant to pass on a fresh Debian machine by itself:
# Debian packages (installed when missing, as root; otherwise the exact command is printed), npm
# dependencies when absent, static checks, build, unit + integration tests under a real keychain,
# the core tests again under Electron's Node where its binary exists, then browser end-to-end tests
# in Debian's Chromium against `kaavan serve` (and the Electron app where its binary exists).
set -euo pipefail
cd "$(dirname "$0")/.."

# Every Debian package the tests need, in ONE list: issues that bring new peers (zstd, age, restic,
# postgresql, openssh-server, prometheus, dnsmasq, ...) add them here.
#   chromium: browser E2E; xvfb, xauth: a display for Electron E2E; gnome-keyring, dbus, dbus-x11,
#   libsecret-tools: the real OS keychain under dbus-run-session (scripts/with-keyring.sh);
#   openssl, ca-certificates: TLS test peers; fonts-dejavu-core: screenshots with real glyphs.
DEBIAN_PACKAGES=(
  chromium xvfb xauth
  gnome-keyring dbus dbus-x11 libsecret-tools
  openssl ca-certificates
  fonts-dejavu-core
  # host checks: sshd servers, a DNS server, PostgreSQL, and the tools the checks' tests use
  openssh-server openssh-client dnsmasq postgresql iproute2 procps passwd util-linux
  # backups: restores with the standard tools (zstd | tar, age -d | zstd | tar)
  age zstd tar
  # Prometheus' promtool checks the /metrics exposition
  prometheus
)

step() { printf '\n== %s\n' "$*"; }

step "Debian packages"
bash scripts/debian-packages.sh "${DEBIAN_PACKAGES[@]}"

if [ ! -d node_modules ] || [ ! -f node_modules/.package-lock.json ]; then
  step "npm dependencies (npm ci)"
  npm ci --no-audit --no-fund
fi

step "typecheck"
npx tsc -p tsconfig.json --noEmit

step "lint"
npx eslint . --max-warnings 0

step "build (electron-vite)"
npx electron-vite build

step "unit and integration tests (vitest, real OS keychain)"
bash scripts/with-keyring.sh npx vitest run

step "core tests under Electron's Node"
bash scripts/test-core-under-electron.sh

step "end-to-end tests (Playwright, Debian Chromium, real OS keychain)"
if command -v xvfb-run >/dev/null 2>&1; then
  xvfb-run -a bash scripts/with-keyring.sh npx playwright test
else
  bash scripts/with-keyring.sh npx playwright test
fi
