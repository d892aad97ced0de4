# Shared locations, sourced by the scripts. The cache lives outside the clone so every fresh clone reuses it.
export SIGMAP_CACHE="${SIGMAP_CACHE:-$HOME/.cache/sigmap}"
export SIGMAP_TEMPORAL_VERSION="${SIGMAP_TEMPORAL_VERSION:-v1.5.1}"
export SIGMAP_TEMPORAL_BIN="${SIGMAP_TEMPORAL_BIN:-$SIGMAP_CACHE/bin/temporal}"
export SIGMAP_PYHF_VENV="${SIGMAP_PYHF_VENV:-$SIGMAP_CACHE/pyhf-venv}"
export SIGMAP_PYHF_VERSION="${SIGMAP_PYHF_VERSION:-0.7.6}"
export SIGMAP_SCIPY_VERSION="${SIGMAP_SCIPY_VERSION:-1.17.1}"
export SIGMAP_NUMPY_VERSION="${SIGMAP_NUMPY_VERSION:-2.4.6}"
export SIGMAP_SKLEARN_VERSION="${SIGMAP_SKLEARN_VERSION:-1.9.1}"
