#!/usr/bin/env bash
# The main job (README): installs what is missing, then runs a real scan on the embedded defaults
# (a local Temporal dev server and PGlite, started for you) and writes its report.
set -euo pipefail
cd "$(dirname "$0")/.."
SIGMAP_SKIP_PYHF=1 SIGMAP_SKIP_BROWSER=1 SIGMAP_SKIP_POSTGRES=1 bash scripts/bootstrap.sh
spec="${1:-examples/sbottom-lookup.yaml}"
npx --no-install sigmap scan "$spec" --report reports/demo --json-out reports/demo/scan.json
