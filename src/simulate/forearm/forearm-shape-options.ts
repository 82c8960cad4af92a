import type { StepWedgeGeometry } from './forearm-shape.js';

/** Acquisition and phantom options of a simulated forearm cohort. */
export interface ForearmOptions {
  pixelSpacingMm: number;
  fieldWidthMm: number;
  fieldHeightMm: number;
  sourceToDetectorMm: number;
  wedge: StepWedgeGeometry;
  maxWedgeRotationDeg: number;
  kVp?: number;
  doseFactor: number;
  jpegQuality?: number;
}
