import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { predictInBatches } from '../../nn/inference.js';
import { REGRESSION_CHANNELS, REGRESSION_CROP, REGRESSION_OUTPUT_SCALE_MG } from './vbmd-regression-input.js';

/** Runs the DenseNet on every level that has an input and sets its vBMD (mg/cm3, before recalibration). */
export function applyVbmdRegression(
  tf: TensorFlow,
  network: tfTypes.LayersModel,
  levels: readonly { regressionInput: Float32Array | null; densenetMgPerCm3: number | null }[],
): void {
  const withInput = levels.filter((l) => l.regressionInput !== null);
  if (withInput.length === 0) return;
  const [d, h, w] = REGRESSION_CROP.size;
  const per = d * h * w * REGRESSION_CHANNELS;
  const outputs = predictInBatches(
    tf,
    network,
    withInput.length,
    (start, size) => {
      const batch = new Float32Array(size * per);
      for (let i = 0; i < size; i++) batch.set(withInput[start + i]!.regressionInput!, i * per);
      return tf.tensor5d(batch, [size, d, h, w, REGRESSION_CHANNELS]);
    },
    16,
  );
  withInput.forEach((l, i) => {
    l.densenetMgPerCm3 = outputs[i]![0]! * REGRESSION_OUTPUT_SCALE_MG;
  });
}
