#!/usr/bin/env bash
# The test command (README, .ci/run): installs what is missing, then type-checks, lints and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
source infra/env.sh
export SIGMAP_PYHF_PYTHON="$SIGMAP_PYHF_VENV/bin/python"
echo "== typecheck"; npx tsc -p tsconfig.json --noEmit
echo "== lint (module boundaries, domain purity)"; NX_DAEMON=false npx nx show projects >/dev/null; npx eslint .
echo "== dead code (knip: unused files, exports, dependencies)"; npx knip --no-progress --exclude unlisted
echo "== format (prettier --check)"; git ls-files -z '*.ts' '*.js' '*.mjs' '*.cjs' | xargs -0 npx prettier --check --log-level warn
mkdir -p reports/tmp
echo "== tests"
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=reports/tmp/vitest.json "$@" || status=$?
node scripts/test-summary.js reports/tmp/vitest.json
exit $status
