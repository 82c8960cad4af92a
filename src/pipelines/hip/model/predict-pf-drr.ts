import type * as tfTypes from '@tensorflow/tfjs';
import { predictInBatches } from '../../../nn/inference.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';

/** The generator's PF-DRR (g/cm2, the field's frame) for each normalised hip field; any network on the field (the stage-three regression) gives its outputs the same way. */
export function predictPfDrrs(tf: typeof tfTypes, generator: tfTypes.LayersModel, fields: readonly Float32Array[]): Float32Array[] {
  const n = HIP_FIELD.rows * HIP_FIELD.columns;
  return predictInBatches(
    tf,
    generator,
    fields.length,
    (start, size) => {
      const batch = new Float32Array(size * n);
      for (let k = 0; k < size; k++) batch.set(fields[start + k]!, k * n);
      return tf.tensor4d(batch, [size, HIP_FIELD.rows, HIP_FIELD.columns, 1]);
    },
    8,
  );
}
