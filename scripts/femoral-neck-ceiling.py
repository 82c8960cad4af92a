#!/usr/bin/python3
"""How well the femoral neck and the WHO class can be predicted from the lumbar spine at best (issue 21).

A lumbar radiograph shows no femur: whatever it tells about the femoral neck comes through the
lumbar bone and the person. This script measures that ceiling on a cohort's truth columns: the
femoral-neck aBMD predicted from the TRUE L1-L4 aBMD (no image error at all), with and without age,
sex and BMI, out of fold (5 folds, grouped by patient), by a linear fit and by gradient boosting
(scikit-learn). No method working from lumbar radiographs and these covariates can beat it, unless
the images carry the hip in some other way. The same for osteoporosis (the lowest T-score of the
lumbar spine and femoral neck, by openbmd's clinical rules through
scripts/lumbar-truth-categories.mjs): its AUC from the true L1-L4 aBMD with and without the
covariates, by logistic regression out of fold.

    /usr/bin/python3 scripts/femoral-neck-ceiling.py cohort.csv [--seed 1]   (after npm run build)

Prints one line per predictor set and model: MAE or AUC (bootstrap 95 % CI) and r.
"""
import argparse
import csv
import os
import subprocess
import sys

import numpy as np
from sklearn.ensemble import GradientBoostingRegressor
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler


def read_rows(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    kept = []
    for row in rows:
        try:
            lumbar = float(row["lumbar_abmd"])
            neck = float(row["femneck_abmd"])
            age = float(row["age_years"])
            height_m = float(row["height_cm"]) / 100
            bmi = float(row["weight_kg"]) / height_m**2
        except (KeyError, ValueError):
            continue
        kept.append((row["case_id"], row["patient_id"], lumbar, age, 1.0 if row["sex"] == "F" else 0.0, bmi, neck))
    return kept


def out_of_fold(make_model, x, y, groups, probability=False):
    predicted = np.empty(y.shape, dtype=float)
    for train, test in GroupKFold(n_splits=5).split(x, y, groups):
        model = make_model().fit(x[train], y[train])
        predicted[test] = model.predict_proba(x[test])[:, 1] if probability else model.predict(x[test])
    return predicted


def truth_categories(cohort):
    script = os.path.join(os.path.dirname(os.path.abspath(__file__)), "lumbar-truth-categories.mjs")
    run = subprocess.run(["node", script, cohort], capture_output=True, text=True)
    if run.returncode != 0:
        print(run.stderr, file=sys.stderr)
        sys.exit(2)
    return dict(line.split(",") for line in run.stdout.strip().splitlines()[1:])


def bootstrap_auc_ci(positive, score, seed):
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(2000):
        pick = rng.integers(0, positive.size, positive.size)
        if 0 < positive[pick].sum() < pick.size:
            values.append(roc_auc_score(positive[pick], score[pick]))
    return np.percentile(values, [2.5, 97.5])


def bootstrap_mae_ci(errors, seed):
    rng = np.random.default_rng(seed)
    means = [np.abs(rng.choice(errors, errors.size)).mean() for _ in range(2000)]
    return np.percentile(means, [2.5, 97.5])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cohort")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = read_rows(args.cohort)
    if len(rows) < 20:
        print(f"{args.cohort}: {len(rows)} rows with lumbar_abmd, femneck_abmd, age, sex, height and weight; 20 needed", file=sys.stderr)
        sys.exit(2)
    groups = np.array([r[1] for r in rows])
    table = np.array([r[2:] for r in rows], dtype=float)
    y = table[:, 4]
    sets = {
        "true L1-L4 aBMD": [0],
        "true L1-L4 aBMD + age, sex, BMI": [0, 1, 2, 3],
        "age, sex, BMI only": [1, 2, 3],
    }
    models = {
        "linear": LinearRegression,
        "boosting": lambda: GradientBoostingRegressor(n_estimators=200, max_depth=2, learning_rate=0.05, random_state=args.seed),
    }
    print(f"{args.cohort}: {len(rows)} people, femoral-neck aBMD sd {y.std():.4f} g/cm2, r(lumbar, femoral neck) {np.corrcoef(table[:, 0], y)[0, 1]:.3f}")
    for set_name, columns in sets.items():
        for model_name, make_model in models.items():
            predicted = out_of_fold(make_model, table[:, columns], y, groups)
            errors = predicted - y
            low, high = bootstrap_mae_ci(errors, args.seed)
            r = np.corrcoef(predicted, y)[0, 1]
            print(f"  {set_name:34s} {model_name:8s} MAE {np.abs(errors).mean():.4f} ({low:.4f}-{high:.4f}) g/cm2, r {r:.3f}")
    categories = truth_categories(args.cohort)
    positive = np.array([categories.get(r[0]) == "osteoporosis" for r in rows])
    print(f"  osteoporosis (lowest T-score of lumbar spine and femoral neck): {positive.sum()} of {positive.size}")
    for set_name, columns in list(sets.items())[:2]:
        score = out_of_fold(lambda: make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000)), table[:, columns], positive.astype(int), groups, probability=True)
        low, high = bootstrap_auc_ci(positive, score, args.seed)
        print(f"  {set_name:34s} logistic AUC {roc_auc_score(positive, score):.3f} ({low:.3f}-{high:.3f})")


if __name__ == "__main__":
    main()
