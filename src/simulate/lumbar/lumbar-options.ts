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
  /**
   * The air kerma (µGy) the AEC delivers to the detector behind its chamber, before the dose
   * factor; each view draws its own about it (exposure-index deviation SD 1 dB). It sets the
   * quantum noise from the beam's physics. null: the vendor's nominal quanta (cohorts before
   * 2026-12-05, about 3-6 times fewer quanta than a clinical lumbar exposure).
   */
  aecAirKermaMicroGy: number | null;
  /**
   * Multiplies every person's target L1-L4 aBMD (default 1): the same seed with another factor
   * gives the same people, rooms and noise with only their spine mineral changed, so how much an
   * image responds to bone density can be measured.
   */
  mineralFactor?: number;
}

/**
 * Speed class 400 (K_S = 1000 / S µGy = 2.5 µGy at the detector; ISO 9236-1 / DIN 6868-58 speed
 * classes, the exposure index of IEC 62494-1 reads EI = 100 per µGy), the class digital lumbar
 * radiography is commonly run at; AAPM Report 116 (Shepard et al. 2009) gives the deviation index.
 */
export const LUMBAR_AEC_AIR_KERMA_MICRO_GY = 2.5;

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
  aecAirKermaMicroGy: LUMBAR_AEC_AIR_KERMA_MICRO_GY,
};
