#!/usr/bin/python3
"""How much a lumbar cohort's radiographs say about aBMD to a simple model, as a yardstick for the
networks: per L1-L4 body on each view, from the TRUE body corners (landmarks/), the median grey of
its core, of the paraspinal soft tissue beside it, their difference and the core's SD (grey levels
on each image's own 1st-99th percentiles), plus age, sex and BMI; ridge regression, 5-fold
cross-validated. Also covariates alone. Issue 21 quotes such features at r 0.43-0.69 on another
simulator. SIMULATED cohorts only (they carry the landmarks); run with Debian's python3
(python3-pydicom, python3-sklearn):

    /usr/bin/python3 scripts/lumbar-roi-feature-baseline.py COHORT_DIR
"""
import csv
import json
import sys

import numpy as np
import pydicom
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import KFold, cross_val_predict


def view_features(path, bodies, view):
    ds = pydicom.dcmread(path)
    a = ds.pixel_array.astype(float)
    if ds.PhotometricInterpretation == 'MONOCHROME1':
        a = a.max() - a
    lo, hi = np.percentile(a, [1, 99])
    a = (a - lo) / max(hi - lo, 1e-9)
    out = []
    for b in bodies:
        if b['level'] not in ('L1', 'L2', 'L3', 'L4'):
            continue
        c = np.array(b['corners'])
        x0, y0 = c.min(0)
        x1, y1 = c.max(0)
        w, h = x1 - x0, y1 - y0
        core = a[int(y0 + h / 4):int(y1 - h / 4), int(x0 + w / 4):int(x1 - w / 4)]
        columns = [int(x0 - 1.2 * w), int(x1 + 1.2 * w)] if view == 'ap' else [int(x0 - 0.6 * w)]
        side = np.concatenate([a[int(y0):int(y1), min(a.shape[1] - 1, max(0, x))] for x in columns])
        out += [np.median(core), np.median(side), np.median(core) - np.median(side), core.std()]
    return out


def main(cohort):
    rows = list(csv.DictReader(open(f'{cohort}/cohort.csv')))
    X, y, yf, vendors = [], [], [], []
    for r in rows:
        marks = json.load(open(f"{cohort}/landmarks/{r['case_id']}.json"))
        truth = json.load(open(f"{cohort}/truth/{r['case_id']}.json"))
        features = view_features(f"{cohort}/{r['image']}", marks['ap']['vertebralBodies'], 'ap')
        features += view_features(f"{cohort}/{r['image_lat']}", marks['lat']['vertebralBodies'], 'lat')
        bmi = float(r['weight_kg']) / (float(r['height_cm']) / 100) ** 2
        X.append(features + [float(r['age_years']), 1.0 if r['sex'] == 'F' else -1.0, bmi])
        y.append(float(r['lumbar_abmd']))
        yf.append(float(r['femneck_abmd']))
        vendors.append(truth['vendor'])
    X, y, yf, vendors = np.array(X), np.array(y), np.array(yf), np.array(vendors)
    folds = KFold(5, shuffle=True, random_state=0)
    model = RidgeCV(alphas=np.logspace(-3, 3, 13))
    print(f'{cohort}: {len(y)} SIMULATED studies; lumbar aBMD SD {y.std():.3f}, MAE of the mean {np.abs(y - y.mean()).mean():.3f} g/cm2')
    for name, columns in (('covariates alone', slice(-3, None)), ('ROI features + covariates', slice(None))):
        p = cross_val_predict(model, X[:, columns], y, cv=folds)
        pf = cross_val_predict(model, X[:, columns], yf, cv=folds)
        print(f'  {name:26s} lumbar r {np.corrcoef(p, y)[0, 1]:.2f}, MAE {np.abs(p - y).mean():.3f}; '
              f'femoral neck r {np.corrcoef(pf, yf)[0, 1]:.2f}, MAE {np.abs(pf - yf).mean():.3f}')
    for v in sorted(set(vendors)):
        m = vendors == v
        if m.sum() < 25:
            continue
        p = cross_val_predict(model, X[m], y[m], cv=folds)
        print(f'  {v} alone ({m.sum()}): ROI features + covariates lumbar r {np.corrcoef(p, y[m])[0, 1]:.2f}, MAE {np.abs(p - y[m]).mean():.3f}')


if __name__ == '__main__':
    if len(sys.argv) != 2:
        sys.exit('usage: lumbar-roi-feature-baseline.py COHORT_DIR')
    main(sys.argv[1])
