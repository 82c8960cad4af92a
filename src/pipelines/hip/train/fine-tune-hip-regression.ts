import { join } from 'node:path';
import type { TensorFlow } from '../../../nn/tfjs-runtime.js';
import type { RegressionPooling } from '../../../nn/architectures/encoder-regression.js';
import type { NetworkSpec } from '../../../nn/architectures/network-spec.js';
import { OpenBmdError } from '../../../core/errors.js';
import { trainingCohortRecord } from '../../../io/cohort/site-cohort.js';
import { networksOrigin, recordedNetworkSpec, saveModelFolder } from '../../../nn/model-folder/model-folder.js';
import { readHipCohort } from '../hip-cohort.js';
import type { HipEstimate } from '../model/bmd-regression.js';
import { regressionNetworkValues } from '../model/bmd-regression.js';
import { HIP_PIPELINE, disposeHipModel, loadHipModel } from '../model/hip-model.js';
import { PF_GENERATOR_NETWORK, bmdRegressionNetworkName, hipPreprocessing } from '../model/hip-networks.js';
import { heldOutPersons } from './hip-calibration-persons.js';
import { readHipFields } from './read-hip-fields.js';
import { hipTruth } from './recalibrate-hip.js';
import { REGRESSION_BATCH, regressionMemberSeed, trainBmdRegression } from './train-bmd-regression.js';
import { heldOutR } from './held-out-r.js';

const MIN_PERSONS = 5;

export interface FineTuneHipRegressionOptions {
  cohortCsv: string;
  outDir: string;
  /** The model whose generator (and BMD lines) are kept. */
  fineTuneFrom: string;
  seed: number;
  epochs: number;
  members: number;
  pooling: RegressionPooling;
  freezeEncoderEpochs: number;
  estimate: HipEstimate;
  /** Where the networks' checkpoints are kept between runs. */
  checkpointDir: string;
  command: string;
  write: (line: string) => void;
}

/**
 * `train hip --fine-tune DIR`: seed 001's stage three trained afresh on a cohort of radiographs
 * with their BMD, no CT: the regression network(s) start from the encoder of DIR's generator, which
 * is kept as it is with DIR's BMD lines. A hospital has radiographs and DXA far more often than a CT
 * of the same hip, and stage three needs no registration, so it learns from every radiograph of
 * every person (a training run with CT learns only from the radiographs its CT registered to). A
 * quarter of the persons, drawn as train hip draws its calibration persons (so on the generator's
 * own cohort and seed they are the persons the generator never saw), are held out to check it.
 */
export async function fineTuneHipRegression(tf: TensorFlow, o: FineTuneHipRegressionOptions): Promise<{ modelDir: string; lines: string[]; failed: number }> {
  const cohort = readHipCohort(o.cohortCsv);
  const persons = new Set(cohort.cases.map((c) => c.patientId));
  if (persons.size < MIN_PERSONS)
    throw new OpenBmdError(
      'EMPTY_INPUT',
      `train hip --fine-tune needs at least ${MIN_PERSONS} persons (a quarter are held out to check it); the cohort has ${persons.size}`,
      {
        file: o.cohortCsv,
      },
    );
  const reused = await loadHipModel(tf, o.fineTuneFrom);
  try {
    const { read, failed } = await readHipFields(cohort.cases, o.write);
    const held = heldOutPersons(
      read.map((r) => r.c.patientId),
      o.seed,
    );
    const training = read.filter((r) => !held.has(r.c.patientId));
    const check = read.filter((r) => held.has(r.c.patientId));
    if (training.length === 0 || check.length < 3)
      throw new OpenBmdError('EMPTY_INPUT', `too few readable radiographs to train (${training.length}) and check (${check.length}) stage three`, {
        file: o.cohortCsv,
      });
    const generatorSpec = recordedNetworkSpec(reused.description, PF_GENERATOR_NETWORK, o.fineTuneFrom);
    if (generatorSpec.architecture !== 'decomposition-generator')
      throw new OpenBmdError('BAD_MODEL', `its ${PF_GENERATOR_NETWORK} network is a ${generatorSpec.architecture}, not a decomposition generator`, {
        file: o.fineTuneFrom,
      });
    const members: Awaited<ReturnType<typeof trainBmdRegression>>[] = [];
    try {
      for (let member = 1; member <= o.members; member++)
        members.push(
          await trainBmdRegression(tf, {
            generator: reused.generator,
            generatorSpec,
            samples: training.map((r) => ({ field: r.field, truth: hipTruth(r.c) })),
            epochs: o.epochs,
            batchSize: REGRESSION_BATCH,
            seed: regressionMemberSeed(o.seed, member),
            pooling: o.pooling,
            freezeEncoderEpochs: o.freezeEncoderEpochs,
            checkpointDir: join(
              o.checkpointDir,
              `stage3-e${o.epochs}-s${regressionMemberSeed(o.seed, member)}${o.pooling === 'average' ? '' : `-${o.pooling}`}`,
            ),
            write: o.write,
          }),
        );
      const first = members[0]!;
      const trainedOn = `every readable radiograph (${training.length}) of ${new Set(training.map((r) => r.c.patientId)).size} persons of the fine-tuning cohort, no CT, from the encoder of ${o.fineTuneFrom}'s generator`;
      const parameters = { ...first.parameters, members: members.length, reported: o.estimate, trainedOn };
      const values = regressionNetworkValues(
        tf,
        members.map((m) => m.network),
        parameters,
        check.map((r) => r.field),
      );
      const checked = heldOutR(check.map((r, k) => ({ estimate: values[k]!, truth: hipTruth(r.c) })));
      const checkPersons = new Set(check.map((r) => r.c.patientId)).size;
      const lines = [
        `stage three (${members.length === 1 ? 'one network' : `${members.length} networks from seeds ${members.map((_, k) => regressionMemberSeed(o.seed, k + 1)).join(', ')}, their mean`}, ${o.epochs} epochs) on ${training.length} radiographs; on ${check.length} radiographs of ${checkPersons} persons held out: ${Object.entries(
          checked,
        )
          .map(([m, r]) => `${m} r ${r.toFixed(3)}`)
          .join(', ')}; the generator and its BMD lines kept from ${o.fineTuneFrom}`,
      ];
      const preprocessing = hipPreprocessing(reused.parameters.field.inputChannels);
      await saveModelFolder(
        tf,
        o.outDir,
        {
          name: `${reused.description.name}-stage3-fine-tuned`,
          pipeline: HIP_PIPELINE,
          command: o.command,
          seed: o.seed,
          parameters: { ...reused.parameters, regression: parameters, networksFrom: networksOrigin(reused.description, o.fineTuneFrom) },
          trainingData: trainingCohortRecord(cohort, failed.size),
          metrics: {
            regressionHeldOut: {
              note: `stage three on ${checkPersons} persons of the fine-tuning cohort held out of its training: an honest check, on few persons`,
              r: checked,
            },
            training: Object.fromEntries(members.map((m, k) => [k === 0 ? 'stage3-regression' : `stage3-regression-m${k + 1}`, m.history])),
          },
        },
        {
          [PF_GENERATOR_NETWORK]: { model: reused.generator, spec: generatorSpec satisfies NetworkSpec, preprocessing },
          ...Object.fromEntries(members.map((m, k) => [bmdRegressionNetworkName(k + 1), { model: m.network, spec: m.spec, preprocessing }])),
        },
      );
      for (const [caseId, why] of failed) o.write(`[hip] ${caseId}: ${why}`);
      return { modelDir: o.outDir, lines, failed: failed.size };
    } finally {
      members.forEach((m) => m.network.dispose());
    }
  } finally {
    disposeHipModel(reused);
  }
}
