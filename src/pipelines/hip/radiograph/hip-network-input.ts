import { gaussianBlur2D } from '../../../imaging/gaussian-blur.js';
import { HIP_FIELD } from './hip-field.js';

/**
 * What the hip networks read per field pixel: 1 channel, the normalised field (seed 001's input); 2
 * channels, the field and its high-pass, the field less its 10 mm Gaussian (the body's thickness, as
 * the registration removes it), scaled by HIGH_PASS_GAIN.
 */
export type HipInputChannels = 1 | 2;

/** The smooth background left out of the second channel, mm (the registration's, register-hip-radiograph.ts). */
export const HIGH_PASS_SIGMA_MM = 10;
/** Bone edges deviate about 0.05-0.15 from a normalised field's 10 mm mean: x4 gives them the first channel's spread. */
const HIGH_PASS_GAIN = 4;

/** A normalised field (HIP_FIELD) as the networks' input, channels interleaved per pixel. */
export function hipNetworkInput(field: Float32Array, channels: HipInputChannels): Float32Array {
  if (channels === 1) return field;
  const smooth = Float32Array.from(field);
  gaussianBlur2D(smooth, HIP_FIELD.columns, HIP_FIELD.rows, HIGH_PASS_SIGMA_MM / HIP_FIELD.pixelMm);
  const input = new Float32Array(2 * field.length);
  for (let p = 0; p < field.length; p++) {
    input[2 * p] = field[p]!;
    input[2 * p + 1] = HIGH_PASS_GAIN * (field[p]! - smooth[p]!);
  }
  return input;
}

/** The input channels a hip network was built for (the last axis of its input). */
export function networkInputChannels(network: { inputs: readonly { shape: readonly (number | null)[] }[] }): number {
  return network.inputs[0]?.shape[3] ?? 1;
}
