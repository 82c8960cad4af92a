#!/usr/bin/env bash
# Makes models/forearm from nothing, in two runs of openbmd; each `train` writes its command,
# seed, cohort, code commit and date into its model.json (nothing is edited afterwards).
#
# 1. The three networks (background removal, coarse and fine key points) on 300 SIMULATED children
#    whose every radiograph has a processing chain of its own (domain randomisation) drawn from the
#    vendors' own processing and the families log-unsharp, power-law, linear-raw and multiscale.
# 2. Eq. [2] on 1000 other SIMULATED children taken in rooms of those families (a room keeps its
#    processing, as a hospital's does; 1000 gives every room the 12 cases of an equation of its
#    own, as a hospital's cohort would), cross-validated in 5 patient-grouped folds: this is
#    models/forearm.
#
# Held out of both: the film-like processing family and the flattened limb cross-section
# (scripts/evaluate-forearm-heldout.sh measures the model on them). Run from the repository root
# after `npm run build` (about 55 minutes on 2 cores):
#
#   bash scripts/ship-forearm-model.sh
#
# `--equation-only` reruns step 2 alone on the networks of an earlier step 1 in build/ship-forearm,
# or, where that is gone, on the shipped model's networks (their training record goes with them);
# for when the measurement or the simulator changed and the networks did not.
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/ship-forearm
openbmd() { node dist/src/cli/main.js "$@"; }
families=vendor,log-unsharp,power-law,linear-raw,multiscale
mkdir -p "$work"
if [ "${1:-}" = "--equation-only" ]; then
  if [ ! -f "$work/networks/model.json" ]; then
    [ -f models/forearm/model.json ] || { echo "no networks in $work/networks or models/forearm: run without --equation-only first" >&2; exit 2; }
    rm -rf "$work/networks" && cp -r models/forearm "$work/networks"
  fi
  rm -rf "$work/equation-cohort" "$work/model"
else
  rm -rf "$work/networks-cohort" "$work/networks" "$work/equation-cohort" "$work/model"
  openbmd simulate forearm --n 300 --seed 1000 --out "$work/networks-cohort" --processing "$families" --per-image-processing --limb round --workers 2
  openbmd train forearm --cohort "$work/networks-cohort/cohort.csv" --out "$work/networks" --seed 1 --epochs 40,10,12
fi
openbmd simulate forearm --n 1000 --seed 2000 --out "$work/equation-cohort" --processing "$families" --limb round --workers 2
openbmd train forearm --cohort "$work/equation-cohort/cohort.csv" --networks "$work/networks" --folds 5 --seed 1 --out "$work/model"
rm -rf models/forearm
mkdir -p models/forearm
cp -r "$work/model/model.json" "$work/model/networks" models/forearm/
for extra in metrics.json stage-validation.json; do
  if [ -f "$work/model/$extra" ]; then cp "$work/model/$extra" models/forearm/; fi
done
echo "models/forearm written from $work/model" >&2
