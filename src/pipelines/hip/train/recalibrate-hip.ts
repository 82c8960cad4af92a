import { join } from 'node:path';
import type { TensorFlow } from '../../../nn/tfjs-runtime.js';
import { trainingCohortRecord } from '../../../io/cohort/site-cohort.js';
import { networksOrigin, recordedNetworkSpec, saveModelFolder } from '../../../nn/model-folder/model-folder.js';
import { groupedKFold } from '../../../stats/grouped-splits.js';
import type { HipCase } from '../hip-cohort.js';
import { readHipCohort } from '../hip-cohort.js';
import type { HipPredictionRow } from '../hip-predictions.js';
import { writeHipPredictions } from '../hip-predictions.js';
import { HIP_PIPELINE, disposeHipModel, loadHipModel } from '../model/hip-model.js';
import { PF_GENERATOR_NETWORK, bmdRegressionNetworkName, hipPreprocessing } from '../model/hip-networks.js';
import type { BmdRegressionParameters } from '../model/bmd-regression.js';
import { regressionEstimates, regressionNetworkValues } from '../model/bmd-regression.js';
import { linearFit } from '../../../stats/linear-fit.js';
import type { CalibrationSample, HipMeasure } from '../model/pf-drr-bmd.js';
import { fitHipBmdCalibration, hipBmdFromFeature, pfDrrFeature } from '../model/pf-drr-bmd.js';
import { predictPfDrrs } from '../model/predict-pf-drr.js';
import { readHipFields } from './read-hip-fields.js';

export function hipTruth(c: HipCase): Partial<Record<HipMeasure, number>> {
  return {
    ...(c.femneckAbmd === undefined ? {} : { femneck_abmd: c.femneckAbmd }),
    ...(c.tothipAbmd === undefined ? {} : { tothip_abmd: c.tothipAbmd }),
    ...(c.hipVbmd === undefined ? {} : { hip_vbmd: c.hipVbmd }),
  };
}

/**
 * `train hip --networks DIR`: a hospital's own BMD lines for a trained generator, from its
 * radiographs and DXA (or QCT) alone, no CT: every radiograph's measured hip decomposed by the
 * reused generator, the threshold and lines fitted on all of them. With folds, the lines are also
 * fitted without each patient-grouped fold and its radiographs predicted (out-of-fold predictions).
 */
export async function recalibrateHip(
  tf: TensorFlow,
  o: { cohortCsv: string; outDir: string; networksFrom: string; folds: number | undefined; seed: number; command: string; write: (line: string) => void },
): Promise<{ modelDir: string; lines: string[]; failed: number; outOfFold: { label: string; predictionsCsv: string; reportDir: string }[] }> {
  const cohort = readHipCohort(o.cohortCsv);
  const reused = await loadHipModel(tf, o.networksFrom);
  const { read, failed } = await readHipFields(cohort.cases);
  const pfDrrs = predictPfDrrs(
    tf,
    reused.generator,
    read.map((r) => r.field),
  );
  const samples: CalibrationSample[] = read.map((r, k) => ({ pfDrr: pfDrrs[k]!, truth: hipTruth(r.c) }));
  // Stage three, where the reused model has it: its values refitted to this cohort by a line per measure.
  const regression = reused.regression;
  const networkValues =
    regression === undefined
      ? undefined
      : regressionNetworkValues(
          tf,
          regression.networks,
          regression.parameters,
          read.map((r) => r.field),
        );
  const regressionLines = (use: (k: number) => boolean): BmdRegressionParameters['lines'] => {
    const lines: NonNullable<BmdRegressionParameters['lines']> = {};
    for (const m of regression?.parameters.measures ?? []) {
      const pairs = read.flatMap((r, k) => (!use(k) || hipTruth(r.c)[m] === undefined ? [] : [[networkValues![k]![m]!, hipTruth(r.c)[m]!] as const]));
      if (pairs.length < 3) continue;
      const f = linearFit(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      );
      if (Number.isFinite(f.slope)) lines[m] = { slope: f.slope, intercept: f.intercept };
    }
    return lines;
  };
  const recalibratedRegression = regression === undefined ? undefined : { ...regression.parameters, lines: regressionLines(() => true) };
  const fittedOn = (n: number): string => `the reused generator's PF-DRRs of ${n} radiographs of the training cohort (${cohort.description})`;
  const calibration = fitHipBmdCalibration({ samples, fittedOn: fittedOn(samples.length) });
  const lines = [
    `generator reused from ${o.networksFrom}; BMD lines fitted on ${samples.length} radiographs (threshold ${calibration.thresholdGPerCm2.toFixed(2)} g/cm2): ${Object.entries(
      calibration.fits,
    )
      .map(([m, f]) => `${m} r ${f.r.toFixed(3)} (in-sample)`)
      .join(', ')}`,
  ];
  const outOfFold: { label: string; predictionsCsv: string; reportDir: string }[] = [];
  if (o.folds !== undefined) {
    const fold = groupedKFold(
      read.map((r) => ({ group: r.c.patientId })),
      o.folds,
      o.seed,
    );
    const rows: HipPredictionRow[] = [];
    for (let f = 0; f < o.folds; f++) {
      const fit = fitHipBmdCalibration({ samples: samples.filter((_, k) => fold[k] !== f), fittedOn: `fold ${f + 1}'s complement` });
      const foldRegression = regression === undefined ? undefined : { ...regression.parameters, lines: regressionLines((k) => fold[k] !== f) };
      read.forEach((r, k) => {
        if (fold[k] !== f) return;
        const feature = pfDrrFeature(samples[k]!.pfDrr, fit.thresholdGPerCm2);
        const e = foldRegression === undefined ? hipBmdFromFeature(fit, feature) : regressionEstimates(foldRegression, networkValues![k]!);
        rows.push({
          caseId: r.c.caseId,
          femneckAbmdGPerCm2: e.femneck_abmd,
          tothipAbmdGPerCm2: e.tothip_abmd,
          hipVbmdMgPerCm3: e.hip_vbmd,
          side: r.c.side ?? 'left',
          pfDrrMeanGPerCm2: feature.meanGPerCm2,
        });
      });
    }
    for (const [caseId, error] of failed) rows.push({ caseId, error });
    const predictionsCsv = join(o.outDir, 'predictions.csv');
    await saveModel();
    writeHipPredictions(predictionsCsv, rows);
    outOfFold.push({ label: 'primary', predictionsCsv, reportDir: o.outDir });
  } else await saveModel();

  async function saveModel(): Promise<void> {
    await saveModelFolder(
      tf,
      o.outDir,
      {
        name: `${reused.description.name}-recalibrated`,
        pipeline: HIP_PIPELINE,
        command: o.command,
        seed: o.seed,
        parameters: {
          ...reused.parameters,
          calibration,
          ...(recalibratedRegression === undefined ? {} : { regression: recalibratedRegression }),
          networksFrom: networksOrigin(reused.description, o.networksFrom),
        },
        trainingData: trainingCohortRecord(cohort, failed.size),
        metrics: {
          calibration: {
            note: 'in-sample: the lines were fitted on these radiographs',
            r: Object.fromEntries(Object.entries(calibration.fits).map(([m, f]) => [m, f.r])),
          },
        },
      },
      {
        [PF_GENERATOR_NETWORK]: {
          model: reused.generator,
          spec: recordedNetworkSpec(reused.description, PF_GENERATOR_NETWORK, o.networksFrom),
          preprocessing: hipPreprocessing(reused.parameters.field.inputChannels),
        },
        ...Object.fromEntries(
          (regression?.networks ?? []).map((model, k) => [
            bmdRegressionNetworkName(k + 1),
            {
              model,
              spec: recordedNetworkSpec(reused.description, bmdRegressionNetworkName(k + 1), o.networksFrom),
              preprocessing: hipPreprocessing(reused.parameters.field.inputChannels),
            },
          ]),
        ),
      },
    );
  }
  disposeHipModel(reused);
  for (const [caseId, why] of failed) o.write(`[hip] ${caseId}: ${why}`);
  return { modelDir: o.outDir, lines, failed: failed.size, outOfFold };
}
