import type * as tfTypes from './tfjs-types.js';
import type { TensorFlow } from './tfjs-runtime.js';
import { OpenBmdError } from '../core/errors.js';

/**
 * Runs a model over `count` samples in batches: `makeBatch(start, size)` builds the inputs of one
 * batch (tensors it creates are disposed here), the outputs are copied out and every tensor of the
 * batch released, so memory stays flat however many studies pass through. Returns one flat
 * Float32Array per sample (the model's output for it). Data is read outside `tidy`, which would
 * otherwise walk the copied arrays element by element.
 */
export function predictInBatches(
  tf: TensorFlow,
  model: tfTypes.LayersModel,
  count: number,
  makeBatch: (start: number, size: number) => tfTypes.Tensor | tfTypes.Tensor[],
  batchSize = 16,
): Float32Array[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new OpenBmdError('BAD_ARGUMENT', `batch size must be a positive integer, got ${batchSize}`);
  const results: Float32Array[] = [];
  for (let start = 0; start < count; start += batchSize) {
    const size = Math.min(batchSize, count - start);
    const output = tf.tidy(() => {
      const prediction = model.predict(makeBatch(start, size));
      if (Array.isArray(prediction)) throw new OpenBmdError('INTERNAL', 'predictInBatches expects a model with one output');
      return prediction;
    });
    const values = output.dataSync() as Float32Array;
    const perSample = values.length / size;
    for (let i = 0; i < size; i++) results.push(values.slice(i * perSample, (i + 1) * perSample));
    output.dispose();
  }
  return results;
}
