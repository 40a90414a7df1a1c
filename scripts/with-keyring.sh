#!/usr/bin/env bash
# Runs a command against a real, throw-away OS keychain (Linux Secret Service):
#   bash scripts/with-keyring.sh npx vitest run
# A fresh D-Bus session bus (dbus-run-session), a gnome-keyring daemon unlocked with a fixed
# password, and a temporary HOME / XDG directories that are deleted afterwards, so nothing touches
# the real user's keyring. The command sees KAAVAN_KEYRING_TEST=1, which tells the tests that need a
# real keychain to run. Exit status: the command's own, or 127 when a required tool is missing.
# Needs Debian's gnome-keyring and dbus (libsecret-tools for secret-tool, used by the tests).
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/with-keyring.sh COMMAND [ARG...]" >&2
  exit 2
fi

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "with-keyring: '$tool' not found; install it with: apt-get install -y gnome-keyring dbus libsecret-tools" >&2
    exit 127
  fi
done

tmp="$(mktemp -d "${TMPDIR:-/tmp}/kaavan-keyring.XXXXXX")"
cleanup() { rm -rf -- "$tmp"; }
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/home" "$tmp/run" "$tmp/home/.cache" "$tmp/home/.config" "$tmp/home/.local/share"
chmod 700 "$tmp" "$tmp/home" "$tmp/run"

export HOME="$tmp/home"
export XDG_RUNTIME_DIR="$tmp/run"
export XDG_CACHE_HOME="$HOME/.cache"
export XDG_CONFIG_HOME="$HOME/.config"
export XDG_DATA_HOME="$HOME/.local/share"
export KAAVAN_KEYRING_TEST=1
export npm_config_update_notifier=false   # the temp HOME has no npm state; skip the version check
# A throw-away keyring in a temporary HOME: a fresh random unlock password each run.
export KAAVAN_KEYRING_PASSWORD="$(od -An -tx1 -N12 /dev/urandom | tr -d " \n")"
# Never let a desktop session's bus or keyring leak in: dbus-run-session sets its own address.
unset DBUS_SESSION_BUS_ADDRESS GNOME_KEYRING_CONTROL

status=0
dbus-run-session -- sh -c '
  # The daemon prints environment assignments on stdout; keep the command'"'"'s stdout clean.
  printf %s "$KAAVAN_KEYRING_PASSWORD" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  # The daemon may return before it owns org.freedesktop.secrets on the bus; a client arriving
  # earlier would make D-Bus start a second, locked daemon. Wait (at most 10 s) for the name.
  if command -v dbus-send >/dev/null 2>&1; then
    i=0
    until dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
        org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q "boolean true"; do
      i=$((i + 1))
      if [ "$i" -ge 100 ]; then
        echo "with-keyring: gnome-keyring-daemon did not register org.freedesktop.secrets on the session bus" >&2
        exit 125
      fi
      sleep 0.1
    done
  fi
  if command -v secret-tool >/dev/null 2>&1; then
    # Prove the keyring accepts writes before claiming KAAVAN_KEYRING_TEST=1.
    if ! printf probe | secret-tool store --label="kaavan with-keyring probe" service kaavan-with-keyring account probe 2>/dev/null \
      || ! secret-tool clear service kaavan-with-keyring account probe 2>/dev/null; then
      echo "with-keyring: the gnome-keyring daemon did not come up unlocked; cannot run with a real keychain" >&2
      exit 125
    fi
  fi
  exec "$@"
' with-keyring "$@" || status=$?
exit "$status"
