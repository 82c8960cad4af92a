import { isContrastEnhanced } from './measure-ct-spine-case.js';
import type { SeededRandom } from '../../core/seeded-random.js';
import type { TrainingData } from '../../nn/training/training-data.js';
import type { CtSpineCaseMeasurement } from './measure-ct-spine-case.js';
import { REGRESSION_CHANNELS, REGRESSION_CROP, REGRESSION_OUTPUT_SCALE_MG, mirrorRegressionInput } from './vbmd-regression-input.js';

/** One DenseNet training sample: a level's input and the case's reference QCT. */
export interface VbmdRegressionSample {
  caseId: string;
  patientId: string;
  input: Float32Array;
  referenceMgPerCm3: number;
}

/**
 * The DenseNet's samples from measured cases: L1 and L2 where measurable, each with the case's
 * reference QCT (the mean of L1 and L2, which is all a hospital's cohort gives). T12 is left out of
 * training: the reference does not describe it.
 */
export function vbmdRegressionSamples(measurements: readonly CtSpineCaseMeasurement[]): VbmdRegressionSample[] {
  const out: VbmdRegressionSample[] = [];
  for (const m of measurements) {
    if (m.referenceVbmdMgPerCm3 === undefined || isContrastEnhanced(m)) continue;
    for (const l of m.levels) {
      if (l.level === 'T12' || l.notMeasurable !== null || l.regressionInput === null) continue;
      out.push({ caseId: m.caseId, patientId: m.patientId, input: l.regressionInput, referenceMgPerCm3: m.referenceVbmdMgPerCm3 });
    }
  }
  return out;
}

/** The samples as training data: mirrored left-right and turned upside down, each in half the training draws. */
export function vbmdRegressionTrainingData(samples: readonly VbmdRegressionSample[]): TrainingData {
  const [d, h, w] = REGRESSION_CROP.size;
  const per = d * h * w * REGRESSION_CHANNELS;
  return {
    count: samples.length,
    batch(indices: readonly number[], random: SeededRandom | undefined) {
      const inputs = new Float32Array(indices.length * per);
      const targets = new Float32Array(indices.length);
      indices.forEach((index, b) => {
        const s = samples[index]!;
        const flip = random === undefined ? { x: false, z: false } : { x: random.nextFloat() < 0.5, z: random.nextFloat() < 0.5 };
        inputs.set(flip.x || flip.z ? mirrorRegressionInput(s.input, flip) : s.input, b * per);
        targets[b] = s.referenceMgPerCm3 / REGRESSION_OUTPUT_SCALE_MG;
      });
      return { inputs: [{ data: inputs, shape: [indices.length, d, h, w, REGRESSION_CHANNELS] }], targets: { data: targets, shape: [indices.length, 1] } };
    },
  };
}
