#!/usr/bin/env bash
# Idempotent: installs Debian's chromium for the dashboard browser test (playwright-core drives it headless).
# Prints the executable path. Needs root (or sudo) the first time; later runs only check.
set -euo pipefail
BIN="${SIGMAP_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$BIN" ]; then echo "$BIN"; exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
[ -x "$BIN" ] || { echo "chromium not found at $BIN after install" >&2; exit 1; }
echo "$BIN"
