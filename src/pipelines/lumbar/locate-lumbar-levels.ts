import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { Image2D } from '../../core/image2d.js';
import { gaussianBlur2D } from '../../imaging/gaussian-blur.js';
import { labelsFromGridProbabilities } from '../../imaging/grid-class-shares.js';
import type { NetworkGrid } from '../../imaging/network-grid.js';
import { normaliseForNetwork, sampleOnGrid, wholeImageGrid } from '../../imaging/network-grid.js';
import { predictInBatches } from '../../nn/inference.js';
import type { LevelCheck } from './level-plausibility.js';
import { checkLevels } from './level-plausibility.js';
import type { LumbarView } from './lumbar-networks.js';
import { CROP, LOCATOR_CHANNELS, LOCATOR_CLASSES, LOCATOR_GRID, LOCATOR_LEVELS, ROI_LEVELS } from './lumbar-networks.js';
import type { LocatorLevel } from './lumbar-networks.js';
import type { GreyLevels } from './roi-crops.js';
import type { BodyBox, CountedBodies, RoiBox } from './vertebral-body-boxes.js';
import { bodiesCountedFromBelow, nameFromBelow, seed004RoiBoxes } from './vertebral-body-boxes.js';
import type { SacrumCount } from './sacrum-count.js';
import { SACRUM_LABEL, countFromSacrum } from './sacrum-count.js';
import type { LastRib } from './last-rib.js';
import { countWithLastRib, namedWithShift } from './last-rib.js';

/** Scale of the locator's local contrast, grid pixels (about 13 mm): a vertebral body's half-height. */
export const LOCAL_CONTRAST_SIGMA_PX = 6;

/**
 * Local contrast of an image: (v - local mean) / local SD, both Gaussian-weighted, divided by 3 and
 * clipped to +-1. Bone edges stand out whatever the detector's processing did to the large scale
 * (a processed lumbar radiograph puts the whole trunk in the top fifth of its range).
 */
export function localContrast(values: Float32Array, columns: number, rows: number, sigmaPx: number): Float32Array {
  const mean = Float32Array.from(values);
  gaussianBlur2D(mean, columns, rows, sigmaPx);
  // Plain loops (a typed array's map calls its function uninlined per pixel).
  const deviation = new Float32Array(values.length);
  const variance = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    // Rounded to float32 first, as the stored deviation is squared.
    const d = Math.fround(values[k]! - mean[k]!);
    deviation[k] = d;
    variance[k] = d * d;
  }
  gaussianBlur2D(variance, columns, rows, sigmaPx);
  const contrast = new Float32Array(values.length);
  for (let k = 0; k < values.length; k++) contrast[k] = Math.max(-1, Math.min(1, deviation[k]! / Math.sqrt(variance[k]! + 1e-6) / 3));
  return contrast;
}

/**
 * The locator's input ([rows, columns, 2]): the whole radiograph fitted into LOCATOR_GRID on its own
 * 1st-99th percentile scale, and its local contrast.
 */
export function locatorInput(image: Image2D): { grid: NetworkGrid; input: Float32Array; levels: GreyLevels } {
  const grid = wholeImageGrid(image, LOCATOR_GRID.columns, LOCATOR_GRID.rows);
  const normalised = normaliseForNetwork(sampleOnGrid(image, grid));
  const contrast = localContrast(normalised.data, grid.columns, grid.rows, LOCAL_CONTRAST_SIGMA_PX);
  const input = new Float32Array(normalised.data.length * LOCATOR_CHANNELS);
  for (let k = 0; k < normalised.data.length; k++) {
    input[2 * k] = normalised.data[k]!;
    input[2 * k + 1] = contrast[k]!;
  }
  return { grid, input, levels: { low: normalised.low, high: normalised.high } };
}

/** The count without its lowest body (S1 taken for one): the body above it is L5. */
function withoutLowestBody(counted: CountedBodies): CountedBodies {
  const column = counted.column.slice(0, -1);
  return { bodies: nameFromBelow(column, LOCATOR_LEVELS.length - 1), lowestAtEdge: false, column };
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
  /** AP views: the lowest pair of ribs, when found (the second count), and how far it moved the names. */
  lastRib?: LastRib;
  ribShift?: -1 | 0 | 1;
}

/** ROIs and the model-free check of the bodies found on a view (by the locator, or from training labels). */
export function locationFromBodies(o: {
  view: LumbarView;
  bodies: BodyBox[];
  image: Image2D;
  greyLevels: GreyLevels;
  lowestAtEdge?: boolean;
  /** The names moved by the count from the last rib (AP, where it found the ribs), or by the AP view's count (lateral). */
  ribShift?: -1 | 0 | 1;
  lastRib?: LastRib;
  /** The count from the sacrum, where the locator found it. */
  sacrum?: SacrumCount;
}): ViewLocation {
  const pixelMm = o.image.spacingMm[0];
  const check = checkLevels(o.bodies, pixelMm, o.view);
  const viewName = o.view === 'ap' ? 'AP' : 'lateral';
  if (o.lowestAtEdge === true && o.ribShift === undefined) {
    check.problems.push('level-count-uncertain');
    check.notes.push(`the lowest vertebral body on the ${viewName} view touches the image edge: it may not be L5`);
  }
  if (o.sacrum?.lowestOnSacrum === true) {
    check.problems.push('level-count-uncertain');
    check.notes.push(`the lowest body found on the ${viewName} view lies on the sacrum (its first segment): not counted, the body above it is named L5`);
  }
  if (o.sacrum !== undefined && o.sacrum.bodiesMissing > 0) {
    check.problems.push('level-count-uncertain');
    check.notes.push(
      `the sacrum lies ${o.sacrum.bodiesMissing === 1 ? 'a vertebra' : `${o.sacrum.bodiesMissing} vertebrae`} below the lowest body found on the ${viewName} view: that body is named L4 (L5 not found)`,
    );
  }
  if (o.ribShift !== undefined && o.ribShift !== 0) {
    check.problems.push('level-count-uncertain');
    check.notes.push(
      o.ribShift > 0
        ? `the count from the last rib and the count from the sacrum disagree: the lowest ribs arise at the vertebra counted as L1 from below, so it is named T12 on the ${viewName} view and the lowest vertebra L4 (a sacralised L5, or L5 not found)`
        : `the count from the last rib and the count from the sacrum disagree: the vertebra counted as T12 from below bears no rib, so it is named L1 on the ${viewName} view (a sixth lumbar vertebra, or a body below L5 counted)`,
    );
  }
  return {
    view: o.view,
    bodies: o.bodies,
    rois: seed004RoiBoxes(o.bodies, ROI_LEVELS, CROP.marginMm / pixelMm),
    confidence: {},
    check,
    greyLevels: o.greyLevels,
    lastRib: o.lastRib,
    ribShift: o.ribShift,
  };
}

/**
 * Runs a view's locator network and reads the levels from its class probabilities. On an AP view
 * the count from below is checked against the last rib (unless `lastRibCount` is false); a lateral
 * view takes `ribShift`, the AP view's correction of the same spine.
 */
export function locateLumbarLevels(
  tf: TensorFlow,
  network: tfTypes.LayersModel,
  image: Image2D,
  view: LumbarView,
  counting: { lastRibCount?: boolean; ribShift?: -1 | 0 | 1 } = {},
): ViewLocation {
  const { grid, input, levels } = locatorInput(image);
  const [probabilities] = predictInBatches(tf, network, 1, () => tf.tensor4d(input, [1, LOCATOR_GRID.rows, LOCATOR_GRID.columns, LOCATOR_CHANNELS]));
  // Three classes (body, core, background), or four where the locator also learned the sacrum.
  const classes = Number(network.outputs[0]?.shape[3] ?? LOCATOR_CLASSES.length);
  const allLabels = labelsFromGridProbabilities({ probabilities: probabilities!, grid, imageSize: image.size, classes });
  // The bodies are counted without the sacrum's pixels.
  const labels = classes > SACRUM_LABEL ? allLabels.map((v) => (v === SACRUM_LABEL ? 0 : v)) : allLabels;
  // Body-or-core labels, made only where the cores alone do not give L1-L4 (a second full-resolution pass).
  const bodyMask = (): Uint8Array => {
    const union = new Float32Array((probabilities!.length / classes) * 2);
    for (let k = 0; k < union.length / 2; k++) {
      const body = probabilities![k * classes + 1]! + probabilities![k * classes + 2]!;
      union[2 * k] = 1 - body;
      union[2 * k + 1] = body;
    }
    return labelsFromGridProbabilities({ probabilities: union, grid, imageSize: image.size, classes: 2 });
  };
  const fromBelow = bodiesCountedFromBelow(labels, image.size[0], image.size[1], bodyMask);
  // Counted from the sacrum where the locator sees it: a body not found above it moves every name up.
  const sacrum = classes > SACRUM_LABEL ? countFromSacrum({ labels: allLabels, columns: image.size[0], rows: image.size[1], counted: fromBelow }) : undefined;
  const counted =
    sacrum?.lowestOnSacrum === true
      ? withoutLowestBody(fromBelow)
      : sacrum !== undefined && sacrum.bodiesMissing > 0
        ? { ...fromBelow, bodies: namedWithShift(fromBelow, 1), lowestLevelIndex: LOCATOR_LEVELS.length - 2 }
        : fromBelow;
  // The AP view counts from the last rib as well; a lateral takes the AP view's move (the same spine).
  const ribCount =
    view === 'ap'
      ? counting.lastRibCount === false
        ? undefined
        : countWithLastRib({ image, counted })
      : counting.ribShift === undefined || counting.ribShift === 0
        ? undefined
        : { bodies: namedWithShift(counted, counting.ribShift), lastRib: undefined, shift: counting.ribShift };
  const location = locationFromBodies({
    view,
    bodies: ribCount?.bodies ?? counted.bodies,
    image,
    greyLevels: levels,
    lowestAtEdge: counted.lowestAtEdge && sacrum === undefined,
    sacrum,
    // A lowest body at the edge stays uncertain unless a rib count (this view's or the AP's) spoke.
    ribShift: ribCount !== undefined && (ribCount.lastRib !== undefined || view === 'lat') ? ribCount.shift : undefined,
    lastRib: ribCount?.lastRib,
  });
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
