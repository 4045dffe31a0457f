#!/usr/bin/env bash
# Renders `harness report` in headless Chromium (Debian's package `chromium`) to a PNG.
# Usage: bash scripts/report-screenshot.sh [OUT_DIR] [harness report options...]
# Writes OUT_DIR/index.html and OUT_DIR/report.png (OUT_DIR defaults to target/report).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-target/report}"
shift || true
command -v chromium >/dev/null || { echo "needs chromium: apt-get install -y chromium" >&2; exit 2; }
cargo run -q -p harness -- report --out "$out" "$@"
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=1280,4000 \
  --screenshot="$PWD/$out/report.png" "file://$PWD/$out/index.html" 2>/dev/null
echo "$out/report.png"
