import { SEGMENTATION_WINDOWS_HU } from './ct-spine-networks.js';

/** HU of a crop ([z][y][x]) -> the segmentation network's input: each voxel's value in both windows, 0-1, channels last. */
export function segmentationInput(hu: Float32Array): Float32Array {
  const channels = SEGMENTATION_WINDOWS_HU.length;
  const out = new Float32Array(hu.length * channels);
  for (let p = 0; p < hu.length; p++) {
    for (let c = 0; c < channels; c++) {
      const { low, high } = SEGMENTATION_WINDOWS_HU[c]!;
      out[p * channels + c] = Math.min(1, Math.max(0, (hu[p]! - low) / (high - low)));
    }
  }
  return out;
}
