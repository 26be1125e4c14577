#!/usr/bin/env bash
# make deploy-check: the README's `sam build`, for real, into a temporary folder; then every
# function's artifact is checked (tools from .venv-package, see `make deploy-tools`).
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d "${TMPDIR:-/tmp}/concierge-sam-build.XXXXXX")
trap 'rm -rf "$dir"' EXIT
export PATH="$PWD/.venv-package/bin:$PATH" SAM_CLI_TELEMETRY=0
start=$(date +%s)
sam build --template-file template.yaml --build-dir "$dir/build" --cache-dir "$dir/cache"
echo "sam build took $(( $(date +%s) - start )) s"
cargo run --quiet --locked -p concierge-infra --bin concierge-deploy-check -- "$dir/build"
