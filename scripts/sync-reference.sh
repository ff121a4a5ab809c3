#!/usr/bin/env bash
# Copies the Keras reference cases (generated data: inputs, weights, outputs and gradients that
# Keras computed, see FORMAT.md) from ../shared/reference into the project's test resources, so
# that the parity tests run on every clone. Real third-party model files (reference/models,
# fixtures/) are not copied: their licences differ; the tests that read them skip without them.
# Usage: scripts/sync-reference.sh [source folder]   (default: ../shared/reference beside the project)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
src="${1:-$root/../shared/reference}"
dst="$root/dsl/src/test/resources/keras-reference"
if [[ ! -d "$src/layers" || ! -d "$src/wave2/layers" ]]; then
  echo "sync-reference: no reference cases at $src (expected layers/ and wave2/layers/)" >&2
  exit 1
fi
rm -rf "$dst"
mkdir -p "$dst/layers" "$dst/wave2/layers"
cp "$src/FORMAT.md" "$dst/"
cp "$src"/layers/*.json "$dst/layers/"
cp "$src"/wave2/layers/*.json "$dst/wave2/layers/"
[[ -f "$src/wave2/index.json" ]] && cp "$src/wave2/index.json" "$dst/wave2/"
echo "sync-reference: $(find "$dst" -name '*.json' -path '*layers*' | wc -l) cases," \
  "$(du -sh "$dst" | cut -f1) in ${dst#"$root"/}"
