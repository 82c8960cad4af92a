import type * as tfTypes from '../tfjs-types.js';
import type { TensorFlow } from '../tfjs-runtime.js';
import { OpenBmdError } from '../../core/errors.js';
import type { CovariateFusionOptions } from './covariate-fusion-net.js';
import { covariateFusionNet } from './covariate-fusion-net.js';
import type { DenseNetOptions } from './densenet.js';
import { denseNet } from './densenet.js';
import type { DecompositionGeneratorOptions } from './decomposition-generator.js';
import { decompositionGenerator } from './decomposition-generator.js';
import type { EncoderRegressionOptions } from './encoder-regression.js';
import { encoderRegression } from './encoder-regression.js';
import type { MultiScalePatchGanOptions } from './patchgan-discriminator.js';
import { multiScalePatchGan } from './patchgan-discriminator.js';
import type { SeResUNet3DOptions } from './se-res-unet3d.js';
import { seResUNet3d } from './se-res-unet3d.js';
import type { SpatialConfigurationOptions } from './spatial-configuration-net.js';
import { spatialConfigurationNet } from './spatial-configuration-net.js';
import type { UNetOptions } from './unet.js';
import { uNet } from './unet.js';

/**
 * A network as data: the architecture's name and its options. It is what a model folder records,
 * and what a worker process needs to build the same network as its parent.
 */
export type NetworkSpec =
  | { architecture: 'densenet-bc'; options: DenseNetOptions }
  | { architecture: 'unet'; options: UNetOptions }
  | { architecture: 'se-res-unet-3d'; options: SeResUNet3DOptions }
  | { architecture: 'scn'; options: SpatialConfigurationOptions }
  | { architecture: 'covariate-fusion'; options: CovariateFusionOptions }
  | { architecture: 'decomposition-generator'; options: DecompositionGeneratorOptions }
  | { architecture: 'encoder-regression'; options: EncoderRegressionOptions }
  | { architecture: 'multi-scale-patchgan'; options: MultiScalePatchGanOptions };

export const ARCHITECTURES = [
  'densenet-bc',
  'unet',
  'se-res-unet-3d',
  'scn',
  'covariate-fusion',
  'decomposition-generator',
  'encoder-regression',
  'multi-scale-patchgan',
] as const;

/** Builds the network a spec describes (fresh, seeded weights). */
export function buildNetwork(tf: TensorFlow, spec: NetworkSpec): tfTypes.LayersModel {
  switch (spec.architecture) {
    case 'densenet-bc':
      return denseNet(tf, spec.options);
    case 'unet':
      return uNet(tf, spec.options);
    case 'se-res-unet-3d':
      return seResUNet3d(tf, spec.options);
    case 'scn':
      return spatialConfigurationNet(tf, spec.options);
    case 'covariate-fusion':
      return covariateFusionNet(tf, spec.options);
    case 'decomposition-generator':
      return decompositionGenerator(tf, spec.options);
    case 'encoder-regression':
      return encoderRegression(tf, spec.options);
    case 'multi-scale-patchgan':
      return multiScalePatchGan(tf, spec.options);
    default:
      throw new OpenBmdError('BAD_MODEL', `unknown architecture '${(spec as { architecture: string }).architecture}'`);
  }
}
