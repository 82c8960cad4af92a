import type { NetworkSpec } from '../../nn/architectures/network-spec.js';

/**
 * The networks of seed 002 and the grids they see, sized for a 2-core CPU. Localisation works on
 * 2 mm projections: the coronal MIP of the paper (T12, L1, L2 told apart by the ribs, so labelling
 * does not assume where the field of view starts) and a sagittal slab MIP for the anterior-posterior
 * position. Segmentation works on a crop around each located body.
 */
export const CT_SPINE_NETWORK_NAMES = {
  coronal: 'locate-coronal',
  sagittal: 'locate-sagittal',
  segmentation: 'cancellous-segmentation',
  regression: 'vbmd-densenet',
} as const;

/** The target vertebrae, in the order of the coronal network's heat maps. */
export const TARGET_LEVELS = ['T12', 'L1', 'L2'] as const;
export type TargetLevel = (typeof TARGET_LEVELS)[number];
/** VerSe label codes of the target levels (the simulator's masks use them). */
export const LEVEL_CODES: Record<TargetLevel, number> = { T12: 19, L1: 20, L2: 21 };

/** Projection windows, 2 mm pixels: 384 mm across, 256 mm high (longer series are scanned in overlapping windows). */
export const CORONAL_WINDOW = { columns: 192, rows: 128 } as const;
export const SAGITTAL_WINDOW = { columns: 160, rows: 128 } as const;
export const LOCATE_SIGMA_PX = 2;
/** Target heat-map peak (peaks of 1 let SCNs settle on zero; see the forearm pipeline). */
export const LOCATE_AMPLITUDE = 100;
/** A level counts as found when its heat-map peak reaches this share of the target amplitude. */
export const FOUND_THRESHOLD = 0.35;

/** Segmentation crop: [z, y, x] voxels of [2, 1, 1] mm, centred on the located body (40 x 48 x 48 mm). */
export const SEGMENTATION_CROP = { size: [20, 48, 48] as [number, number, number], spacingMm: [2, 1, 1] as [number, number, number] } as const;
/** Training draws the crop from a larger cached one, so its centre can be off by localisation's error. */
export const SEGMENTATION_CONTEXT = [26, 60, 60] as const;
/** The two input windows of the segmentation network: cancellous contrast (the paper's level 0, width 400) and cortex. */
export const SEGMENTATION_WINDOWS_HU = [
  { low: -200, high: 200 },
  { low: -200, high: 1200 },
] as const;

export function coronalLocateSpec(seed: number): NetworkSpec {
  return {
    architecture: 'scn',
    options: {
      inputShape: [CORONAL_WINDOW.rows, CORONAL_WINDOW.columns, 1],
      landmarks: TARGET_LEVELS.length,
      baseFilters: 8,
      depth: 3,
      configurationDownsampling: 8,
      configurationKernel: 7,
      seed,
      name: 'ct-spine-locate-coronal',
    },
  };
}

export function sagittalLocateSpec(seed: number): NetworkSpec {
  return {
    architecture: 'scn',
    options: {
      inputShape: [SAGITTAL_WINDOW.rows, SAGITTAL_WINDOW.columns, 1],
      landmarks: 1,
      baseFilters: 8,
      depth: 3,
      configurationDownsampling: 8,
      configurationKernel: 5,
      seed,
      name: 'ct-spine-locate-sagittal',
    },
  };
}

export function segmentationSpec(seed: number): NetworkSpec {
  const [d, h, w] = SEGMENTATION_CROP.size;
  return {
    architecture: 'se-res-unet-3d',
    options: {
      inputShape: [d, h, w, SEGMENTATION_WINDOWS_HU.length],
      classes: 1,
      baseFilters: 8,
      encoderFilters: [16, 20],
      middleFilters: 24,
      seed,
      name: 'ct-spine-cancellous',
    },
  };
}

/**
 * The paper's 3-D DenseNet-BC vBMD regression (method c), on one level's segmented crop. Smaller
 * than the paper's DenseNet-121 (growth 8, blocks of 3, stem stride 2): its input is 20 x 24 x 24
 * voxels, and it trains on a 2-core CPU in minutes. The output also sees the input's averages, and
 * starts as the weighted mean mineral (the mineral channel's average, rescaled to the output's
 * units): the dense blocks learn corrections to it. From a random start the network stayed at an
 * L1 of 10 mg/cm3 on 330 training levels, worse than the mean alone (6).
 */
export function regressionSpec(seed: number, inputShape: [number, number, number, number], scales: { mineralMg: number; outputMg: number }): NetworkSpec {
  return {
    architecture: 'densenet-bc',
    options: {
      inputShape,
      growthRate: 8,
      blockLayers: [3, 3, 3],
      compression: 0.5,
      bottleneck: true,
      stemStride: 2,
      inputAverageSkip: true,
      inputAverageWeights: [0, scales.mineralMg / scales.outputMg],
      outputs: 1,
      seed,
      name: 'ct-spine-vbmd-densenet',
    },
  };
}
