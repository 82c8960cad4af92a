/** Options of `simulate lumbar` (plain data: they cross to worker threads). */
export interface LumbarOptions {
  pixelSpacingMm: number;
  /** Detector field (AP: width across the patient, height along the spine), mm. */
  fieldWidthMm: number;
  fieldHeightMm: number;
  sourceToDetectorMm: number;
  /** Fixed tube voltage for the AP view (the lateral adds 10 kV); default per vendor with jitter. */
  kVp?: number;
  doseFactor: number;
  jpegQuality?: number;
  /** Chance of marginal osteophytes at age 80 (scaled from 0 at 40). */
  osteophyteShare: number;
  /** Chance of an osteoporotic fracture (wedge, biconcave or crush) of T12, L1 or L2. */
  fractureShare: number;
  /** Chance of a posterior fixation with pedicle screws and rods (spinal-fixation.ts); 0 by default, so cohorts without it draw as before. */
  pedicleScrewShare: number;
  /** Draw the vertebral bodies' trabecular pattern on the radiographs (physics/projected-trabecular-texture.ts); false: flat bodies, for ablations. */
  trabecularPattern: boolean;
  /**
   * Draw transitional vertebrae at their published prevalence (a sacralised L5 or a mobile L6, with
   * their rib variants; spine/segmentation-variants.ts); false: every spine has 24 presacral
   * vertebrae, as cohorts before 2026-12-05.
   */
  segmentationVariants: boolean;
}

export const DEFAULT_LUMBAR_OPTIONS: LumbarOptions = {
  pixelSpacingMm: 0.4,
  fieldWidthMm: 350,
  fieldHeightMm: 430,
  sourceToDetectorMm: 1050,
  doseFactor: 1,
  osteophyteShare: 0.45,
  fractureShare: 0.05,
  pedicleScrewShare: 0,
  trabecularPattern: true,
  segmentationVariants: false,
};
