#!/usr/bin/env bash
# Makes the shipped ct-spine model (models/ct-spine): the recalibration of every vBMD method to the
# reference QCT, fitted on a SIMULATED cohort of its own (seed 300: never used to choose a method
# nor to report a figure), with the image networks and the DenseNet reused from the shipped model.
# `openbmd train` writes the command, seed, cohort, code commit and date into model.json; this
# script only runs it and copies the folder. Run from the repository root after `npm run build`:
#
#   bash scripts/ship-ct-spine-model.sh            (about 40 minutes on 2 cores)
#
# Work files go to build/ship-ct-spine (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/ship-ct-spine
openbmd() { node dist/src/cli/main.js "$@"; }
rm -rf "$work"
mkdir -p "$work"
openbmd simulate ct-spine --n 200 --out "$work/recalibration-300" --seed 300 --ct-slices 100 --slice-mm 2.5 \
  --vendors scanner-a,scanner-b,scanner-c --workers 2
# The networks reused are the shipped ones (train loads them before anything is written).
openbmd train ct-spine --cohort "$work/recalibration-300/cohort.csv" --networks models/ct-spine --folds 5 --seed 1 \
  --out "$work/model"
rm -rf models/ct-spine
mkdir -p models/ct-spine
cp -r "$work/model/model.json" "$work/model/networks" models/ct-spine/
for extra in metrics.json stage-validation.json; do
  if [ -f "$work/model/$extra" ]; then cp "$work/model/$extra" models/ct-spine/; fi
done
echo "models/ct-spine rewritten from $work/model" >&2
