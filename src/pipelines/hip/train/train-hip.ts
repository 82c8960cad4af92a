import { join } from 'node:path';
import type { RegressionPooling } from '../../../nn/architectures/encoder-regression.js';
import type * as tfTypes from '../../../nn/tfjs-types.js';
import type { TensorFlow } from '../../../nn/tfjs-runtime.js';
import { OpenBmdError } from '../../../core/errors.js';
import type { SeededRandom } from '../../../core/seeded-random.js';
import { trainingCohortRecord } from '../../../io/cohort/site-cohort.js';
import { buildNetwork } from '../../../nn/architectures/network-spec.js';
import { multiScalePatchGan } from '../../../nn/architectures/patchgan-discriminator.js';
import { saveModelFolder } from '../../../nn/model-folder/model-folder.js';
import type { GanEpochRecord } from '../../../nn/training/decomposition-gan.js';
import { SEED_001_LOSS_WEIGHTS, trainDecompositionGan } from '../../../nn/training/decomposition-gan.js';
import { adjustIntensity, drawAugmentation, warpImage } from '../../../nn/training/image-augmentation.js';
import type { TrainingData } from '../../../nn/training/training-data.js';
import { linearFit } from '../../../stats/linear-fit.js';
import { gradientCorrelation } from '../../../registration/gradient-correlation.js';
import { readHipCohort } from '../hip-cohort.js';
import { HIP_PIPELINE } from '../model/hip-model.js';
import { HIP_DISCRIMINATOR, PF_GENERATOR_NETWORK, bmdRegressionNetworkName, hipPreprocessing, pfGeneratorSpec } from '../model/hip-networks.js';
import type { CalibrationSample, HipMeasure } from '../model/pf-drr-bmd.js';
import { HIP_MEASURES, fitHipBmdCalibration, hipBmdFromFeature, pfDrrFeature } from '../model/pf-drr-bmd.js';
import { predictPfDrrs } from '../model/predict-pf-drr.js';
import { HIP_FIELD } from '../radiograph/hip-field.js';
import type { HipTrainingTarget } from './hip-training-targets.js';
import { hipTrainingTargets } from './hip-training-targets.js';
import { heldOutPersons } from './hip-calibration-persons.js';
import { hipTruth } from './recalibrate-hip.js';
import { HIP_AUGMENTATION } from './hip-augmentation.js';
import type { HipInputChannels } from '../radiograph/hip-network-input.js';
import { hipNetworkInput } from '../radiograph/hip-network-input.js';
import { REGRESSION_BATCH, regressionMemberSeed, trainBmdRegression } from './train-bmd-regression.js';
import { heldOutR } from './held-out-r.js';
import type { HipEstimate } from '../model/bmd-regression.js';
import { regressionNetworkValues } from '../model/bmd-regression.js';

const MIN_PERSONS = 5;

/** Registrations whose femur stage ends below this gradient correlation are not trained on. */
const MIN_FEMUR_CORRELATION = 0.1;

export interface TrainHipOptions {
  cohortCsv: string;
  outDir: string;
  seed: number;
  /** Epochs of stage one (bone DRR), stage two (PF-DRR) and stage three (the regression network; 0 leaves it out). */
  epochs: { bone: number; pf: number; regression: number };
  /** Seed 001's hierarchical learning: stage one first; false trains the PF-DRR from scratch (the ablation). */
  hierarchical: boolean;
  /** Which estimate the model reports once it has stage three (the others are kept beside it). */
  estimate: HipEstimate;
  /** The networks' input: the normalised field alone (seed 001), or with its high-pass (hip-network-input.ts). */
  inputChannels: HipInputChannels;
  /** Stage three's pooling over the encoder's positions (encoder-regression.ts). */
  regressionPooling: RegressionPooling;
  /** Stage three's first epochs with the encoder held fixed (seed 001's schedule); 0: end to end throughout. */
  regressionFreezeEpochs: number;
  /** Stage three's networks, trained alike from different seeds; their mean is reported (1: seed 001's one network). */
  regressionMembers: number;
  batchSize: number;
  /** Worker processes for the registrations. */
  cores: number;
  /** Where the registered training targets (and the GAN checkpoints) are kept between runs. */
  targetsDir: string;
  command: string;
  write: (line: string) => void;
}

/**
 * Training samples on the host: the X-ray field and one of its DRRs, augmented together when
 * training; the network's input channels made from the augmented field.
 */
function decompositionData(targets: readonly HipTrainingTarget[], which: 'pfDrr' | 'boneDrr', channels: HipInputChannels): TrainingData {
  const n = HIP_FIELD.rows * HIP_FIELD.columns;
  return {
    count: targets.length,
    batch(indices: readonly number[], random: SeededRandom | undefined) {
      const x = new Float32Array(indices.length * n * channels);
      const y = new Float32Array(indices.length * n);
      indices.forEach((k, b) => {
        const t = targets[k]!;
        if (random === undefined) {
          x.set(hipNetworkInput(t.xray, channels), b * n * channels);
          y.set(t[which], b * n);
          return;
        }
        const draw = drawAugmentation(HIP_AUGMENTATION, HIP_FIELD.columns, HIP_FIELD.rows, random);
        // The X-ray's fill is its own low end (the field's 1st percentile is 0), the DRR's is no bone.
        const xray = warpImage(t.xray, HIP_FIELD.columns, HIP_FIELD.rows, 1, draw.forward, 'bilinear', 0);
        adjustIntensity(xray, draw.brightnessFactor, draw.contrastFactor);
        x.set(hipNetworkInput(xray, channels), b * n * channels);
        y.set(warpImage(t[which], HIP_FIELD.columns, HIP_FIELD.rows, 1, draw.forward, 'bilinear', 0), b * n);
      });
      const shape = [indices.length, HIP_FIELD.rows, HIP_FIELD.columns];
      return { inputs: [{ data: x, shape: [...shape, channels] }], targets: { data: y, shape: [...shape, 1] } };
    },
  };
}

/**
 * `train hip`: seed 001 on a cohort of AP pelvis radiographs with each person's CT and BMD. The CT
 * is registered to every radiograph to make the training targets (`hipTrainingTargets`); persons
 * are split (never a person on both sides) into the generator's training set and a calibration set
 * (a quarter); the generator learns the bone DRR (stage one) and then the PF-DRR (stage two) against
 * multi-scale PatchGANs with L1 + gradient correlation + feature matching (100, 1, 10); its PF-DRRs
 * of the calibration persons' radiographs, which it never saw, fix the threshold and the BMD lines.
 */
export async function trainHip(tf: TensorFlow, o: TrainHipOptions): Promise<{ modelDir: string; lines: string[]; failed: number }> {
  const cohort = readHipCohort(o.cohortCsv);
  const persons = new Set(cohort.cases.map((c) => c.patientId));
  if (persons.size < MIN_PERSONS)
    throw new OpenBmdError(
      'EMPTY_INPUT',
      `train hip needs at least ${MIN_PERSONS} persons (a quarter are held out to fit the BMD lines on); the cohort has ${persons.size}`,
      { file: o.cohortCsv },
    );
  const lines: string[] = [];
  const noSide = cohort.cases.filter((c) => c.side === undefined).length;
  if (noSide > 0) o.write(`[hip] ${noSide} rows have no hip_side: their BMD is taken to be the left hip's`);
  const made = await hipTrainingTargets({ cases: cohort.cases, cacheDir: o.targetsDir, seed: o.seed, processes: o.cores, write: o.write });
  const failed = made.failed;
  // A registration whose femur stage matched poorly is left out (seed 001 registers once per pair
  // and checks it): on the dev cohort (seed 930) every target under this correlation but none of
  // its 116 registrations within PF support Dice 0.9 of the simulator's PF-DRR fell below it.
  const targets = made.targets.filter((t) => t.gradientCorrelation.femur >= MIN_FEMUR_CORRELATION);
  for (const t of made.targets)
    if (t.gradientCorrelation.femur < MIN_FEMUR_CORRELATION)
      failed.set(
        t.caseId,
        `registration rejected: the femur's gradient correlation ${t.gradientCorrelation.femur.toFixed(3)} is under ${MIN_FEMUR_CORRELATION}`,
      );
  const byCase = new Map(cohort.cases.map((c) => [c.caseId, c]));
  // Persons drawn for the calibration set (seed 001 tunes on held-out folds), among those registered.
  const held = heldOutPersons(
    targets.map((t) => byCase.get(t.caseId)!.patientId),
    o.seed,
  );
  const training = targets.filter((t) => !held.has(byCase.get(t.caseId)!.patientId));
  const calibration = targets.filter((t) => held.has(byCase.get(t.caseId)!.patientId));
  if (training.length === 0 || calibration.length < 3)
    throw new OpenBmdError('EMPTY_INPUT', `too few registered radiographs to train (${training.length}) and calibrate (${calibration.length})`, {
      file: o.cohortCsv,
    });
  lines.push(
    `targets: ${made.targets.length} radiographs registered to their CT (${made.targets.length - targets.length} rejected by their femur correlation, ${failed.size - made.targets.length + targets.length} failed); ${training.length} train the generator, ${calibration.length} (other persons) fit the BMD`,
  );

  const recipe = `${o.hierarchical ? `h${o.epochs.bone}` : 'flat'}-${o.epochs.pf}-b${o.batchSize}-s${o.seed}${o.inputChannels === 1 ? '' : `-c${o.inputChannels}`}`;
  const spec = pfGeneratorSpec(o.seed, o.inputChannels);
  const generator = buildNetwork(tf, spec);
  const discriminatorFor = (seed: number): tfTypes.LayersModel =>
    multiScalePatchGan(tf, {
      conditionShape: [HIP_FIELD.rows, HIP_FIELD.columns, o.inputChannels],
      imageShape: [HIP_FIELD.rows, HIP_FIELD.columns, 1],
      ...HIP_DISCRIMINATOR,
      seed,
    });
  const stage = async (name: string, which: 'pfDrr' | 'boneDrr', epochs: number, seed: number): Promise<GanEpochRecord[]> => {
    const discriminator = discriminatorFor(seed);
    const history = await trainDecompositionGan(tf, generator, discriminator, decompositionData(training, which, o.inputChannels), {
      label: `hip ${name}`,
      epochs,
      batchSize: o.batchSize,
      seed,
      // Pix2PixHD's 2e-4 barely moved the generator in the few hundred steps 2 cores allow; 2e-3, cosine to 1e-4.
      schedule: { maxLearningRate: 2e-3, minLearningRate: 1e-4, firstPeriodEpochs: epochs },
      discriminator: { scales: HIP_DISCRIMINATOR.scales, layers: HIP_DISCRIMINATOR.layers },
      write: o.write,
      // One folder per recipe: a run with other epochs, batch or seed starts its own (and a stopped one resumes).
      checkpointDir: join(o.targetsDir, `checkpoint-${name}-${recipe}`),
    });
    discriminator.dispose();
    return history;
  };
  const histories: Record<string, readonly object[]> = {};
  if (o.hierarchical) histories['stage1-bone'] = await stage('stage1-bone', 'boneDrr', o.epochs.bone, o.seed + 11);
  histories['stage2-pf'] = await stage('stage2-pf', 'pfDrr', o.epochs.pf, o.seed + 23);

  // The calibration persons' radiographs: the generator never saw them.
  const predicted = predictPfDrrs(
    tf,
    generator,
    calibration.map((t) => t.xray),
  );
  const samples: CalibrationSample[] = calibration.map((t, k) => ({ pfDrr: predicted[k]!, truth: hipTruth(byCase.get(t.caseId)!) }));
  const calibrationPersons = new Set(calibration.map((t) => byCase.get(t.caseId)!.patientId)).size;
  const fit = fitHipBmdCalibration({
    samples,
    fittedOn: `the generator's PF-DRRs of ${calibration.length} radiographs of ${calibrationPersons} persons held out of its training`,
  });
  const decomposition = calibration.map((t, k) => {
    const p = predicted[k]!;
    let l1 = 0;
    for (let i = 0; i < p.length; i++) l1 += Math.abs(p[i]! - t.pfDrr[i]!);
    return {
      l1: l1 / p.length,
      gc: gradientCorrelation({
        fixed: { data: t.pfDrr, rows: HIP_FIELD.rows, columns: HIP_FIELD.columns },
        moving: { data: p, rows: HIP_FIELD.rows, columns: HIP_FIELD.columns },
      }),
    };
  });
  const mean = (v: readonly number[]): number => v.reduce((s, x) => s + x, 0) / Math.max(1, v.length);
  // The registered PF-DRRs themselves, through the same threshold: what a perfect generator would give.
  const targetR: Partial<Record<HipMeasure, number>> = {};
  for (const m of HIP_MEASURES) {
    const pairs = calibration.flatMap((t) => {
      const v = hipTruth(byCase.get(t.caseId)!)[m];
      return v === undefined ? [] : [[pfDrrFeature(t.pfDrr, fit.thresholdGPerCm2).meanGPerCm2, v] as const];
    });
    if (pairs.length >= 3) {
      const f = linearFit(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
      targetR[m] = Math.sign(f.slope) * Math.sqrt(f.r2);
    }
  }
  const calibrationMetrics = {
    note: 'on the calibration persons (held out of the generator, but the BMD lines were fitted on them): not a validation; validate with predict and evaluate on another cohort',
    radiographs: calibration.length,
    persons: calibrationPersons,
    pfDrrMeanAbsoluteErrorGPerCm2: mean(decomposition.map((d) => d.l1)),
    pfDrrGradientCorrelation: mean(decomposition.map((d) => d.gc)),
    r: Object.fromEntries(Object.entries(fit.fits).map(([m, f]) => [m, f.r])),
    registeredTargetR: targetR,
  };
  lines.push(
    `stage ${o.hierarchical ? 'one (bone DRR) and two (PF-DRR)' : 'two only (PF-DRR, no hierarchical learning)'} trained; on the calibration persons the PF-DRR's mean absolute error is ${calibrationMetrics.pfDrrMeanAbsoluteErrorGPerCm2.toFixed(3)} g/cm2, gradient correlation ${calibrationMetrics.pfDrrGradientCorrelation.toFixed(2)}`,
  );
  lines.push(
    `BMD lines (threshold ${fit.thresholdGPerCm2.toFixed(2)} g/cm2, fitted on the calibration persons): ${Object.entries(fit.fits)
      .map(([m, f]) => `${m} r ${f.r.toFixed(3)} (registered targets ${targetR[m as HipMeasure]?.toFixed(3) ?? '-'})`)
      .join(', ')}`,
  );
  // Stage three on the generator's training persons; the calibration persons, whom neither network saw, check it.
  // With several members each is trained alike from its own seed (the first from the run's, so a
  // one-network run's checkpoint serves as the first member of an ensemble).
  const stage3: Awaited<ReturnType<typeof trainBmdRegression>>[] = [];
  let stage3HeldOut: Record<string, number> = {};
  if (o.epochs.regression > 0) {
    for (let member = 1; member <= o.regressionMembers; member++) {
      stage3.push(
        await trainBmdRegression(tf, {
          generator,
          generatorSpec: spec,
          samples: training.map((t) => ({ field: t.xray, truth: hipTruth(byCase.get(t.caseId)!) })),
          epochs: o.epochs.regression,
          batchSize: REGRESSION_BATCH,
          seed: regressionMemberSeed(o.seed, member),
          pooling: o.regressionPooling,
          freezeEncoderEpochs: o.regressionFreezeEpochs,
          checkpointDir: join(
            o.targetsDir,
            `checkpoint-stage3-regression-${recipe}-e${o.epochs.regression}${o.regressionPooling === 'average' ? '' : `-${o.regressionPooling}`}${o.regressionFreezeEpochs > 0 ? `-f${o.regressionFreezeEpochs}` : ''}${member === 1 ? '' : `-m${member}`}`,
          ),
          write: o.write,
        }),
      );
      histories[member === 1 ? 'stage3-regression' : `stage3-regression-m${member}`] = stage3[member - 1]!.history;
    }
    const values = regressionNetworkValues(
      tf,
      stage3.map((m) => m.network),
      { ...stage3[0]!.parameters, trainedOn: '', reported: 'regression', members: stage3.length },
      calibration.map((t) => t.xray),
    );
    stage3HeldOut = heldOutR(calibration.map((t, k) => ({ estimate: values[k]!, truth: hipTruth(byCase.get(t.caseId)!) })));
    lines.push(
      `stage three (${stage3.length === 1 ? 'regression network' : `${stage3.length} regression networks from seeds ${stage3.map((_, k) => regressionMemberSeed(o.seed, k + 1)).join(', ')}, their mean`}, ${o.epochs.regression} epochs${stage3Schedule(o)}, sample-weighted L1) on the generator's ${training.length} radiographs; on the ${calibration.length} calibration radiographs, which neither network saw: ${Object.entries(
        stage3HeldOut,
      )
        .map(([m, r]) => `${m} r ${r.toFixed(3)}`)
        .join(', ')} (the PF-DRR lines, fitted on them: ${Object.entries(fit.fits)
        .map(([m, f]) => `${m} r ${f.r.toFixed(3)}`)
        .join(', ')})`,
    );
  }
  const lead = fit.fits.femneck_abmd ?? fit.fits.tothip_abmd ?? fit.fits.hip_vbmd;
  if (lead !== undefined && lead.r < 0.3)
    lines.push(
      `WARNING: on the calibration persons the PF-DRR mean follows BMD poorly (r ${lead.r.toFixed(2)}): this model's estimates are not to be trusted; train longer, on more persons, or check the registrations`,
    );
  // A model whose calibration radiographs cannot be estimated is not saved as working.
  const check = samples.map((s) => hipBmdFromFeature(fit, pfDrrFeature(s.pfDrr, fit.thresholdGPerCm2)));
  if (check.every((e) => Object.keys(e).length === 0)) throw new OpenBmdError('EMPTY_INPUT', 'no BMD column could be fitted', { file: o.cohortCsv });

  await saveModelFolder(
    tf,
    o.outDir,
    {
      name: `hip-bmd-gan${o.hierarchical ? '' : '-flat'}`,
      pipeline: HIP_PIPELINE,
      command: o.command,
      seed: o.seed,
      parameters: {
        hierarchical: o.hierarchical,
        field: { ...HIP_FIELD, inputChannels: o.inputChannels },
        calibration: fit,
        lossWeights: SEED_001_LOSS_WEIGHTS,
        augmentation: HIP_AUGMENTATION,
        ...(stage3[0] === undefined
          ? {}
          : {
              regression: {
                ...stage3[0].parameters,
                members: stage3.length,
                reported: o.estimate,
                trainedOn: `${training.length} radiographs of the ${new Set(training.map((t) => byCase.get(t.caseId)!.patientId)).size} persons the generator trained on${stage3Schedule(o)}`,
              },
            }),
      },
      trainingData: trainingCohortRecord(cohort, failed.size),
      metrics: {
        calibration: calibrationMetrics,
        ...(stage3.length === 0
          ? {}
          : {
              regressionHeldOut: {
                note: 'the regression network on the calibration persons, held out of both networks: an honest check, on few persons',
                r: stage3HeldOut,
              },
            }),
        training: histories,
      },
    },
    {
      [PF_GENERATOR_NETWORK]: { model: generator, spec, preprocessing: hipPreprocessing(o.inputChannels) },
      ...Object.fromEntries(
        stage3.map((m, k) => [bmdRegressionNetworkName(k + 1), { model: m.network, spec: m.spec, preprocessing: hipPreprocessing(o.inputChannels) }]),
      ),
    },
  );
  generator.dispose();
  stage3.forEach((m) => m.network.dispose());
  for (const [caseId, why] of failed) o.write(`[hip] ${caseId}: ${why}`);
  return { modelDir: o.outDir, lines, failed: failed.size };
}

/** How stage three was scheduled, for model.json and the training lines ('' when end to end throughout). */
function stage3Schedule(o: TrainHipOptions): string {
  const frozen = Math.min(o.regressionFreezeEpochs, o.epochs.regression);
  return frozen > 0 ? ` (the encoder held fixed for the first ${frozen} epochs, then the whole network tuned at a tenth of the rate)` : '';
}
