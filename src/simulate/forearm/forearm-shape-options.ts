import type { LimbFamily, StepWedgeGeometry } from './forearm-shape.js';

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
  /**
   * Multiplies every child's target aBMD (default 1). Two cohorts with the same seed and different
   * factors hold the same children, anatomy and exposures with only the mineral changed: the
   * measurement's response to bone at fixed anatomy.
   */
  mineralFactor?: number;
  /** Limb cross-section families drawn from (default all). */
  limbFamilies?: LimbFamily[];
}
