#!/usr/bin/env bash
# Development check (SIMULATED, seed 720): does the vertebral bodies' trabecular pattern carry what
# the BMD networks use? The same 200 people (vendors a-c) simulated with the pattern and without it
# (--no-trabecular-pattern), each cross-validated the same way: `train lumbar` reusing the shipped
# locators, 5 patient-grouped folds, the AP+LAT network with covariates, 16 epochs; then the simple
# ROI-feature baseline on each. A development cohort: it chooses, it does not report. Run from the
# repository root after `npm run build`:
#
#   bash scripts/lumbar-texture-ablation.sh        (about an hour on 2 cores)
#
# Work files: build/texture-ablation (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/texture-ablation
openbmd() { node dist/src/cli/main.js "$@"; }
mkdir -p "$work"
for variant in textured flat; do
  dir="$work/$variant-720"
  extra=()
  if [ "$variant" = flat ]; then extra=(--no-trabecular-pattern); fi
  if [ ! -f "$dir/cohort.csv" ]; then
    openbmd simulate lumbar --n 200 --seed 720 --vendors vendor-a,vendor-b,vendor-c --out "$dir" --workers 2 "${extra[@]}"
  fi
  rm -rf "$work/model-$variant"
  openbmd train lumbar --cohort "$dir/cohort.csv" --out "$work/model-$variant" --networks models/lumbar --folds 5 --seed 1 --variants ap+lat --epochs 1,16
  /usr/bin/python3 scripts/lumbar-roi-feature-baseline.py "$dir"
done
