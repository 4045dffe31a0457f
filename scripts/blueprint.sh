#!/usr/bin/env bash
# The blueprint round trip (issue 13): Mesh, a CIP-57 off-chain library from the npm registry,
# reads `harness blueprint`, applies the parameters and encodes a create datum and a fill
# redeemer from the schemas; every byte must equal what the harness builds for the same fixtures.
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/blueprint-check
rm -rf "$out" && mkdir -p "$out"
cargo run -q -p harness -- blueprint --out "$out/plutus.json"
cargo run -q -p harness -- replay --emit-cbor "$out/tx" \
  fixtures/swaps/one_way/create/create_ada_to_token.json \
  fixtures/swaps/one_way/fill/fill_low_policy_token_to_ada_swap_at.json >/dev/null
(cd scripts/blueprint && npm install --no-audit --no-fund --silent)
node scripts/blueprint/check.mjs "$out/plutus.json" "$out/tx"
