import type { NetworkSpec } from '../../../nn/architectures/network-spec.js';
import type { RegressionPooling } from '../../../nn/architectures/encoder-regression.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';
import type { HipInputChannels } from '../radiograph/hip-network-input.js';
import { HIGH_PASS_SIGMA_MM } from '../radiograph/hip-network-input.js';

/** The model folder's network: the stage-two generator (radiograph field -> PF-DRR). */
export const PF_GENERATOR_NETWORK = 'pf-decomposition';

/**
 * Seed 001's generator, sized for 2 cores: 8 base maps, three downsamplings (to 22 x 14 at 64
 * maps), three residual blocks. An epoch of about 100 radiographs takes about 25 s here (16 maps
 * take twice as long), so 20 + 30 epochs and the registrations stay within the issue's 45 minutes.
 */
export function pfGeneratorSpec(seed: number, inputChannels: HipInputChannels): Extract<NetworkSpec, { architecture: 'decomposition-generator' }> {
  return {
    architecture: 'decomposition-generator',
    options: {
      inputShape: [HIP_FIELD.rows, HIP_FIELD.columns, inputChannels],
      baseFilters: 8,
      downsamplings: 3,
      residualBlocks: 3,
      // Linear: a ReLU output started dead (every pixel 0, no gradient) in the first dev run.
      outputActivation: 'linear',
      seed,
    },
  };
}

/** The model folder's optional stage-three network: radiograph field -> standardised BMD per measure. */
export const BMD_REGRESSION_NETWORK = 'bmd-regression';

/** The model folder's name of stage three's k-th network (1-based): the first keeps the plain name, so models of one network read as before. */
export function bmdRegressionNetworkName(member: number): string {
  return member === 1 ? BMD_REGRESSION_NETWORK : `${BMD_REGRESSION_NETWORK}-${member}`;
}

/**
 * Seed 001's regression network R on the stage-two generator's encoder. The paper's head is
 * CoAtNet's Transformer blocks; a strided convolution, pooling and a linear layer stand in (2 cores).
 * On the dev cohorts (trained on seed 930, read on seed 935) it took femoral-neck r from 0.45 (the
 * PF-DRR line) to 0.62 in 40 epochs.
 */
export function bmdRegressionSpec(
  seed: number,
  outputs: number,
  inputChannels: HipInputChannels,
  pooling: RegressionPooling,
): Extract<NetworkSpec, { architecture: 'encoder-regression' }> {
  return {
    architecture: 'encoder-regression',
    options: { generator: pfGeneratorSpec(seed, inputChannels).options, headFilters: 64, outputs, dropout: 0.2, seed, pooling },
  };
}

/** Seed 001's discriminators D_1, D_2 (two scales here: the field is small), three strided blocks each. */
export const HIP_DISCRIMINATOR = { scales: 2, layers: 3, baseFilters: 8 } as const;

/** What a user of a hip network must repeat (model.json's preprocessing). */
export function hipPreprocessing(inputChannels: HipInputChannels): Record<string, string> {
  return {
    field: `per hip, ${HIP_FIELD.columns} x ${HIP_FIELD.rows} pixels of ${HIP_FIELD.pixelMm} mm (the image's declared spacing) centred on that side's half of an AP pelvis radiograph; the right hip mirrored`,
    pixels: "each field pixel the mean of the image pixels within it; beyond the image's edge the edge's value",
    intensity: "the field's 1st percentile -> 0, its 99th -> 1",
    channels:
      inputChannels === 1
        ? 'one: the normalised field'
        : `two: the normalised field, and 4 x (the field less its Gaussian blur of sigma ${HIGH_PASS_SIGMA_MM} mm)`,
    output: 'the PF-DRR: hydroxyapatite of the proximal femur integrated along each ray, g/cm2',
  };
}
