import type { NetworkSpec } from '../../nn/architectures/network-spec.js';

/**
 * The three networks of seed 000 and the grids they see. Sizes fit a 2-core CPU: the whole
 * radiograph at about 2.2 mm per pixel for background removal and for locating the distal radius,
 * then a 0.4 mm crop around it where the key points are placed precisely.
 */
export const FOREARM_NETWORK_NAMES = { segmentation: 'segmentation', coarseLandmarks: 'landmarks-coarse', fineLandmarks: 'landmarks-fine' } as const;

/** Whole-image grid (columns, rows): a 200 x 280 mm field at 2.2 mm per pixel. */
export const WHOLE_GRID = { columns: 96, rows: 128 } as const;

/** Fine landmark crop: `size` pixels of `pixelMm`; training draws it from a `contextSize` crop, so its centre can be off by the coarse stage's error. */
export const FINE_CROP = { size: 96, contextSize: 128, pixelMm: 0.4 } as const;

/** Label values of the segmentation (the simulator's label PNG uses the same). */
export const SEGMENTATION_CLASSES = ['background', 'forearm', 'wedge'] as const;

/** Gaussian heat-map widths, grid pixels. */
export const COARSE_SIGMA_PX = 1.5;
/** Target heat-map peak height: with peaks of 1 the networks settle on predicting zero everywhere (measured: coarse errors of 90 px after 14 epochs); with 100, as Payer et al. scale theirs, they learn in a few epochs. */
export const HEATMAP_AMPLITUDE = 100;
export const FINE_SIGMA_PX = 2;

/** Key points in order: the radius's radial edge, then its ulnar edge (the simulator's and the ROI geometry's order). */
export const KEY_POINT_NAMES = ['distal-radius-radial', 'distal-radius-ulnar'] as const;

export function segmentationSpec(seed: number): NetworkSpec {
  return {
    architecture: 'unet',
    options: {
      inputShape: [WHOLE_GRID.rows, WHOLE_GRID.columns, 1],
      classes: SEGMENTATION_CLASSES.length,
      baseFilters: 8,
      depth: 3,
      attentionGates: true,
      seed,
      name: 'forearm-background-removal',
    },
  };
}

export function coarseLandmarkSpec(seed: number): NetworkSpec {
  return {
    architecture: 'scn',
    options: {
      inputShape: [WHOLE_GRID.rows, WHOLE_GRID.columns, 1],
      landmarks: 2,
      baseFilters: 8,
      depth: 3,
      configurationDownsampling: 4,
      configurationKernel: 7,
      seed,
      name: 'forearm-landmarks-coarse',
    },
  };
}

export function fineLandmarkSpec(seed: number): NetworkSpec {
  return {
    architecture: 'scn',
    options: {
      inputShape: [FINE_CROP.size, FINE_CROP.size, 1],
      landmarks: 2,
      baseFilters: 8,
      depth: 3,
      configurationDownsampling: 4,
      configurationKernel: 7,
      seed,
      name: 'forearm-landmarks-fine',
    },
  };
}
