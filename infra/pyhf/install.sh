#!/usr/bin/env bash
# pyhf (numpy backend, scipy optimizer) in a virtualenv: the side-by-side reference peer for tests and benchmarks;
# scikit-learn beside it is the GP benchmark's peer, FastJet's Python bindings the jet-clustering peer. Versions are
# pinned (infra/env.sh): the cross-checks compare optimizer end points, which move with scipy/numpy.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
if [ -x "$SIGMAP_PYHF_VENV/bin/python" ] && "$SIGMAP_PYHF_VENV/bin/python" -c "import pyhf, scipy, sklearn, fastjet; assert pyhf.__version__ == '$SIGMAP_PYHF_VERSION' and scipy.__version__ == '$SIGMAP_SCIPY_VERSION' and fastjet.__version__ == '$SIGMAP_FASTJET_VERSION'" 2>/dev/null; then
  exit 0
fi
echo "installing the Python peers (pyhf $SIGMAP_PYHF_VERSION, scikit-learn, FastJet) into $SIGMAP_PYHF_VENV" >&2
python3 -m venv "$SIGMAP_PYHF_VENV"
"$SIGMAP_PYHF_VENV/bin/pip" install -q --disable-pip-version-check "pyhf==$SIGMAP_PYHF_VERSION" "scipy==$SIGMAP_SCIPY_VERSION" "numpy==$SIGMAP_NUMPY_VERSION" "scikit-learn==$SIGMAP_SKLEARN_VERSION" "fastjet==$SIGMAP_FASTJET_VERSION"
