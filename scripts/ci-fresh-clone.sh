#!/usr/bin/env bash
# Runs CI as CI does, on a fresh clone of the committed HEAD with a cold target directory and
# ../shared beside it, and reports how long the cold build and the whole of .ci/run take.
# Usage: scripts/ci-fresh-clone.sh [WORKDIR]   (default: a new temporary directory)
set -euo pipefail

repo=$(git rev-parse --show-toplevel)
work=${1:-$(mktemp -d)}
mkdir -p "$work"
git clone -q "$repo" "$work/main"
if [ -d "$repo/../shared" ] && [ ! -e "$work/shared" ]; then
  ln -s "$(cd "$repo/../shared" && pwd)" "$work/shared"
fi
cd "$work/main"
echo "fresh clone of $(git rev-parse --short HEAD) in $work/main"

start=$(date +%s)
cargo build -q --workspace --all-targets
built=$(date +%s)
echo "cold build (workspace, all targets): $((built - start)) s"

CI=true bash .ci/run
done_at=$(date +%s)
echo ".ci/run after the cold build: $((done_at - built)) s; total $((done_at - start)) s"
