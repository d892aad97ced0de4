#!/usr/bin/env bash
# Installs everything sigmap needs on a fresh machine; cheap when it is all there already.
set -euo pipefail
cd "$(dirname "$0")/.."
# The reference data lives in ../shared beside the repository (DESIGN.md, SIGMAP_DATA_DIR). A clone made elsewhere
# from a local checkout (git clone /path/to/sigmap DIR) finds it beside that checkout and links it.
if [ ! -e ../shared ]; then
  origin=$(git config --get remote.origin.url || true)
  if [ -n "$origin" ] && [ -d "$origin/../shared/data" ]; then
    ln -s "$(cd "$origin/../shared" && pwd)" ../shared
    echo "linked ../shared -> $(cd ../shared && pwd -P) (beside the checkout this clone came from)" >&2
  else
    echo "warning: no ../shared beside the repository: tests that read the reference data will fail" >&2
  fi
fi
source infra/env.sh
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages (npm ci)" >&2
  npm ci --no-audit --no-fund --loglevel=error
fi
bash infra/temporal/install.sh
if [ "${SIGMAP_SKIP_PYHF:-0}" != 1 ]; then bash infra/pyhf/install.sh; fi
if [ "${SIGMAP_SKIP_BROWSER:-0}" != 1 ]; then bash infra/browser/install.sh >/dev/null; fi
if [ "${SIGMAP_SKIP_POSTGRES:-0}" != 1 ]; then bash infra/postgres/install.sh; fi
# The SModelS database: unpacked once into the cache and parsed once (its index is cached beside it), so that tests and
# scans load it in seconds.
npx sigmap database >&2
