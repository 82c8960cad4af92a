#!/usr/bin/python3
"""Reference pixel statistics for DICOM files, computed with pydicom (+GDCM).

Independent of openbmd: the test suite compares `openbmd inspect --json` with this output.
Usage: /usr/bin/python3 scripts/pydicom-reference.py FILE [FILE ...]  -> one JSON object per line.
Statistics are over every sample of every frame after the modality LUT (rescale slope/intercept),
with MONOCHROME1 left as stored (inversion is a presentation step, not a modality transform).
"""
import json
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np  # noqa: E402
import pydicom  # noqa: E402
from pydicom.pixel_data_handlers.util import apply_modality_lut  # noqa: E402


def describe(path):
    out = {"path": path}
    try:
        ds = pydicom.dcmread(path, force=True)
    except Exception as exc:  # pydicom rejects the file
        out["status"] = "unreadable"
        out["error"] = f"{type(exc).__name__}: {exc}"[:200]
        return out
    if "PixelData" not in ds:
        out["status"] = "no-pixel-data"
        return out
    try:
        if "TransferSyntaxUID" not in ds.file_meta:
            out["status"] = "unreadable"
            out["error"] = "no transfer syntax"
            return out
        arr = ds.pixel_array
        frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
        if "RescaleSlope" in ds or "RescaleIntercept" in ds:
            arr = apply_modality_lut(arr, ds)
        arr = np.asarray(arr, dtype=np.float64)
    except Exception as exc:
        out["status"] = "undecodable"
        out["error"] = f"{type(exc).__name__}: {exc}"[:200]
        return out
    out.update(
        status="ok",
        transferSyntax=str(ds.file_meta.TransferSyntaxUID),
        rows=int(ds.Rows),
        columns=int(ds.Columns),
        frames=frames,
        samplesPerPixel=int(getattr(ds, "SamplesPerPixel", 1)),
        photometric=str(getattr(ds, "PhotometricInterpretation", "")),
        min=float(arr.min()),
        max=float(arr.max()),
        mean=float(arr.mean()),
    )
    return out


for p in sys.argv[1:]:
    print(json.dumps(describe(p)), flush=True)
