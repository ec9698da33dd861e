#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests, when it is missing.
# Only the chromium package and what it needs are installed; nothing that
# is already installed is upgraded (--no-upgrade, no dist-upgrade).
set -euo pipefail
if command -v chromium >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "chromium is missing; install it with: sudo apt-get install --no-upgrade -y chromium" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
new=$(apt-get install --no-upgrade -s chromium 2>/dev/null | awk '/^Inst /{print $2}' | tr '\n' ' ')
echo "the browser tests need Chromium; installing these Debian packages (nothing already installed is upgraded): $new" >&2
apt-get install --no-upgrade -y -qq chromium >&2
