#!/usr/bin/env bash
# Installs the official Temporal CLI (dev server included) from its Go module, once, into $SIGMAP_CACHE/bin.
# v1.5.1 is the newest tag that `go install` accepts (later tags carry a replace directive).
set -euo pipefail
source "$(dirname "$0")/../env.sh"
if [ -x "$SIGMAP_TEMPORAL_BIN" ] && "$SIGMAP_TEMPORAL_BIN" --version >/dev/null 2>&1; then
  exit 0
fi
command -v go >/dev/null || { echo "error: go: the Go toolchain is needed to build the Temporal CLI (or set SIGMAP_TEMPORAL_BIN)" >&2; exit 2; }
echo "installing Temporal CLI $SIGMAP_TEMPORAL_VERSION into $(dirname "$SIGMAP_TEMPORAL_BIN") (go install, first time only: a few minutes)" >&2
mkdir -p "$(dirname "$SIGMAP_TEMPORAL_BIN")"
GOBIN="$(dirname "$SIGMAP_TEMPORAL_BIN")" go install "github.com/temporalio/cli/cmd/temporal@$SIGMAP_TEMPORAL_VERSION"
"$SIGMAP_TEMPORAL_BIN" --version >&2
