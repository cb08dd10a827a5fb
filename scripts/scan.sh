#!/usr/bin/env bash
# Scan the synthesized templates of the given environments (cdk.out.<env>/)
# with cfn-lint (informational rules on) and checkov. Any finding fails:
# cfn-lint exits non-zero on errors, warnings and infos alike, checkov on any
# failed check. Each tool runs once over all templates (its start-up is most of
# its time); findings name the template file, so the environment is visible.
# Skips live in .cfnlintrc (with reasons) and in each resource's Metadata.
# Usage: scripts/scan.sh dev staging prod
set -uo pipefail
cd "$(dirname "$0")/.."

SCAN_BIN=.venv-scan/bin
# Where `make synth` writes each environment's templates; tests point it elsewhere.
CDK_OUT_PREFIX=${CDK_OUT_PREFIX:-cdk.out.}
# Hermetic: no guideline download (--skip-download), no PyPI version check.
export CKV_SKIP_PACKAGE_UPDATE_CHECK=true

templates=()
for env in "$@"; do
  found=("$CDK_OUT_PREFIX$env"/*.template.json)
  if [ ! -e "${found[0]}" ]; then
    echo "scan: no templates in $CDK_OUT_PREFIX$env/; run 'make synth' first" >&2
    exit 2
  fi
  templates+=("${found[@]}")
done

failed=()
echo "== cfn-lint -c I: ${#templates[@]} templates of $*"
"$SCAN_BIN/cfn-lint" -c I --format parseable -- "${templates[@]}" || failed+=(cfn-lint)

echo "== checkov --framework cloudformation --skip-download: ${#templates[@]} templates of $*"
checkov_files=()
for template in "${templates[@]}"; do checkov_files+=(-f "$template"); done
"$SCAN_BIN/checkov" --framework cloudformation --skip-download --quiet --compact \
  "${checkov_files[@]}" || failed+=(checkov)

if [ ${#failed[@]} -gt 0 ]; then
  echo "scan FAILED: ${failed[*]} reported findings (above). Fix them, or skip one with a" \
    "reason as docs/operations.md describes." >&2
  exit 1
fi
echo "scan passed: cfn-lint and checkov found nothing in $*"
