#!/usr/bin/env bash
# Makes the shipped hip model (models/hip) from nothing on a SIMULATED development cohort (by
# default seed 930: 40 persons, four AP pelvis radiographs each with the person's CT), in one
# `openbmd train hip` run: each CT segmented and registered to each radiograph (the training
# targets), the generator trained on the bone DRR (20 epochs) then the proximal-femur DRR (30), the
# BMD lines fitted on the PF-DRRs of the quarter of the persons held out of the generator, and
# stage three (40 epochs): the regression network on the generator's encoder, trained on the
# generator's persons with the sample-weighted L1 loss and checked on the held-out quarter.
# `openbmd train` writes the command, seed, cohort, code commit and date into model.json; this
# script only runs it and copies the folder. Run from the repository root after `npm run build`:
#
#   bash scripts/ship-hip-model.sh                (about 42 minutes on 2 cores: 6 to simulate,
#                                                  15 to register, 15 to train the GAN, 6 stage three)
#   SEED=931 N=60 bash scripts/ship-hip-model.sh  (another development cohort)
#   SEEDS="931:60 932:40" bash scripts/ship-hip-model.sh (several cohorts, seed:persons, joined by
#                                                  scripts/join-cohorts.mjs into one training cohort)
#   INPUT_CHANNELS=2 bash scripts/ship-hip-model.sh (the field and its high-pass as two input channels)
#   REGRESSION_POOLING=attention bash scripts/ship-hip-model.sh (stage three pools by a learned attention)
#   ESTIMATE=regression bash scripts/ship-hip-model.sh (report stage three's estimate; default the mean with the lines)
#   REGRESSION_MEMBERS=3 bash scripts/ship-hip-model.sh (stage three as three networks from different seeds, their mean reported;
#                                                  with the same recipe the first reuses the one-network run's checkpoint)
#   FINE_TUNE=models/hip bash scripts/ship-hip-model.sh (stage three alone trained afresh on every radiograph of the cohort,
#                                                  no CT, from that model's generator, which is kept with its BMD lines)
#
# Work files go to build/hip-train (ignored by git): a cohort already simulated there, the targets
# already registered and the GAN checkpoints of the same run are reused, so a run that stopped goes on.
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/hip-train
seed=${SEED:-930}
count=${N:-40}
epochs=${EPOCHS:-20,30,40}
channels=${INPUT_CHANNELS:-1}
pooling=${REGRESSION_POOLING:-average}
estimate=${ESTIMATE:-mean}
members=${REGRESSION_MEMBERS:-1}
parts=${SEEDS:-$seed:$count}
openbmd() { node dist/src/cli/main.js "$@"; }
mkdir -p "$work"
manifests=()
for part in $parts; do
  s=${part%%:*}
  if [ ! -f "$work/dev-$s/cohort.csv" ]; then openbmd simulate hip --n "${part##*:}" --out "$work/dev-$s" --seed "$s" --workers 2; fi
  manifests+=("$work/dev-$s/cohort.csv")
done
name=$(for part in $parts; do printf '%s-' "${part%%:*}"; done)
name=${name%-}
dev="$work/dev-$name"
if [ "${#manifests[@]}" -gt 1 ]; then node scripts/join-cohorts.mjs --out "$dev" "${manifests[@]}"; fi
seed=$name
model="$work/model-$seed-c$channels$([ "$pooling" = average ] || echo "-$pooling")$([ "$members" = 1 ] || echo "-m$members")"
if [ -n "${FINE_TUNE:-}" ]; then
  # Stage three only, on every radiograph of the cohort's persons not held out, from FINE_TUNE's generator (kept with its lines).
  model="$work/model-$seed-fine-tuned$([ "$pooling" = average ] || echo "-$pooling")$([ "$members" = 1 ] || echo "-m$members")"
  rm -rf "$model"
  openbmd train hip --cohort "$dev/cohort.csv" --out "$model" --seed 1 --epochs "$epochs" --targets "$work/checkpoints-$seed-fine-tuned" --fine-tune "$FINE_TUNE" --regression-pooling "$pooling" --regression-members "$members" --estimate "$estimate"
else
  rm -rf "$model"
  openbmd train hip --cohort "$dev/cohort.csv" --out "$model" --seed 1 --epochs "$epochs" --targets "$work/targets-$seed" --input-channels "$channels" --regression-pooling "$pooling" --regression-members "$members" --estimate "$estimate"
fi
rm -rf models/hip
mkdir -p models/hip
cp -r "$model/model.json" "$model/networks" models/hip/
echo "models/hip rewritten from $model" >&2
