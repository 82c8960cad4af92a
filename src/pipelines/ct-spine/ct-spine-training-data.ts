import type { SeededRandom } from '../../core/seeded-random.js';
import { landmarkHeatmaps } from '../../nn/architectures/spatial-configuration-net.js';
import type { HostBatch, TrainingData } from '../../nn/training/training-data.js';
import type { ProjectionPoint } from './ct-spine-training-samples.js';
import type { CtSpineTrainingSample } from './ct-spine-training-samples.js';
import { CORONAL_WINDOW, LOCATE_AMPLITUDE, LOCATE_SIGMA_PX, SAGITTAL_WINDOW, SEGMENTATION_CONTEXT, SEGMENTATION_CROP } from './ct-spine-networks.js';
import type { SpineProjection } from './spine-projections.js';
import { defaultWindowPlacement, projectionWindow } from './spine-projections.js';
import { segmentationInput } from './cancellous-input.js';
import { subCrop } from '../../imaging/volume-crop.js';
import { applyProjectionGamma, degradeCrop, degradeProjection } from './domain-randomisation.js';
import { randomiseProjectionAppearance } from './projection-appearance.js';

/** A point no heat map reaches: the target of a level outside the window. */
const ABSENT: ProjectionPoint = [-1e4, -1e4];

interface WindowDraw {
  data: Float32Array;
  /** Maps a projection point to the window, or null when it fell outside or was blanked. */
  place: (point: ProjectionPoint) => ProjectionPoint | null;
}

/**
 * A training window of a projection: shifted, and in 30 % of draws cut above or below a random row
 * (the series ends there), so the networks learn that a level outside the field is not found and
 * that labels do not follow from where the field starts.
 */
function drawWindow(p: SpineProjection, columns: number, rows: number, random: SeededRandom | undefined): WindowDraw {
  const placement = defaultWindowPlacement(p, rows);
  const shiftMm = random === undefined ? 0 : (random.nextFloat() - 0.5) * 40;
  const shiftRows = random === undefined ? 0 : Math.round((random.nextFloat() - 0.5) * 24);
  const window = projectionWindow(p, columns, rows, placement.centreColumnMm + shiftMm, placement.firstRow + shiftRows);
  let cut: { row: number; above: boolean } | null = null;
  if (random !== undefined && random.nextFloat() < 0.3) {
    cut = { row: Math.round(rows * (0.2 + 0.6 * random.nextFloat())), above: random.nextFloat() < 0.5 };
    for (let r = 0; r < rows; r++) if (cut.above ? r < cut.row : r >= cut.row) window.data.fill(0, r * columns, (r + 1) * columns);
  }
  if (random !== undefined) {
    const gain = 1 + 0.1 * (random.nextFloat() - 0.5) * 2;
    const offset = 0.03 * (random.nextFloat() - 0.5) * 2;
    for (let i = 0; i < window.data.length; i++) window.data[i] = Math.min(1, Math.max(0, window.data[i]! * gain + offset));
    applyProjectionGamma(window.data, random);
    randomiseProjectionAppearance(window.data, columns, rows, random);
    degradeProjection(window.data, columns, rows, random);
  }
  return {
    data: window.data,
    place: ([c, r]) => {
      const wc = c - window.firstColumn;
      const wr = r - window.firstRow;
      if (wc < 0 || wc > columns - 1 || wr < 0 || wr > rows - 1) return null;
      // A body cut through by the field's edge is not a body to find.
      if (cut !== null && (cut.above ? wr < cut.row + 4 : wr > cut.row - 4)) return null;
      return [wc, wr];
    },
  };
}

/** Coronal MIP windows -> one heat map per target level (zero where the level is not in the window). */
export function coronalTrainingData(samples: readonly CtSpineTrainingSample[]): TrainingData {
  const { columns, rows } = CORONAL_WINDOW;
  return {
    count: samples.length,
    batch(indices, random): HostBatch {
      const inputs = new Float32Array(indices.length * rows * columns);
      const levels = samples[0]?.coronalCentres.length ?? 3;
      const targets = new Float32Array(indices.length * rows * columns * levels);
      indices.forEach((index, b) => {
        const s = samples[index]!;
        const w = drawWindow(s.coronal, columns, rows, random);
        inputs.set(w.data, b * rows * columns);
        const points = s.coronalCentres.map((c) => (c === null ? ABSENT : (w.place(c) ?? ABSENT)));
        const maps = landmarkHeatmaps(points, columns, rows, LOCATE_SIGMA_PX);
        for (let i = 0; i < maps.length; i++) targets[b * maps.length + i] = LOCATE_AMPLITUDE * maps[i]!;
      });
      return {
        inputs: [{ data: inputs, shape: [indices.length, rows, columns, 1] }],
        targets: { data: targets, shape: [indices.length, rows, columns, levels] },
      };
    },
  };
}

/** Sagittal slab MIP windows -> one heat map holding every vertebral body centre in the window. */
export function sagittalTrainingData(samples: readonly CtSpineTrainingSample[]): TrainingData {
  const { columns, rows } = SAGITTAL_WINDOW;
  return {
    count: samples.length,
    batch(indices, random): HostBatch {
      const inputs = new Float32Array(indices.length * rows * columns);
      const targets = new Float32Array(indices.length * rows * columns);
      indices.forEach((index, b) => {
        const s = samples[index]!;
        const w = drawWindow(s.sagittal, columns, rows, random);
        inputs.set(w.data, b * rows * columns);
        const points = s.sagittalCentres.map((c) => w.place(c)).filter((p): p is ProjectionPoint => p !== null);
        if (points.length === 0) return;
        const maps = landmarkHeatmaps(points, columns, rows, LOCATE_SIGMA_PX);
        for (let p = 0; p < rows * columns; p++) {
          let best = 0;
          for (let l = 0; l < points.length; l++) best = Math.max(best, maps[p * points.length + l]!);
          targets[b * rows * columns + p] = LOCATE_AMPLITUDE * best;
        }
      });
      return { inputs: [{ data: inputs, shape: [indices.length, rows, columns, 1] }], targets: { data: targets, shape: [indices.length, rows, columns, 1] } };
    },
  };
}

/**
 * Segmentation crops, one per target level per case: a window of the cached context crop at a
 * random offset (the localiser's error), mirrored left-right at random, HU scaled and shifted as
 * scanners differ, blurred and noised as series differ (domain randomisation); centred and unchanged
 * for validation.
 */
export function segmentationTrainingData(samples: readonly CtSpineTrainingSample[]): TrainingData {
  const crops = samples.flatMap((s) => s.crops);
  const size = SEGMENTATION_CROP.size;
  const voxels = size[0] * size[1] * size[2];
  const channels = 2;
  return {
    count: crops.length,
    batch(indices, random): HostBatch {
      const inputs = new Float32Array(indices.length * voxels * channels);
      const targets = new Float32Array(indices.length * voxels);
      indices.forEach((index, b) => {
        const crop = crops[index]!;
        const slack = SEGMENTATION_CONTEXT.map((n, a) => n - size[a]!);
        const start = slack.map((s) => (random === undefined ? Math.floor(s / 2) : random.nextInt(s + 1))) as [number, number, number];
        let hu = subCrop(crop.hu, SEGMENTATION_CONTEXT, start, size);
        let mask = subCrop(crop.mask, SEGMENTATION_CONTEXT, start, size);
        if (random !== undefined) {
          if (random.nextFloat() < 0.5) {
            hu = mirrorX(hu, size);
            mask = mirrorX(mask, size);
          }
          const scale = 1 + 0.06 * (random.nextFloat() - 0.5) * 2;
          const offset = 15 * (random.nextFloat() - 0.5) * 2;
          for (let i = 0; i < hu.length; i++) hu[i] = hu[i]! * scale + offset;
          degradeCrop(hu, size, random);
        }
        inputs.set(segmentationInput(hu), b * voxels * channels);
        targets.set(mask, b * voxels);
      });
      return { inputs: [{ data: inputs, shape: [indices.length, ...size, channels] }], targets: { data: targets, shape: [indices.length, ...size, 1] } };
    },
  };
}

function mirrorX(values: Float32Array, size: readonly [number, number, number]): Float32Array {
  const out = new Float32Array(values.length);
  const nx = size[2];
  for (let row = 0; row < size[0] * size[1]; row++) {
    for (let x = 0; x < nx; x++) out[row * nx + x] = values[row * nx + nx - 1 - x]!;
  }
  return out;
}
