import type * as tfTypes from '../../../nn/tfjs-types.js';
import type { TensorFlow } from '../../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../../core/errors.js';
import { predictInBatches } from '../../../nn/inference.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';
import { hipNetworkInput, networkInputChannels } from '../radiograph/hip-network-input.js';

/**
 * The generator's PF-DRR (g/cm2, the field's frame) for each normalised hip field; any network on the
 * field (the stage-three regression) gives its outputs the same way. The network's input says which
 * channels it reads (hip-network-input.ts).
 */
export function predictPfDrrs(tf: TensorFlow, generator: tfTypes.LayersModel, fields: readonly Float32Array[]): Float32Array[] {
  const channels = networkInputChannels(generator);
  if (channels !== 1 && channels !== 2) throw new OpenBmdError('BAD_MODEL', `a hip network reads ${channels} input channels; openbmd makes 1 or 2`);
  const n = HIP_FIELD.rows * HIP_FIELD.columns * channels;
  return predictInBatches(
    tf,
    generator,
    fields.length,
    (start, size) => {
      const batch = new Float32Array(size * n);
      for (let k = 0; k < size; k++) batch.set(hipNetworkInput(fields[start + k]!, channels), k * n);
      return tf.tensor4d(batch, [size, HIP_FIELD.rows, HIP_FIELD.columns, channels]);
    },
    8,
  );
}
