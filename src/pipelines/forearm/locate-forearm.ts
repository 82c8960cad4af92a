import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { Image2D } from '../../core/image2d.js';
import { heatmapPeaks } from '../../nn/architectures/spatial-configuration-net.js';
import { predictInBatches } from '../../nn/inference.js';
import type { Point } from './forearm-roi-geometry.js';
import type { ForearmNetworks } from './forearm-model.js';
import { FINE_CROP, HEATMAP_AMPLITUDE, WHOLE_GRID } from './forearm-networks.js';
import { foregroundShare, labelsFromProbabilities, removeBackground } from './forearm-segmentation.js';
import type { NetworkGrid } from '../../imaging/network-grid.js';
import { cropGrid, gridToImage, normaliseForNetwork, sampleOnGrid, wholeImageGrid } from '../../imaging/network-grid.js';

/** What the networks find on one radiograph. */
export interface ForearmLocation {
  /** Per image pixel: 0 background, 1 hand/forearm, 2 step wedge (SEGMENTATION_CLASSES). */
  labels: Uint8Array;
  /** Radial then ulnar distal-radius key point, image pixels (fine stage). */
  keyPoints: [Point, Point];
  /** The coarse stage's estimate, image pixels. */
  coarseKeyPoints: [Point, Point];
  /** Heat-map maxima of the fine stage over the target peak (near 1 when the network is sure). */
  keyPointConfidence: [number, number];
}

/** The whole-image network input: the radiograph on the whole-image grid, normalised. */
export function wholeImageInput(image: Image2D): { grid: NetworkGrid; input: Float32Array } {
  const grid = wholeImageGrid(image, WHOLE_GRID.columns, WHOLE_GRID.rows);
  return { grid, input: normaliseForNetwork(sampleOnGrid(image, grid)).data };
}

/**
 * The fine-stage grid centred on a point, with intensity levels from the wider context crop (as in
 * training, where the crop moves inside that context).
 */
export function fineCropInput(image: Image2D, centre: Point): { grid: NetworkGrid; input: Float32Array } {
  const context = sampleOnGrid(image, cropGrid(image, centre, FINE_CROP.contextSize, FINE_CROP.pixelMm));
  const levels = normaliseForNetwork(context);
  const grid = cropGrid(image, centre, FINE_CROP.size, FINE_CROP.pixelMm);
  return { grid, input: normaliseForNetwork(sampleOnGrid(image, grid), levels).data };
}

function predictOne(tf: TensorFlow, model: tfTypes.LayersModel, input: Float32Array, rows: number, columns: number): Float32Array {
  return predictInBatches(tf, model, 1, () => tf.tensor4d(input, [1, rows, columns, 1]))[0]!;
}

function peaksOnGrid(maps: Float32Array, g: NetworkGrid): { points: [Point, Point]; heights: [number, number] } {
  const [a, b] = heatmapPeaks(maps, g.columns, g.rows, 2) as [Point, Point];
  const height = (p: Point, l: number): number => maps[(Math.round(p[1]) * g.columns + Math.round(p[0])) * 2 + l]! / HEATMAP_AMPLITUDE;
  return { points: [gridToImage(g, a), gridToImage(g, b)], heights: [height(a, 0), height(b, 1)] };
}

/**
 * Seed 000's network stages on one radiograph: background removal (attention U-Net), then the SCN
 * key points on the background-removed image, refined by a second SCN on a 0.4 mm crop around them.
 */
export function locateForearm(tf: TensorFlow, networks: ForearmNetworks, image: Image2D, backgroundRemoval = true): ForearmLocation {
  const whole = wholeImageInput(image);
  const probabilities = predictOne(tf, networks.segmentation, whole.input, WHOLE_GRID.rows, WHOLE_GRID.columns);
  const labels = labelsFromProbabilities(probabilities, whole.grid, image.size);
  // Without background removal (seed 000's Table 3 comparison) the coarse network sees the radiograph as it is.
  const masked = backgroundRemoval ? removeBackground(whole.input, foregroundShare(probabilities)) : whole.input;
  const coarse = peaksOnGrid(predictOne(tf, networks.coarseLandmarks, masked, WHOLE_GRID.rows, WHOLE_GRID.columns), whole.grid);
  const centre: Point = [(coarse.points[0][0] + coarse.points[1][0]) / 2, (coarse.points[0][1] + coarse.points[1][1]) / 2];
  const fine = fineCropInput(image, centre);
  const refined = peaksOnGrid(predictOne(tf, networks.fineLandmarks, fine.input, FINE_CROP.size, FINE_CROP.size), fine.grid);
  return { labels, keyPoints: refined.points, coarseKeyPoints: coarse.points, keyPointConfidence: refined.heights };
}
