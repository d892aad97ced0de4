#!/usr/bin/env bash
# The Python side of sigmap, in one virtualenv (pinned in infra/env.sh; the cross-checks compare optimizer end points,
# which move with scipy/numpy):
#   peers   pyhf (numpy backend, scipy optimizer) for the statistics, scikit-learn for the GP benchmark, FastJet's
#           Python bindings for jet clustering, SModelS for reinterpretation on the SModelS database;
#   workers Pythia 8 (pythia8mc, a manylinux wheel) as the event generator of the simulation queues, pylhe and pyhepmc
#           for the LHE / HepMC3 files a group brings.
set -euo pipefail
source "$(dirname "$0")/../env.sh"
check="import pyhf, scipy, sklearn, fastjet, smodels.installation as si, pythia8mc, pylhe, pyhepmc
assert pyhf.__version__ == '$SIGMAP_PYHF_VERSION' and scipy.__version__ == '$SIGMAP_SCIPY_VERSION' and fastjet.__version__ == '$SIGMAP_FASTJET_VERSION'
assert si.version() == '$SIGMAP_SMODELS_VERSION', si.version()
import importlib.metadata as md
assert md.version('pythia8mc') == '$SIGMAP_PYTHIA_VERSION' and md.version('pylhe') == '$SIGMAP_PYLHE_VERSION' and md.version('pyhepmc') == '$SIGMAP_PYHEPMC_VERSION'"
if [ -x "$SIGMAP_PYHF_VENV/bin/python" ] && "$SIGMAP_PYHF_VENV/bin/python" -c "$check" 2>/dev/null; then
  exit 0
fi
echo "installing the Python peers and workers (pyhf $SIGMAP_PYHF_VERSION, scikit-learn, FastJet, SModelS $SIGMAP_SMODELS_VERSION, Pythia $SIGMAP_PYTHIA_VERSION, pylhe, pyhepmc) into $SIGMAP_PYHF_VENV" >&2
[ -x "$SIGMAP_PYHF_VENV/bin/python" ] || python3 -m venv "$SIGMAP_PYHF_VENV"
"$SIGMAP_PYHF_VENV/bin/pip" install -q --disable-pip-version-check "pyhf==$SIGMAP_PYHF_VERSION" "scipy==$SIGMAP_SCIPY_VERSION" \
  "numpy==$SIGMAP_NUMPY_VERSION" "scikit-learn==$SIGMAP_SKLEARN_VERSION" "fastjet==$SIGMAP_FASTJET_VERSION" \
  "smodels==$SIGMAP_SMODELS_VERSION" "pythia8mc==$SIGMAP_PYTHIA_VERSION" "pylhe==$SIGMAP_PYLHE_VERSION" "pyhepmc==$SIGMAP_PYHEPMC_VERSION"
"$SIGMAP_PYHF_VENV/bin/python" -c "$check"
