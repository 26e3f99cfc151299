#!/usr/bin/env bash
# Runs every test of the project: the Rust workspace tests and the browser
# end-to-end test of the console. Installs what the tests need when missing
# (Debian's chromium, Node packages for the browser test).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -d ../shared/corpus ] && [ -z "${LACHAN_SHARED:-}" ]; then
  echo "error: test data not found at $(cd .. && pwd)/shared (set LACHAN_SHARED)" >&2
  exit 1
fi

need_apt=()
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs npm)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing: ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

export SQLX_OFFLINE=true
cargo test --workspace --locked

cargo build --locked -p lachan
# Absolute, so that the path still holds inside e2e/ (CARGO_TARGET_DIR may be relative).
target_dir=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
export LACHAN_BIN="$target_dir/debug/lachan"
(cd e2e && { [ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent; } && node --test)
