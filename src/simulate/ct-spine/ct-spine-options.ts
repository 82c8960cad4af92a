import type { CtPhysics } from '../../physics/ct-acquisition.js';
import type { RodPhantomOptions } from '../trunk/torso-anatomy.js';

/** Options of `simulate ct-spine` (plain data: they cross to worker threads). */
export interface CtSpineOptions {
  /** Columns = rows of each slice. */
  matrix: number;
  /** In-plane spacing, mm; undefined lets each case pick 0.68-0.86 mm to fit the patient, as a technologist sets the field of view. */
  pixelSpacingMm?: number;
  sliceThicknessMm: number;
  slices: number;
  /** Share of cases scanned with the rod phantom under the patient. */
  rodShare: number;
  rods: RodPhantomOptions;
  doseFactor: number;
  /** Share of cases with an osteoporotic fracture of T12, L1 or L2 (wedge, biconcave or crush, Genant grades 1-3). */
  fractureShare: number;
  /** Share of cases whose spine carries a posterior fixation with pedicle screws (spinal-fixation.ts). */
  pedicleScrewShare: number;
  /** In-plane sub-rays per voxel side (partial volume). */
  supersample: number;
  /** Share of series with the hips in the field that hold a total hip replacement; undefined: the prevalence by age (hipProsthesisPrevalence). */
  hipProsthesisShare?: number;
  /** Share of series in the portal-venous phase of intravenous contrast (default 0: all unenhanced). */
  contrastShare: number;
  /** Share of series with positive oral contrast in the stomach and bowel (trunk/oral-contrast.ts). */
  oralContrastShare: number;
  /** How the scanner makes HU (see CtAcquisitionOptions.physics). */
  physics: CtPhysics;
  /** Share of series with the arms down beside the trunk rather than raised above the head. */
  armsDownShare: number;
  /** Sd of the vertebral bodies' cancellous mottle as a share of their mineral (0: flat bodies; physics/trabecular-texture.ts). */
  trabecularTextureShare: number;
  /** Tube voltage for every series instead of each scanner profile's, kV. */
  kVp?: number;
}

export const DEFAULT_CT_SPINE_OPTIONS: CtSpineOptions = {
  matrix: 512,
  sliceThicknessMm: 1.25,
  slices: 250,
  rodShare: 0.5,
  rods: { material: 'HA', rodsMgPerCm3: [0, 50, 100, 200], rodDiameterMm: 18 },
  doseFactor: 1,
  fractureShare: 0.05,
  // Assumed: spinal fusion is common in the elderly, but no published prevalence of pedicle screws on abdominal CT was found.
  pedicleScrewShare: 0.02,
  contrastShare: 0,
  // Assumed: many abdominal protocols give positive oral contrast, many do not.
  oralContrastShare: 0.2,
  // Assumed: the local mineral of cancellous bone varies by about a third over millimetres.
  trabecularTextureShare: 0.3,
  supersample: 2,
  physics: 'effective-energy',
  // Abdominal CT is taken with the arms raised; trauma, frail patients and PET/CT often keep them down (share assumed).
  armsDownShare: 0.15,
};
