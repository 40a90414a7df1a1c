#!/usr/bin/env bash
# The core tests (tests/core, or the paths given) under Electron's own Node: the app's main process
# runs Electron's Node (24), CI runs Node 20, and core code must work on both. Runs where Electron's
# binary was downloaded (node_modules/electron/dist); elsewhere it says so and exits 0.
# KAAVAN_ELECTRON_BINARY overrides the binary (any program that acts as Node with ELECTRON_RUN_AS_NODE=1).
set -euo pipefail
cd "$(dirname "$0")/.."

binary="${KAAVAN_ELECTRON_BINARY:-}"
if [ -z "$binary" ] && [ -d node_modules/electron/dist ] && [ -f node_modules/electron/path.txt ]; then
  binary="node_modules/electron/dist/$(cat node_modules/electron/path.txt)"
fi
if [ -z "$binary" ] || [ ! -x "$binary" ]; then
  echo "SKIPPED: core tests under Electron's Node: no Electron binary on this machine (${binary:-node_modules/electron/dist is missing}${binary:+ does not exist})"
  exit 0
fi

[ "$#" -gt 0 ] || set -- tests/core
export ELECTRON_RUN_AS_NODE=1
echo "core tests under $binary (Node $("$binary" -p 'process.versions.node'), Electron $("$binary" -p 'process.versions.electron ?? "none"'))"
# vitest's workers are forked from process.execPath, so they run under the same binary.
exec bash scripts/with-keyring.sh "$binary" node_modules/vitest/vitest.mjs run "$@"
