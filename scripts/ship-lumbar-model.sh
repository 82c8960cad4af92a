#!/usr/bin/env bash
# Makes the shipped lumbar model (models/lumbar) from nothing on a SIMULATED development cohort
# (by default seed 700: 300 adults aged >= 50, AP and lateral lumbar radiographs, vendors a-d; the
# simulator's defaults of the day: trabecular pattern, AEC at 2.5 uGy), in two `openbmd train` runs:
#   1. the AP and lateral locators (U-Nets finding T12-L5), trained on the label images of the
#      cohort's vendor a-c studies (15 % of the patients for early stopping and the box IoU);
#   2. the BMD networks (AP + lateral, and AP alone for studies without a lateral; age, sex and BMI
#      fused late), trained on seed 004's ROIs as those locators find them, with 5-fold
#      patient-grouped cross-validation (out-of-fold predictions.csv and metrics.json).
# Vendor d's studies are left out of both, so scripts/evaluate-lumbar-heldout.sh measures an unseen
# vendor. `openbmd train` writes the command, seed, cohort, code commit and date into model.json;
# this script only runs it and copies the folder. Run from the repository root after
# `npm run build`:
#
#   bash scripts/ship-lumbar-model.sh            (about 100 minutes on 2 cores)
#   SEED=61 VENDORS=vendor-a,vendor-b,vendor-c bash scripts/ship-lumbar-model.sh
#                                                 (another development cohort: the bench's)
#   SEED=62 N=1000 EPOCHS=24,6 VENDORS=vendor-a,vendor-b,vendor-c LOCATORS=models/lumbar \
#     bash scripts/ship-lumbar-model.sh            (the shipped model since 2026-12-05 evening: a
#                                                  cohort of 1,000, issue 21's size; about an hour to
#                                                  simulate and 42 min to train on 2 cores)
#   LOCATORS=models/lumbar bash scripts/ship-lumbar-model.sh
#                                                 (step 2 only, on the locators of a model folder:
#                                                  the shipped ones pass the real-CT check)
#   SEED=63 N=1000 EPOCHS=24,6 VENDORS=vendor-a,vendor-b,vendor-c \
#     PROCESSING=vendor,log-unsharp,power-law,linear-raw,multiscale \
#     LOCATORS=build/lumbar-loc/model-7700-clutter bash scripts/ship-lumbar-model.sh
#                                                 (the next candidate: 1,000 people whose radiographs
#                                                  each draw their processing from five families, and
#                                                  the locators trained with abdominal clutter)
#   EPOCHS=24,6 ...                               (the locator and BMD epochs; default 24,20, the
#                                                  300-person recipe: 1,000 people take 3.3 times
#                                                  the steps per epoch)
#
# Work files go to build/ship-lumbar (ignored by git); a cohort already simulated there is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/ship-lumbar
seed=${SEED:-700}
count=${N:-300}
epochs=${EPOCHS:-24,20}
vendors=${VENDORS:-vendor-a,vendor-b,vendor-c,vendor-d}
dev="$work/dev-$seed"
openbmd() { node dist/src/cli/main.js "$@"; }
rm -rf "$work/locators" "$work/model"
mkdir -p "$work"
# PROCESSING: the detector processing families drawn per radiograph (default: each vendor's own).
processing=()
if [ -n "${PROCESSING:-}" ]; then processing=(--processing "$PROCESSING" --per-image-processing); fi
if [ ! -f "$dev/cohort.csv" ]; then openbmd simulate lumbar --n "$count" --out "$dev" --seed "$seed" --vendors "$vendors" "${processing[@]}" --workers 2; fi
# The vendor a-c rows, beside the manifest (the label images are found next to it).
node -e '
  const fs = require("node:fs");
  const dir = process.argv[1];
  const [head, ...rows] = fs.readFileSync(`${dir}/cohort.csv`, "utf8").trim().split("\n");
  const kept = rows.filter((r) => JSON.parse(fs.readFileSync(`${dir}/truth/${r.split(",")[0]}.json`, "utf8")).vendor !== "vendor-d");
  fs.writeFileSync(`${dir}/cohort-abc.csv`, [head, ...kept].join("\n") + "\n");
' "$dev"
locators=${LOCATORS:-$work/locators}
if [ -z "${LOCATORS:-}" ]; then
  openbmd train lumbar --cohort "$dev/cohort-abc.csv" --out "$work/locators" --epochs "${epochs%%,*},1" --variants ap
fi
openbmd train lumbar --cohort "$dev/cohort-abc.csv" --out "$work/model" --networks "$locators" --folds 5 --seed 1 --epochs "$epochs"
rm -rf models/lumbar
mkdir -p models/lumbar
cp -r "$work/model/model.json" "$work/model/networks" "$work/model/metrics.json" models/lumbar/
echo "models/lumbar rewritten from $work/model" >&2
