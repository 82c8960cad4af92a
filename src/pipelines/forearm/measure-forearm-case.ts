import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import { readStepWedgePhantom } from '../../calibration/step-wedge/step-wedge-phantom.js';
import { calibratedThicknessMm } from '../../calibration/step-wedge/step-wedge-calibration.js';
import { readDicomFile } from '../../io/dicom/read-dicom.js';
import { maskOverlap } from '../../stats/segmentation-metrics.js';
import { forearmImage, locateAndMeasure } from './analyze-forearm.js';
import type { ForearmCase } from './forearm-cohort.js';
import type { ForearmNetworks } from './forearm-model.js';
import type { Point } from './forearm-roi-geometry.js';
import { readLabelImage } from '../../io/label-image.js';
import { readKeyPoints } from './forearm-training-samples.js';
import { deviceName } from '../../io/dicom/device-name.js';

/** Eq. [2]'s inputs for one case, and, where the cohort has labels, how the networks did on it. */
export interface ForearmCaseMeasurement {
  caseId: string;
  patientId: string;
  abmdGPerCm2: number | undefined;
  radiusThicknessMm: number;
  softTissueThicknessMm: number;
  softTissueUnderRadiusMm: number;
  /** Seed 000's T_b and T_t (the wedge's least-squares line, the rectangle). */
  seed000: { radiusThicknessMm: number; softTissueThicknessMm: number };
  /** Manufacturer / model of the detector (DICOM), for per-detector Eq. [2]. */
  detector: string;
  calibrationR: number;
  flags: string[];
  keyPoints: [Point, Point];
  /** Present when the case has labels (simulated cohorts). */
  validation?: {
    keyPointErrorsMm: [number, number];
    /** Dice of the hand/forearm mask and of the wedge mask. */
    forearmDice: number;
    wedgeDice: number;
    /** Dice of the radius ROI pixels against the ground-truth ROI (seed 000's Table 3), when masks/<case>-radius-roi.png exists. */
    roiDice: number | undefined;
    /** The ground-truth ROI's equivalent thickness (same calibration and background), for seed 000's Figure 7. */
    truthRoiThicknessMm: number | undefined;
  };
}

export async function readForearmCaseImage(c: ForearmCase): Promise<Image2D> {
  return forearmImage(await readDicomFile(c.image));
}

/** Measures one cohort case with the networks given; errors are OpenBmdErrors naming the file. */
export async function measureForearmCase(tf: TensorFlow, networks: ForearmNetworks, c: ForearmCase, backgroundRemoval = true): Promise<ForearmCaseMeasurement> {
  if (c.phantom === undefined)
    throw new OpenBmdError('INVALID_VALUE', `line ${c.line}: no phantom description (the forearm method needs the step wedge's)`, { file: c.image });
  const dicom = await readDicomFile(c.image);
  const image = forearmImage(dicom);
  const phantom = readStepWedgePhantom(c.phantom);
  const [columns, rows] = image.size;
  const { location, measurement: m, flags } = locateAndMeasure(tf, { networks, image, phantom, backgroundRemoval, file: c.image });
  const result: ForearmCaseMeasurement = {
    caseId: c.caseId,
    patientId: c.patientId,
    abmdGPerCm2: c.abmdGPerCm2,
    radiusThicknessMm: m.rois.radiusThicknessMm,
    softTissueThicknessMm: m.rois.softTissueThicknessMm,
    softTissueUnderRadiusMm: m.rois.softTissueUnderRadiusMm,
    seed000: m.rois.seed000,
    detector: deviceName(dicom.acquisition.manufacturer, dicom.acquisition.model),
    calibrationR: m.calibration.r,
    flags,
    keyPoints: location.keyPoints,
  };
  if (c.labels === undefined || c.landmarks === undefined) return result;
  const labels = await readLabelImage(c.labels, image);
  const truth = readKeyPoints(c.landmarks);
  const mm = image.spacingMm[0];
  const error = (p: Point, q: Point): number => Math.hypot(p[0] - q[0], p[1] - q[1]) * mm;
  const isClass = (values: ArrayLike<number>, label: number): Uint8Array =>
    Uint8Array.from({ length: values.length }, (_, i) => (Number(values[i]) === label ? 1 : 0));
  const roiFile = join(dirname(c.labels), `${c.caseId}-radius-roi.png`);
  let roiDice: number | undefined;
  let truthRoiThicknessMm: number | undefined;
  if (existsSync(roiFile)) {
    const roi = await readLabelImage(roiFile, image);
    const predicted = new Uint8Array(columns * rows);
    for (const k of m.rois.radiusPixelIndices) predicted[k] = 1;
    roiDice = maskOverlap(predicted, roi).dice;
    let sum = 0;
    let count = 0;
    for (let k = 0; k < roi.length; k++) {
      if (Number(roi[k]) > 0) {
        sum += Number(m.measuredImage.data[k]);
        count += 1;
      }
    }
    // On the same curve and background as the measured ROI.
    truthRoiThicknessMm = count > 0 ? calibratedThicknessMm(m.calibration, sum / count - m.rois.backgroundGrey + m.calibration.backgroundGrey) : undefined;
  }
  result.validation = {
    keyPointErrorsMm: [error(location.keyPoints[0], truth[0]), error(location.keyPoints[1], truth[1])],
    forearmDice: maskOverlap(isClass(location.labels, 1), isClass(labels, 1)).dice,
    wedgeDice: maskOverlap(isClass(location.labels, 2), isClass(labels, 2)).dice,
    roiDice,
    truthRoiThicknessMm,
  };
  return result;
}
