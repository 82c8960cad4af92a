import { OpenBmdError } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import type { WedgeDetection } from '../../calibration/step-wedge/find-step-wedge.js';
import { findStepWedge } from '../../calibration/step-wedge/find-step-wedge.js';
import type { StepWedgeCalibration } from '../../calibration/step-wedge/step-wedge-calibration.js';
import { calibrateStepWedge } from '../../calibration/step-wedge/step-wedge-calibration.js';
import type { StepWedgePhantom } from '../../calibration/step-wedge/step-wedge-phantom.js';
import type { GridLines } from '../../imaging/grid-line-suppression.js';
import { suppressGridLines } from '../../imaging/grid-line-suppression.js';
import { otsuThreshold } from '../../imaging/otsu-threshold.js';
import type { ForearmRoiGeometry, Point } from './forearm-roi-geometry.js';
import { forearmRoiGeometry } from './forearm-roi-geometry.js';
import type { ForearmRoiMeasurement } from './forearm-roi-measurement.js';
import { measureForearmRois, quadPixels } from './forearm-roi-measurement.js';

/** Fewest image pixels in the ROI square for a measurement (a square a few pixels across is no ROI). */
const MIN_SQUARE_PIXELS = 25;

/** Everything seed 000 measures on one radiograph before Eq. [2]. */
export interface ForearmMeasurement {
  /** Anti-scatter grid lines found and removed before anything was measured (none: empty). */
  gridLines: GridLines[];
  /** The image measured: the radiograph with those lines removed. */
  measuredImage: Image2D;
  wedge: WedgeDetection;
  calibration: StepWedgeCalibration;
  geometry: ForearmRoiGeometry;
  rois: ForearmRoiMeasurement;
}

/**
 * Step wedge, per-image calibration and the ROIs of seed 000 from the key points and the
 * hand/forearm mask, on the image with any anti-scatter grid's lines removed first. Soft tissue is
 * foreground that is not bone, bone being brighter than the Otsu level of the radius square (the
 * paper's adaptive threshold).
 */
export function measureForearm(
  original: Image2D,
  phantom: StepWedgePhantom,
  keyPoints: [Point, Point],
  isForeground: (p: Point) => boolean,
  file?: string,
): ForearmMeasurement {
  // A stationary grid's lines (aliased at the pixels) would add stripes to every mean below.
  const { image, removed: gridLines } = suppressGridLines(original);
  const [columns, rows] = image.size;
  const wedge = findStepWedge(image, phantom, {}, file);
  const calibration = calibrateStepWedge(image, phantom, wedge.pose);
  const [radial, ulnar] = keyPoints;
  const pixelMm = image.spacingMm[0];
  const square = forearmRoiGeometry(radial, ulnar, isForeground, () => false, [columns, rows], pixelMm, wedge).radiusSquare;
  const squarePixels = quadPixels(square, columns, rows);
  if (squarePixels.length < MIN_SQUARE_PIXELS)
    throw new OpenBmdError(
      'INVALID_VALUE',
      `the distal-radius ROI built on the key points found lies ${squarePixels.length === 0 ? 'wholly' : 'almost wholly'} outside the image (key points at ${radial.map((v) => v.toFixed(0)).join(', ')} and ${ulnar.map((v) => v.toFixed(0)).join(', ')}): the wrist was not recognised; check that the image is a PA hand/forearm radiograph with the distal radius in the field`,
      file === undefined ? {} : { file },
    );
  const boneLevel = otsuThreshold(squarePixels.map((k) => Number(image.data[k])));
  const isBone = ([x, y]: Point): boolean => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    return xi >= 0 && yi >= 0 && xi < columns && yi < rows && Number(image.data[yi * columns + xi]) > boneLevel;
  };
  const geometry = forearmRoiGeometry(radial, ulnar, isForeground, isBone, [columns, rows], pixelMm, wedge);
  return { gridLines, measuredImage: image, wedge, calibration, geometry, rois: measureForearmRois(image, geometry, calibration, isForeground) };
}

/** A label map as the foreground test of the ROI geometry (label 1 = hand/forearm). */
export function foregroundFromLabels(labels: ArrayLike<number>, columns: number, rows: number): (p: Point) => boolean {
  return ([x, y]: Point): boolean => {
    const xi = Math.round(x);
    const yi = Math.round(y);
    return xi >= 0 && yi >= 0 && xi < columns && yi < rows && Number(labels[yi * columns + xi]) === 1;
  };
}
