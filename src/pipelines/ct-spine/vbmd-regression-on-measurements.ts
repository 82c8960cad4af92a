import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { CtSpineCaseMeasurement } from './measure-ct-spine-case.js';
import { reportedMean } from './reported-mean.js';
import { applyVbmdRegression } from './vbmd-regression.js';

/** Runs the DenseNet on measured cases (their kept inputs) and sets each level's and each case's DenseNet vBMD. */
export function applyVbmdRegressionToMeasurements(tf: TensorFlow, network: tfTypes.LayersModel, measurements: CtSpineCaseMeasurement[]): void {
  for (const m of measurements) {
    applyVbmdRegression(tf, network, m.levels);
    m.densenetMgPerCm3 = reportedMean(m.reported, m.levels, 'densenetMgPerCm3');
  }
}
