import type { RodPhantomOptions } from '../trunk/torso-anatomy.js';
import type { HipPose } from './hip-shape.js';

/** Options of `simulate hip` (plain data: they cross to worker threads). */
export interface HipOptions {
  pixelSpacingMm: number;
  /** AP pelvis field, mm (width across the patient, height). */
  fieldWidthMm: number;
  fieldHeightMm: number;
  sourceToDetectorMm: number;
  poses: HipPose[];
  kVp?: number;
  doseFactor: number;
  jpegQuality?: number;
  /** The same person's CT of the hips. */
  ct: { matrix: number; pixelSpacingMm: number; sliceThicknessMm: number; slices: number; rodShare: number; rods: RodPhantomOptions; supersample: number };
  /** Voxel size of the proximal-femur volume the PF-DRR and hip_vbmd come from, mm. */
  pfVoxelMm: number;
}

export const DEFAULT_HIP_OPTIONS: HipOptions = {
  pixelSpacingMm: 0.5,
  fieldWidthMm: 430,
  fieldHeightMm: 350,
  sourceToDetectorMm: 1100,
  poses: ['standing', 'supine', 'abduction', 'adduction'],
  doseFactor: 1,
  // B-MAS200-like hydroxyapatite rods (seed 001 used a phantom of this kind).
  ct: {
    matrix: 256,
    pixelSpacingMm: 1.6,
    sliceThicknessMm: 2,
    slices: 120,
    rodShare: 0.5,
    rods: { material: 'HA', rodsMgPerCm3: [0, 50, 100, 150, 200], rodDiameterMm: 16 },
    supersample: 2,
  },
  pfVoxelMm: 0.8,
};
