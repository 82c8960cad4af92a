#!/usr/bin/python3
"""How much a lumbar cohort's radiographs say about aBMD to a simple model, as a yardstick for the
networks: per L1-L4 body on each view, from the TRUE body corners (landmarks/), the median grey of
its core, of the paraspinal soft tissue beside it (inside the collimated field), their difference,
the core's SD, and the core over the mid-disc rows above and below it (the pipeline's
body-over-disc contrast; grey levels on each image's own 1st-99th percentiles), plus age, sex and
BMI; ridge regression, 5-fold cross-validated. Also covariates alone, and the AP body-over-disc
contrast alone with the covariates. Issue 21 quotes such features at r 0.43-0.69 on another
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


def view_features(path, bodies, view, field):
    ds = pydicom.dcmread(path)
    a = ds.pixel_array.astype(float)
    if ds.PhotometricInterpretation == 'MONOCHROME1':
        a = a.max() - a
    lo, hi = np.percentile(a, [1, 99])
    a = (a - lo) / max(hi - lo, 1e-9)
    # Paraspinal columns inside the collimated field (beyond it lies the shutter, not soft tissue).
    left, right = (field['x0'] + 8, field['x1'] - 8) if field else (0, a.shape[1] - 1)
    boxes = {b['level']: np.array(b['corners']) for b in bodies}
    order = ['T12', 'L1', 'L2', 'L3', 'L4', 'L5']
    out = []
    for k, level in enumerate(order[1:5], start=1):
        c = boxes[level]
        x0, y0 = c.min(0)
        x1, y1 = c.max(0)
        w, h = x1 - x0, y1 - y0
        core = a[int(y0 + h / 4):int(y1 - h / 4), int(x0 + w / 4):int(x1 - w / 4)]
        columns = [int(x0 - 1.2 * w), int(x1 + 1.2 * w)] if view == 'ap' else [int(x0 - 0.6 * w)]
        side = np.concatenate([a[int(y0):int(y1), min(right, max(left, x))] for x in columns])
        discs = []
        for neighbour, above in ((order[k - 1], True), (order[k + 1], False)):
            if neighbour in boxes:
                n = boxes[neighbour]
                row = (n.max(0)[1] + y0) / 2 if above else (y1 + n.min(0)[1]) / 2
                discs.append(np.median(a[int(row) - 2:int(row) + 3, int(x0 + w / 4):int(x1 - w / 4)]))
        over_disc = np.median(core) - np.mean(discs) if discs else 0.0
        out += [np.median(core), np.median(side), np.median(core) - np.median(side), core.std(), over_disc]
    return out


def main(cohort):
    rows = list(csv.DictReader(open(f'{cohort}/cohort.csv')))
    X, y, yf, vendors = [], [], [], []
    for r in rows:
        marks = json.load(open(f"{cohort}/landmarks/{r['case_id']}.json"))
        truth = json.load(open(f"{cohort}/truth/{r['case_id']}.json"))
        clutter = truth.get('clutter') or {}
        features = view_features(f"{cohort}/{r['image']}", marks['ap']['vertebralBodies'], 'ap', (clutter.get('ap') or {}).get('collimated'))
        features += view_features(f"{cohort}/{r['image_lat']}", marks['lat']['vertebralBodies'], 'lat', (clutter.get('lat') or {}).get('collimated'))
        bmi = float(r['weight_kg']) / (float(r['height_cm']) / 100) ** 2
        X.append(features + [float(r['age_years']), 1.0 if r['sex'] == 'F' else -1.0, bmi])
        y.append(float(r['lumbar_abmd']))
        yf.append(float(r['femneck_abmd']))
        vendors.append(truth['vendor'])
    X, y, yf, vendors = np.array(X), np.array(y), np.array(yf), np.array(vendors)
    folds = KFold(5, shuffle=True, random_state=0)
    model = RidgeCV(alphas=np.logspace(-3, 3, 13))
    print(f'{cohort}: {len(y)} SIMULATED studies; lumbar aBMD SD {y.std():.3f}, MAE of the mean {np.abs(y - y.mean()).mean():.3f} g/cm2')
    ap_over_disc = [4 + 5 * k for k in range(4)]
    X = np.column_stack([X, X[:, ap_over_disc].mean(1)])
    for name, columns in (('covariates alone', [-4, -3, -2]), ('AP body-over-disc + covariates', [-1, -4, -3, -2]),
                          ('ROI features + covariates', slice(None))):
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
