import type * as tfTypes from '@tensorflow/tfjs';
import type { Image2D } from '../../core/image2d.js';
import { labelsFromGridProbabilities } from '../../imaging/grid-class-shares.js';
import type { NetworkGrid } from '../../imaging/network-grid.js';
import { normaliseForNetwork, sampleOnGrid, wholeImageGrid } from '../../imaging/network-grid.js';
import { predictInBatches } from '../../nn/inference.js';
import type { LevelCheck } from './level-plausibility.js';
import { checkLevels } from './level-plausibility.js';
import type { LumbarView } from './lumbar-networks.js';
import { CROP, LOCATOR_CLASSES, LOCATOR_GRID, ROI_LEVELS } from './lumbar-networks.js';
import type { LocatorLevel } from './lumbar-networks.js';
import type { GreyLevels } from './roi-crops.js';
import type { BodyBox, RoiBox } from './vertebral-body-boxes.js';
import { bodiesCountedFromBelow, seed004RoiBoxes } from './vertebral-body-boxes.js';

/** The locator's input: the whole radiograph fitted into LOCATOR_GRID, on its own 1st-99th percentile scale. */
export function locatorInput(image: Image2D): { grid: NetworkGrid; input: Float32Array; levels: GreyLevels } {
  const grid = wholeImageGrid(image, LOCATOR_GRID.columns, LOCATOR_GRID.rows);
  const normalised = normaliseForNetwork(sampleOnGrid(image, grid));
  return { grid, input: normalised.data, levels: { low: normalised.low, high: normalised.high } };
}

/** What the locator found on one view. */
export interface ViewLocation {
  view: LumbarView;
  /** Each level's body (largest region of its label), T12-L5 where found. */
  bodies: BodyBox[];
  /** Seed 004's L1-L4 ROIs. */
  rois: RoiBox[];
  /** Mean probability of its own class over each found body's pixels (1 = certain). */
  confidence: Partial<Record<LocatorLevel, number>>;
  check: LevelCheck;
  greyLevels: GreyLevels;
}

/** ROIs and the model-free check of the bodies found on a view (by the locator, or from training labels). */
export function locationFromBodies(o: { view: LumbarView; bodies: BodyBox[]; image: Image2D; greyLevels: GreyLevels; lowestAtEdge?: boolean }): ViewLocation {
  const pixelMm = o.image.spacingMm[0];
  const check = checkLevels(o.bodies, pixelMm, o.view);
  if (o.lowestAtEdge === true) {
    check.problems.push('level-count-uncertain');
    check.notes.push(`the lowest vertebral body on the ${o.view === 'ap' ? 'AP' : 'lateral'} view touches the image edge: it may not be L5`);
  }
  return {
    view: o.view,
    bodies: o.bodies,
    rois: seed004RoiBoxes(o.bodies, ROI_LEVELS, CROP.marginMm / pixelMm),
    confidence: {},
    check,
    greyLevels: o.greyLevels,
  };
}

/** Runs a view's locator network and reads the levels from its class probabilities. */
export function locateLumbarLevels(tf: typeof tfTypes, network: tfTypes.LayersModel, image: Image2D, view: LumbarView): ViewLocation {
  const { grid, input, levels } = locatorInput(image);
  const [probabilities] = predictInBatches(tf, network, 1, () => tf.tensor4d(input, [1, LOCATOR_GRID.rows, LOCATOR_GRID.columns, 1]));
  const classes = LOCATOR_CLASSES.length;
  const labels = labelsFromGridProbabilities({ probabilities: probabilities!, grid, imageSize: image.size, classes });
  const counted = bodiesCountedFromBelow(labels, image.size[0], image.size[1]);
  const location = locationFromBodies({ view, bodies: counted.bodies, image, greyLevels: levels, lowestAtEdge: counted.lowestAtEdge });
  // Confidence: the mean probability of body or core over the grid pixels inside its box.
  for (const body of location.bodies) {
    let sum = 0;
    let count = 0;
    for (let gy = 0; gy < grid.rows; gy++) {
      const y = grid.y0 + gy * grid.stepY;
      if (y < body.y0 || y > body.y1) continue;
      for (let gx = 0; gx < grid.columns; gx++) {
        const x = grid.x0 + gx * grid.stepX;
        if (x < body.x0 || x > body.x1) continue;
        sum += probabilities![(gy * grid.columns + gx) * classes + 1]! + probabilities![(gy * grid.columns + gx) * classes + 2]!;
        count++;
      }
    }
    location.confidence[body.level] = count > 0 ? sum / count : 0;
  }
  return location;
}
