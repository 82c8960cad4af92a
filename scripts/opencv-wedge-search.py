"""Reference for openbmd's step-wedge search: the usual OpenCV way to find a rotated template.

Reads JSON on stdin: the image (already at the search resolution, grey levels normalised), the
upright template and its mask (wedge axis along +column), and the angle step. Rotates template and
mask with cv2.warpAffine for every angle over 360 degrees and scores the whole image with
cv2.matchTemplate(TM_CCORR_NORMED, mask) -- the gain-fitted form of Eq. [1] is 2 (1 - that).
Prints the best centre (column, row), angle and score, and the search time (I/O excluded).
"""
import json
import sys
import time

import cv2
import numpy as np

d = json.load(sys.stdin)
image = np.array(d["image"], dtype=np.float32).reshape(d["rows"], d["columns"])
template = np.array(d["template"], dtype=np.float32).reshape(d["trows"], d["tcolumns"])
mask = np.array(d["mask"], dtype=np.float32).reshape(d["trows"], d["tcolumns"])
step = float(d["angleStepDeg"])

started = time.perf_counter()
side = int(np.ceil(np.hypot(d["trows"], d["tcolumns"]))) | 1
pad_r = (side - d["trows"]) // 2
pad_c = (side - d["tcolumns"]) // 2
square_t = cv2.copyMakeBorder(template, pad_r, side - d["trows"] - pad_r, pad_c, side - d["tcolumns"] - pad_c, cv2.BORDER_CONSTANT, value=0)
square_m = cv2.copyMakeBorder(mask, pad_r, side - d["trows"] - pad_r, pad_c, side - d["tcolumns"] - pad_c, cv2.BORDER_CONSTANT, value=0)
centre = ((side - 1) / 2.0, (side - 1) / 2.0)
best = (-1.0, 0.0, (0, 0))
angle = 0.0
while angle < 360.0:
    # OpenCV's angle is counter-clockwise on screen; the wedge angle runs from +column towards +row.
    m = cv2.getRotationMatrix2D(centre, -angle, 1.0)
    t = cv2.warpAffine(square_t, m, (side, side), flags=cv2.INTER_LINEAR)
    k = (cv2.warpAffine(square_m, m, (side, side), flags=cv2.INTER_NEAREST) > 0.5).astype(np.float32)
    scores = cv2.matchTemplate(image, t, cv2.TM_CCORR_NORMED, mask=k)
    _, value, _, location = cv2.minMaxLoc(scores)
    if value > best[0]:
        best = (value, angle, location)
    angle += step
seconds = time.perf_counter() - started
value, angle, (x, y) = best
print(json.dumps({"centre": [x + (side - 1) / 2.0, y + (side - 1) / 2.0], "angleDeg": angle, "score": 2 * (1 - value), "seconds": seconds, "angles": int(round(360 / step))}))
