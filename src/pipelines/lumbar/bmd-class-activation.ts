import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { BmdCategory } from '../../clinical/index.js';
import { BMD_CATEGORIES } from '../../clinical/index.js';
import { bilinearAt } from '../../imaging/bilinear-at.js';
import type { FeatureMaps } from '../../nn/grad-cam.js';
import { gradCam } from '../../nn/grad-cam.js';
import type { BmdInput, BmdPrediction } from './bmd-network-io.js';
import { bmdInputTensors } from './bmd-network-io.js';
import type { LumbarVariant, LumbarView } from './lumbar-networks.js';
import { BMD_OUTPUTS, CROP, variantViews } from './lumbar-networks.js';

/** Where a view's branch looked: Grad-CAM of the class the network found most likely, on the ROI crops' grid. */
export interface LumbarClassActivation {
  target: BmdCategory;
  /** Per view, CROP.size x CROP.size in [0, 1], shared by the four L1-L4 crops (they are one image's channels). */
  maps: Partial<Record<LumbarView, Float32Array>>;
}

/** A map on a coarse grid resampled to size x size, cell centre to cell centre. */
function upsample(map: Float32Array, rows: number, columns: number, size: number): Float32Array {
  const out = new Float32Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) out[y * size + x] = bilinearAt(map, columns, rows, ((x + 0.5) * columns) / size - 0.5, ((y + 0.5) * rows) / size - 0.5);
  return out;
}

/** Grad-CAM of one study through a variant's BMD network, for the WHO class it gave the highest probability. */
export function lumbarClassActivation(
  tf: TensorFlow,
  o: { network: tfTypes.LayersModel; variant: LumbarVariant; input: BmdInput; prediction: BmdPrediction; features?: readonly FeatureMaps[] },
): LumbarClassActivation {
  const target = BMD_CATEGORIES.reduce((best, c) => (o.prediction.probabilities[c] > o.prediction.probabilities[best] ? c : best));
  const views = variantViews(o.variant);
  const tensors = bmdInputTensors(tf, o.variant, o.input);
  try {
    const cams = gradCam(tf, {
      model: o.network,
      inputs: tensors,
      outputIndex: BMD_OUTPUTS.indexOf(target),
      ...(o.features === undefined ? {} : { features: o.features }),
    });
    const maps: LumbarClassActivation['maps'] = {};
    for (const view of views) {
      const cam = cams.find((c) => c.inputName === `${view}-rois`);
      if (cam !== undefined) maps[view] = upsample(cam.map, cam.rows, cam.columns, CROP.size);
    }
    return { target, maps };
  } finally {
    tf.dispose(tensors);
  }
}
