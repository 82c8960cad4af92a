#!/usr/bin/env bash
# The headline figures of the shipped ct-spine model, measured once on SIMULATED cohorts that chose
# nothing: fresh series of the training scanners (seed 410: 60 series, scanners a-c, 2.5 mm), and
# three held-out families that no training or recalibration cohort had: scanner d (seed 411: 40
# series at 100 kVp, 1.25 mm slices), CT physics (seed 412: 16 series of scanners a-c made by
# polychromatic projection and filtered back-projection, 3 mm slices) and anatomy (seed 413: 40
# series with the arms down beside the trunk, which scripts/ship-ct-spine-model.sh keeps out of
# training, 3 mm slices). For each, `openbmd predict` with models/ct-spine, then `openbmd evaluate`
# on the reported vBMD and on each method's column.
# Run from the repository root after `npm run build`:
#
#   bash scripts/evaluate-ct-spine-heldout.sh        (about 65 minutes on 2 cores)
#
# With `--seed-base N` the four cohorts are drawn afresh from seeds N to N+3 (fresh-N, scanner-d-N+1,
# projection-N+2, anatomy-N+3), for a report on cohorts no earlier run has looked at.
#
# A cohort already simulated is kept. Results: build/heldout-ct-spine/<cohort>/{predictions.csv,
# evaluation*/metrics.json, report.html}.
set -euo pipefail
cd "$(dirname "$0")/.."
work=build/heldout-ct-spine
openbmd() { node dist/src/cli/main.js "$@"; }
mkdir -p "$work"
simulate() {
  if [ ! -f "$work/$1/cohort.csv" ]; then openbmd simulate ct-spine --out "$work/$1" "${@:2}" --workers 2; fi
}
base=410
if [ "${1:-}" = "--seed-base" ]; then base=$2; fi
fresh=fresh-$base scanner=scanner-d-$((base + 1)) physics=projection-$((base + 2)) anatomy=anatomy-$((base + 3))
simulate "$fresh" --n 60 --seed "$base" --ct-slices 100 --slice-mm 2.5 --vendors scanner-a,scanner-b,scanner-c
simulate "$scanner" --n 40 --seed $((base + 1)) --ct-slices 200 --slice-mm 1.25 --vendors scanner-d
simulate "$physics" --n 16 --seed $((base + 2)) --ct-slices 80 --slice-mm 3 --vendors scanner-a,scanner-b,scanner-c --ct-physics projection
simulate "$anatomy" --n 40 --seed $((base + 3)) --ct-slices 84 --slice-mm 3 --vendors scanner-a,scanner-b,scanner-c --arms-down-share 1
for cohort in "$fresh" "$scanner" "$physics" "$anatomy"; do
  dir="$work/$cohort"
  openbmd predict --model models/ct-spine --cohort "$dir/cohort.csv" --out "$dir/predictions.csv"
  openbmd evaluate --cohort "$dir/cohort.csv" --predictions "$dir/predictions.csv" --model models/ct-spine --out "$dir/evaluation"
  for method in rods phantomless densenet; do
    # One method's column as the predictions' spine_vbmd (rows without it are left out).
    node -e '
      const [input, output, method] = process.argv.slice(1);
      const fs = require("node:fs");
      const [head, ...rows] = fs.readFileSync(input, "utf8").trim().split("\n");
      const cols = head.split(",");
      const id = cols.indexOf("case_id"), value = cols.indexOf("spine_vbmd_" + method);
      const kept = rows.map((r) => r.split(",")).filter((r) => r[value] !== "");
      fs.writeFileSync(output, ["case_id,spine_vbmd", ...kept.map((r) => r[id] + "," + r[value])].join("\n") + "\n");
    ' "$dir/predictions.csv" "$dir/predictions-$method.csv" "$method"
    openbmd evaluate --cohort "$dir/cohort.csv" --predictions "$dir/predictions-$method.csv" --model models/ct-spine \
      --out "$dir/evaluation-$method"
  done
done
echo "held-out figures in $work/*/evaluation*/metrics.json" >&2
