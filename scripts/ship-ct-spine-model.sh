#!/usr/bin/env bash
# Makes the shipped ct-spine model (models/ct-spine) from nothing, in two `openbmd train` runs on
# SIMULATED cohorts of their own:
#   1. the image networks (two localisation SCNs, the cancellous U-Net) and the DenseNet, trained on
#      the labels of 200 series (seed 100; 15 % of the patients for early stopping; a quarter of the
#      series with intravenous contrast, and training blurs and noises the inputs at random, so the
#      networks meet enhanced and soft or noisy series; the arms are never down, so that
#      scripts/evaluate-ct-spine-heldout.sh holds that anatomy out);
#   2. the recalibration of every vBMD method to the reference QCT, fitted with those networks on
#      200 other series (seed 300), which neither trained them nor chose anything.
# `openbmd train` writes the command, seed, cohort, code commit and date into each model.json; this
# script only runs it and copies the second folder. Run from the repository root after
# `npm run build`:
#
#   bash scripts/ship-ct-spine-model.sh            (about 90 minutes on 2 cores)
#
# or, to refit only the recalibration (2) when the measurement or the recalibration changed but the
# networks did not: the shipped networks are reused as they are (their own cohort stays recorded in
# model.json's networksFrom):
#
#   bash scripts/ship-ct-spine-model.sh --recalibration-only        (about 20 minutes)
#
# Work files go to build/ship-ct-spine (ignored by git).
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/ship-ct-spine
openbmd() { node dist/src/cli/main.js "$@"; }
if [ "${1:-}" = "--recalibration-only" ]; then
  rm -rf "$work/networks" "$work/recalibration-300" "$work/model"
  mkdir -p "$work"
  cp -r models/ct-spine "$work/networks"
else
  rm -rf "$work"
  mkdir -p "$work"
  openbmd simulate ct-spine --n 200 --out "$work/networks-100" --seed 100 --ct-slices 100 --slice-mm 2.5 \
    --vendors scanner-a,scanner-b,scanner-c --contrast-share 0.25 --arms-down-share 0 --workers 2
  openbmd train ct-spine --cohort "$work/networks-100/cohort.csv" --seed 1 --out "$work/networks"
fi
openbmd simulate ct-spine --n 200 --out "$work/recalibration-300" --seed 300 --ct-slices 100 --slice-mm 2.5 \
  --vendors scanner-a,scanner-b,scanner-c --arms-down-share 0 --workers 2
openbmd train ct-spine --cohort "$work/recalibration-300/cohort.csv" --networks "$work/networks" --folds 5 --seed 1 \
  --out "$work/model"
rm -rf models/ct-spine
mkdir -p models/ct-spine
cp -r "$work/model/model.json" "$work/model/networks" models/ct-spine/
for extra in metrics.json; do  # the stage validation is in model.json
  if [ -f "$work/model/$extra" ]; then cp "$work/model/$extra" models/ct-spine/; fi
done
echo "models/ct-spine rewritten from $work/model" >&2
