#!/usr/bin/env bash
# The headline figures of the shipped lumbar model, measured once on SIMULATED cohorts that chose
# nothing and trained nothing: fresh studies of the training vendors (seed N: vendors a-c), an
# unseen vendor (seed N+1: vendor d, which scripts/ship-lumbar-model.sh keeps out of training), an
# unseen processing family (seed N+2: film-like rooms, vendors a-c) and a degenerative spine
# (seed N+3: osteophytes in everyone by 80, scaled from none at 40, and fractures in 30 %). For each, `openbmd predict`
# with models/lumbar, then `openbmd evaluate`. Run from the repository root after `npm run build`:
#
#   bash scripts/evaluate-lumbar-heldout.sh --seed-base 810        (about 20 minutes on 2 cores)
#
# A cohort already simulated is kept. Results: build/heldout-lumbar/<cohort>/{predictions.csv,
# evaluation/metrics.json, report.html}.
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/heldout-lumbar
openbmd() { node dist/src/cli/main.js "$@"; }
mkdir -p "$work"
simulate() {
  if [ ! -f "$work/$1/cohort.csv" ]; then openbmd simulate lumbar --out "$work/$1" "${@:2}" --workers 2; fi
}
base=810
if [ "${1:-}" = "--seed-base" ]; then base=$2; fi
fresh=fresh-$base vendor=vendor-d-$((base + 1)) processing=film-like-$((base + 2)) anatomy=degenerative-$((base + 3))
simulate "$fresh" --n 60 --seed "$base" --vendors vendor-a,vendor-b,vendor-c
simulate "$vendor" --n 40 --seed $((base + 1)) --vendors vendor-d
simulate "$processing" --n 40 --seed $((base + 2)) --vendors vendor-a,vendor-b,vendor-c --processing film-like
simulate "$anatomy" --n 40 --seed $((base + 3)) --vendors vendor-a,vendor-b,vendor-c --osteophyte-share 1 --fracture-share 0.3
for cohort in "$fresh" "$vendor" "$processing" "$anatomy"; do
  dir="$work/$cohort"
  openbmd predict --model models/lumbar --cohort "$dir/cohort.csv" --out "$dir/predictions.csv"
  openbmd evaluate --cohort "$dir/cohort.csv" --predictions "$dir/predictions.csv" --model models/lumbar --out "$dir/evaluation"
done
echo "held-out figures in $work/*/evaluation/metrics.json" >&2
