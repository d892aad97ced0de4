#!/usr/bin/env bash
# Idempotent: installs Debian's postgresql server binaries for the store's PostgreSQL tests (infra/postgres/throwaway.sh
# starts a private cluster from them; no system service is used). Needs root or sudo the first time.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then exit 0; fi
SUDO=""
if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends postgresql >/dev/null
