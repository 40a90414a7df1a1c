#!/usr/bin/env bash
# Makes sure the Debian packages named as arguments are installed (scripts/test.sh passes its list).
# As root the missing ones are installed with apt-get; otherwise the exact command is printed and
# the exit status is 1. On a system without dpkg nothing can be checked: a warning, status 0.
set -euo pipefail

if [ "$#" -eq 0 ]; then
  echo "usage: bash scripts/debian-packages.sh PACKAGE..." >&2
  exit 2
fi

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "warning: not a Debian system (no dpkg-query): cannot check for $*" >&2
  exit 0
fi

missing=()
for package in "$@"; do
  status="$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)"
  [ "$status" = "installed" ] || missing+=("$package")
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "all ${#} Debian packages present"
  exit 0
fi

command_line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "missing Debian packages: ${missing[*]}" >&2
  echo "install them, then run the tests again:" >&2
  echo "  sudo apt-get update && sudo $command_line" >&2
  exit 1
fi

echo "installing missing Debian packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get -o DPkg::Lock::Timeout=300 update -qq
apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
