#!/usr/bin/env bash
# pyhf (numpy backend, scipy optimizer) in a virtualenv: the side-by-side reference peer for tests and benchmarks.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
if [ -x "$SIGMAP_PYHF_VENV/bin/python" ] && "$SIGMAP_PYHF_VENV/bin/python" -c "import pyhf, scipy; assert pyhf.__version__ == '$SIGMAP_PYHF_VERSION'" 2>/dev/null; then
  exit 0
fi
echo "installing pyhf $SIGMAP_PYHF_VERSION into $SIGMAP_PYHF_VENV" >&2
python3 -m venv "$SIGMAP_PYHF_VENV"
"$SIGMAP_PYHF_VENV/bin/pip" install -q --disable-pip-version-check "pyhf==$SIGMAP_PYHF_VERSION" scipy
