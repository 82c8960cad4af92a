#!/usr/bin/env bash
# The headline figures of the shipped forearm model, measured once on SIMULATED cohorts that chose
# nothing and were in no training cohort (scripts/ship-forearm-model.sh holds the film-like
# processing family and the flattened limb out of both of its cohorts):
#
# - fresh-2101: 150 new children in rooms of the training families, round limbs;
# - processing-2102: 150 children in film-like rooms (a family held out), round limbs;
# - anatomy-2103: 150 children in rooms of the training families with flattened limbs (held out).
#
# For each: `openbmd predict` with models/forearm, then `openbmd evaluate`; the refusals are the
# rows with an error. Run from the repository root after `npm run build` (about 10 minutes):
#
#   bash scripts/evaluate-forearm-heldout.sh
#
# A cohort already simulated is kept. Results: build/heldout-forearm/<cohort>/{predictions.csv,
# evaluation/metrics.json, evaluation/report.html}.
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/heldout-forearm
openbmd() { node dist/src/cli/main.js "$@"; }
training=vendor,log-unsharp,power-law,linear-raw,multiscale
mkdir -p "$work"
simulate() {
  if [ ! -f "$work/$1/cohort.csv" ]; then openbmd simulate forearm --out "$work/$1" "${@:2}" --workers 2; fi
}
simulate fresh-2101 --n 150 --seed 2101 --processing "$training" --limb round
simulate processing-2102 --n 150 --seed 2102 --processing film-like --limb round
simulate anatomy-2103 --n 150 --seed 2103 --processing "$training" --limb flattened
for cohort in fresh-2101 processing-2102 anatomy-2103; do
  dir="$work/$cohort"
  openbmd predict --model models/forearm --cohort "$dir/cohort.csv" --out "$dir/predictions.csv"
  openbmd evaluate --cohort "$dir/cohort.csv" --predictions "$dir/predictions.csv" --model models/forearm --out "$dir/evaluation"
done
echo "held-out figures in $work/*/evaluation/metrics.json" >&2
