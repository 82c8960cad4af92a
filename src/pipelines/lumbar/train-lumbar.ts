import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { BmdCategory, ClinicalKnowledge } from '../../clinical/index.js';
import { loadClinicalKnowledge } from '../../clinical/index.js';
import { interpretBmdPrediction } from './interpret-bmd-prediction.js';
import { OpenBmdError } from '../../core/errors.js';
import type { Image2D } from '../../core/image2d.js';
import { readDicomFile } from '../../io/dicom/read-dicom.js';
import { trainingCohortRecord } from '../../io/cohort/site-cohort.js';
import type { NetworkToSave } from '../../nn/model-folder/model-folder.js';
import { networksOrigin, readModelDescription, recordedNetworkSpec, saveModelFolder } from '../../nn/model-folder/model-folder.js';
import type { StageHistory } from '../../nn/training/train-stage-network.js';
import { trainStageNetwork } from '../../nn/training/train-stage-network.js';
import { groupedKFold, groupedPartition } from '../../stats/grouped-splits.js';
import type { BmdInput } from './bmd-network-io.js';
import type { VariantScores } from './variant-comparison.js';
import { compareVariants } from './variant-comparison.js';
import { predictBmd } from './bmd-network-io.js';
import type { LumbarCase } from './lumbar-cohort.js';
import { readLumbarCohort } from './lumbar-cohort.js';
import { LUMBAR_PIPELINE, disposeBmdNetwork, loadLumbarModel } from './lumbar-model.js';
import type { LumbarVariant, LumbarView } from './lumbar-networks.js';
import {
  BODY_CONTRAST_UNITS,
  COVARIATES,
  CROP,
  LOCATOR_CLASSES,
  LOCATOR_GRID,
  LOCATOR_NETWORK_NAMES,
  ROI_LEVELS,
  bmdFoldNetworkName,
  bmdNetworkName,
  bmdSpec,
  locatorSpec,
  variantViews,
} from './lumbar-networks.js';
import type { LumbarPredictionRow } from './lumbar-predictions.js';
import { writeLumbarPredictions } from './lumbar-predictions.js';
import { lumbarRadiograph } from './lumbar-radiograph.js';
import type { LumbarTrainingSample } from './lumbar-training-samples.js';
import { lumbarTrainingSample } from './lumbar-training-samples.js';
import { caseCategory } from '../../evaluate/case-category.js';
import { bmdTrainingData, bmdTruthRow, locatorTrainingData } from './lumbar-training-data.js';
import type { LocatedStudy } from './lumbar-study-inputs.js';
import { locateStudy } from './lumbar-study-inputs.js';
import { boxIou } from './vertebral-body-boxes.js';
import type { ReferralRule } from './referral-rule.js';
import { chooseReferralRule } from './referral-rule.js';

/**
 * The BMD networks' batch-normalisation statistics, re-estimated after every epoch over up to 512
 * training studies. With the trailing moving averages of training, the all-data network of the
 * development cohort (SIMULATED seed 61) read its own studies 0.058 g/cm2 high, and cohorts it had
 * not seen (seeds 820 and 821, development use) 0.065 and 0.095 high; re-estimated, 0.004, 0.012
 * and 0.036.
 */
const BMD_BATCH_NORM_STATISTICS = { samples: 512, batchSize: 32 } as const;

export interface TrainLumbarOptions {
  cohortCsv: string;
  outDir: string;
  folds: number | undefined;
  seed: number;
  /** Reuse this model folder's locators (a cohort without label images); the BMD networks are trained here either way. */
  networksFrom: string | undefined;
  /** BMD network variants, the first the model's primary. */
  variants: LumbarVariant[];
  covariates: boolean;
  /** Fuse each view's body-over-disc contrast beside the covariates (body-disc-contrast.ts). */
  bodyContrast: boolean;
  /** With folds: keep each fold's BMD network and average it with the all-data one (the fold networks' out-of-fold figures are each network's alone). */
  ensemble: boolean;
  /** Also cross-validate every variant without the covariates (seed 004's comparison; not saved). */
  compareCovariates: boolean;
  /** With folds: the share of osteoporotic studies the DXA-referral threshold is chosen to flag, out of fold. */
  referralSensitivity: number;
  epochs: { locator: number; bmd: number };
  batchSize: number;
  cores: number;
  command: string;
  write: (line: string) => void;
}

export interface TrainLumbarResult {
  modelDir: string;
  lines: string[];
  failed: number;
  outOfFold: { label: string; predictionsCsv: string; reportDir: string }[];
}

/** Fewest labelled studies with which the locators are trained. */
const MIN_LABELLED = 12;
/** Fewest located studies a BMD network is trained on. */
const MIN_BMD_STUDIES = 3;

function progress(write: (line: string) => void, what: string, done: number, total: number, started: number): void {
  if (done % 25 !== 0 && done !== total) return;
  const perCase = (Date.now() - started) / 1000 / done;
  write(`[lumbar] ${what} ${done}/${total}, ${perCase.toFixed(2)} s/study, ETA ${Math.round(perCase * (total - done))} s`);
}

async function readImages(c: LumbarCase): Promise<Partial<Record<LumbarView, Image2D>>> {
  const images: Partial<Record<LumbarView, Image2D>> = { ap: lumbarRadiograph(await readDicomFile(c.image), 'ap') };
  if (c.imageLat !== undefined) images.lat = lumbarRadiograph(await readDicomFile(c.imageLat), 'lat');
  return images;
}

/** Box IoU and localisation of the locators on studies they did not train on. */
function locatorValidation(samples: readonly LumbarTrainingSample[], located: ReadonlyMap<string, LocatedStudy>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const view of ['ap', 'lat'] as const) {
    const ious: number[] = [];
    let studies = 0;
    let allFound = 0;
    for (const s of samples) {
      const truth = s.views[view]?.truth;
      const found = located.get(s.caseId)?.locations[view];
      if (truth === undefined || found === undefined) continue;
      studies++;
      let ok = true;
      for (const level of ROI_LEVELS) {
        const t = truth.rois.find((r) => r.level === level);
        const f = found.rois.find((r) => r.level === level);
        const iou = t !== undefined && f !== undefined ? boxIou(t, f) : 0;
        ious.push(iou);
        if (iou < 0.5) ok = false;
      }
      if (ok) allFound++;
    }
    const sorted = [...ious].sort((a, b) => a - b);
    out[view] = {
      studies,
      meanRoiIou: ious.length > 0 ? ious.reduce((a, b) => a + b, 0) / ious.length : null,
      medianRoiIou: sorted.length > 0 ? sorted[sorted.length >> 1] : null,
      /** Studies whose four ROIs each overlap the true one with IoU >= 0.5. */
      localisedShare: studies > 0 ? allFound / studies : null,
    };
  }
  return out;
}

function describeHistory(h: StageHistory): string {
  return `${h.epochs.length} epochs, best ${h.bestEpoch ?? '-'} (validation loss ${h.bestValidationLoss?.toFixed(4) ?? '-'}), ${h.samplesPerSecond.toFixed(1)} samples/s`;
}

/** A study as the BMD networks see it: located as predict would locate it, with its truth. */
interface BmdStudy {
  caseId: string;
  patientId: string;
  located: LocatedStudy | undefined;
  /** Why it could not be located (a bad file). */
  failure: string | undefined;
  truth: Float32Array;
  category: BmdCategory | undefined;
  person: { sex: 'F' | 'M' | undefined; ageYears: number | undefined };
}

/**
 * `openbmd train lumbar`: the AP and lateral locators trained on the cohort's labels (15 % of the
 * patients held out for early stopping and for the box IoU reported) or taken from another model
 * (`--networks`, for a cohort without labels); every study located as predict would; then each BMD
 * variant's network trained on seed 004's ROI crops of the found boxes. With folds, patient-grouped
 * K-fold cross-validation of the BMD networks predicts each held-out study.
 */
export async function trainLumbar(tf: TensorFlow, o: TrainLumbarOptions): Promise<TrainLumbarResult> {
  const cohort = readLumbarCohort(o.cohortCsv);
  const knowledge = loadClinicalKnowledge();
  const withTruth = cohort.cases.filter((c) => c.lumbarAbmd !== undefined || c.femneckAbmd !== undefined);
  if (withTruth.length < 4)
    throw new OpenBmdError('EMPTY_INPUT', `${withTruth.length} studies have lumbar_abmd or femneck_abmd; training needs at least 4`, { file: o.cohortCsv });
  if (o.variants.some((v) => v !== 'ap') && withTruth.some((c) => c.imageLat === undefined))
    throw new OpenBmdError('EMPTY_INPUT', `a variant with the lateral view (${o.variants.join(', ')}) needs every study to have image_lat`, {
      file: o.cohortCsv,
    });
  mkdirSync(o.outDir, { recursive: true });
  // What every network trained here shares: AdamW's peak rate, batch, seed, cores, checkpoints, progress.
  const stage = {
    pipeline: 'lumbar',
    batchSize: o.batchSize,
    seed: o.seed,
    maxLearningRate: 2e-3,
    cores: o.cores,
    checkpointDir: join(o.outDir, 'checkpoints'),
    write: o.write,
  };
  const lines: string[] = [];
  const failed = new Map<string, string>();
  const views: LumbarView[] = withTruth.every((c) => c.imageLat !== undefined) ? ['ap', 'lat'] : ['ap'];

  // The locators: trained on the labels here, or another model's.
  const locators: Partial<Record<LumbarView, tfTypes.LayersModel>> = {};
  const locatorHistories: Partial<Record<LumbarView, StageHistory>> = {};
  let validationSamples: LumbarTrainingSample[] = [];
  let networksFrom: Record<string, unknown> | undefined;
  let locatorsInSample = false;
  if (o.networksFrom !== undefined) {
    const reused = await loadLumbarModel(tf, o.networksFrom);
    reused.bmd.forEach(disposeBmdNetwork);
    for (const view of views) locators[view] = reused.locators[view];
    // Where the locators were trained: a model that itself reused them records their origin.
    const origin = networksOrigin(reused.description, o.networksFrom);
    networksFrom = origin;
    // The reused locators' own cohort is no test of them.
    locatorsInSample = resolve(origin.cohort) === resolve(o.cohortCsv);
    lines.push(`locators reused from ${o.networksFrom} (trained on ${origin.cases} studies of ${origin.cohort})`);
    // Studies with labels measure the reused locators' boxes (they never trained on this cohort).
    const labelled = withTruth.filter((c) => c.labels !== undefined && views.every((v) => v === 'ap' || c.labels?.lat !== undefined));
    const started = Date.now();
    for (const [i, c] of labelled.entries()) {
      validationSamples.push(await lumbarTrainingSample(c, knowledge));
      progress(o.write, 'label images', i + 1, labelled.length, started);
    }
  } else {
    const labelled = withTruth.filter((c) => c.labels !== undefined && views.every((v) => v === 'ap' || c.labels?.lat !== undefined));
    if (labelled.length < MIN_LABELLED)
      throw new OpenBmdError(
        'EMPTY_INPUT',
        `${labelled.length} studies have label images (masks/<case_id>-ap-labels.png, and -lat- for the lateral); training the locators needs ${MIN_LABELLED}, or reuse a model's with --networks`,
        { file: o.cohortCsv },
      );
    const samples: LumbarTrainingSample[] = [];
    const started = Date.now();
    for (const [i, c] of labelled.entries()) {
      samples.push(await lumbarTrainingSample(c, knowledge));
      progress(o.write, 'training samples', i + 1, labelled.length, started);
    }
    const partition = groupedPartition(
      samples.map((s) => ({ group: s.patientId })),
      { train: 0.85, validation: 0.15, test: 0 },
      o.seed,
    );
    const train = samples.filter((_, i) => partition[i] === 'train');
    validationSamples = samples.filter((_, i) => partition[i] === 'validation');
    for (const view of views) {
      o.write(`[lumbar] ${view} locator on ${train.length} studies (${validationSamples.length} for early stopping)`);
      const { model, history } = await trainStageNetwork(tf, {
        ...stage,
        stage: `${view}-locator`,
        spec: locatorSpec(o.seed, view),
        loss: 'dice+cross-entropy',
        train: locatorTrainingData(train, view),
        validation: locatorTrainingData(validationSamples, view),
        epochs: o.epochs.locator,
      });
      locators[view] = model;
      locatorHistories[view] = history;
      lines.push(`${view} locator: ${describeHistory(history)}`);
    }
  }

  // Every study located as predict would: the BMD networks train and are validated on these ROIs.
  const studies: BmdStudy[] = [];
  const locateStarted = Date.now();
  for (const [i, c] of withTruth.entries()) {
    const covariates = { ageYears: c.ageYears, sex: c.sex, heightCm: c.heightCm, weightKg: c.weightKg };
    const values = {
      ...(c.lumbarAbmd === undefined ? {} : { lumbar_abmd: c.lumbarAbmd }),
      ...(c.femneckAbmd === undefined ? {} : { femneck_abmd: c.femneckAbmd }),
    };
    const category = caseCategory(knowledge, { sex: c.sex, ageYears: c.ageYears }, values);
    const study: BmdStudy = {
      caseId: c.caseId,
      patientId: c.patientId,
      located: undefined,
      failure: undefined,
      truth: bmdTruthRow({ lumbarAbmd: c.lumbarAbmd, femneckAbmd: c.femneckAbmd, category: 'formed' in category ? category.formed.category : undefined }),
      category: 'formed' in category ? category.formed.category : undefined,
      person: { sex: c.sex, ageYears: c.ageYears },
    };
    try {
      study.located = locateStudy(tf, { locators, images: await readImages(c), covariates, useCovariates: o.covariates, bodyContrast: o.bodyContrast });
    } catch (thrown) {
      if (!(thrown instanceof OpenBmdError) || !thrown.isBadInput) throw thrown;
      study.failure = thrown.message;
      failed.set(c.caseId, thrown.message);
    }
    studies.push(study);
    progress(o.write, 'located', i + 1, withTruth.length, locateStarted);
  }
  const locatedById = new Map(studies.flatMap((s) => (s.located === undefined ? [] : [[s.caseId, s.located] as const])));
  const measured = validationSamples.length > 0 ? locatorValidation(validationSamples, locatedById) : undefined;
  const validation: Record<string, unknown> | undefined = measured === undefined ? undefined : { ...measured, studiesTheLocatorsTrainedOn: locatorsInSample };
  if (validation !== undefined) {
    for (const view of views) {
      const v = validation[view] as { studies: number; meanRoiIou: number | null; localisedShare: number | null };
      lines.push(
        `${view} L1-L4 ROIs on ${v.studies} studies ${locatorsInSample ? 'the locator trained on (in sample, not a validation)' : 'the locator did not train on'}: mean IoU ${v.meanRoiIou?.toFixed(3) ?? '-'}, all four found (IoU >= 0.5) in ${((v.localisedShare ?? 0) * 100).toFixed(1)} %`,
      );
    }
  }

  const usable = (s: BmdStudy, variant: LumbarVariant): boolean => variantViews(variant).every((v) => s.located?.input.crops[v] !== undefined);
  // Without the covariates, the body contrasts (model-free image inputs) kept.
  const withoutCovariates = (input: BmdInput): BmdInput => {
    const fusion = Float32Array.from(input.covariates);
    fusion.fill(0, 0, COVARIATES.length);
    return { crops: input.crops, covariates: fusion };
  };
  const trainBmd = async (
    variant: LumbarVariant,
    covariates: boolean,
    train: BmdStudy[],
    label: string,
  ): Promise<{ model: tfTypes.LayersModel; history: StageHistory }> => {
    const kept = train.filter((s) => usable(s, variant));
    if (kept.length < MIN_BMD_STUDIES)
      throw new OpenBmdError(
        'EMPTY_INPUT',
        `L1-L4 were found in order on ${kept.length} of ${train.length} training studies (${variant}); the BMD network needs at least ${MIN_BMD_STUDIES} (are the locators trained enough?)`,
        { file: o.cohortCsv },
      );
    const split = groupedPartition(
      kept.map((s) => ({ group: s.patientId })),
      { train: 0.9, validation: 0.1, test: 0 },
      o.seed + 1,
    );
    const data = (part: 'train' | 'validation') => {
      const chosen = kept.filter((_, i) => split[i] === part);
      const inputs = chosen.map((s) => (covariates ? s.located!.input : withoutCovariates(s.located!.input)));
      return bmdTrainingData({ inputs, truths: chosen.map((s) => s.truth), variant });
    };
    const validationData = data('validation');
    return trainStageNetwork(tf, {
      ...stage,
      stage: `${bmdNetworkName(variant)}${covariates ? '' : '-no-covariates'}-${label}`,
      spec: bmdSpec(o.seed, variant, o.bodyContrast),
      loss: 'abmd-2+classes-3',
      train: data('train'),
      validation: validationData.count > 0 ? validationData : undefined,
      epochs: o.epochs.bmd,
      preciseBatchNorm: BMD_BATCH_NORM_STATISTICS,
    });
  };

  const outOfFold: TrainLumbarResult['outOfFold'] = [];
  const finals: Record<string, NetworkToSave> = {};
  const ensembleFolds: Record<LumbarVariant, number[]> = { ap: [], lat: [], 'ap+lat': [] };
  const referrals: Partial<Record<LumbarVariant, ReferralRule>> = {};
  const metrics: Record<string, unknown> = validation === undefined ? {} : { locators: validation };
  const runs = o.variants.flatMap((variant) => [
    { variant, covariates: o.covariates, saved: true },
    ...(o.compareCovariates && o.covariates ? [{ variant, covariates: false, saved: false }] : []),
  ]);
  const scores: VariantScores[] = [];
  for (const run of runs) {
    const { variant, covariates } = run;
    const label = run === runs[0] ? 'primary' : `${variant}${covariates ? '' : ' without covariates'}`;
    const fileLabel = `${bmdNetworkName(variant)}${covariates ? '' : '-no-covariates'}`;
    if (o.folds !== undefined) {
      const folds = groupedKFold(
        studies.map((s) => ({ group: s.patientId })),
        o.folds,
        o.seed,
      );
      const rows: LumbarPredictionRow[] = [];
      for (let k = 0; k < o.folds; k++) {
        o.write(`[lumbar] ${label}: fold ${k + 1}/${o.folds}`);
        const heldOut = studies.filter((_, i) => folds[i] === k);
        let model: tfTypes.LayersModel;
        try {
          ({ model } = await trainBmd(
            variant,
            covariates,
            studies.filter((_, i) => folds[i] !== k),
            `fold-${k + 1}`,
          ));
        } catch (thrown) {
          // A fold too small to train (a tiny cohort) leaves its studies unpredicted, not the whole run.
          if (!(thrown instanceof OpenBmdError) || thrown.code !== 'EMPTY_INPUT') throw thrown;
          o.write(`[lumbar] ${label}: fold ${k + 1} not trained: ${thrown.message}`);
          for (const s of heldOut) rows.push({ caseId: s.caseId, variant, fold: k + 1, error: `fold ${k + 1} not trained: ${thrown.message}` });
          continue;
        }
        for (const s of heldOut)
          rows.push(
            heldOutRow(tf, {
              model,
              variant,
              study: covariates ? s : { ...s, located: s.located && { ...s.located, input: withoutCovariates(s.located.input) } },
              fold: k,
              knowledge,
            }),
          );
        // The saved variants' fold networks become ensemble members beside the all-data network.
        if (run.saved && o.ensemble) {
          finals[bmdFoldNetworkName(variant, k + 1)] = {
            model,
            spec: bmdSpec(o.seed, variant, o.bodyContrast),
            preprocessing: {
              ...bmdPreprocessing(covariates, o.bodyContrast),
              trainedOn: `cross-validation fold ${k + 1} of ${o.folds}: the studies of the other folds`,
            },
          };
          ensembleFolds[variant].push(k + 1);
        } else model.dispose();
      }
      const predictionsCsv = join(o.outDir, label === 'primary' ? 'predictions.csv' : `predictions-${fileLabel}.csv`);
      writeLumbarPredictions(predictionsCsv, rows);
      outOfFold.push({ label, predictionsCsv, reportDir: label === 'primary' ? o.outDir : join(o.outDir, fileLabel) });
      if (run.saved) {
        const rule = outOfFoldReferral({ rows, studies, targetSensitivity: o.referralSensitivity, folds: o.folds });
        if (rule !== undefined) {
          referrals[variant] = rule;
          lines.push(
            `${bmdNetworkName(variant)}: refer for DXA when p(osteoporosis) >= ${rule.pOsteoporosisAtLeast.toFixed(3)} (chosen out of fold for sensitivity >= ${rule.targetSensitivity}: ${(100 * rule.sensitivity).toFixed(1)} % of ${rule.osteoporotic} osteoporotic, specificity ${(100 * rule.specificity).toFixed(1)} % of ${rule.others})`,
          );
        }
      }
      scores.push({
        label: `${variant.toUpperCase()}${covariates ? ' + covariates' : ''}`,
        pOsteoporosis: new Map(rows.flatMap((r) => (r.probabilities === undefined ? [] : [[r.caseId, r.probabilities.osteoporosis] as const]))),
      });
    }
    if (!run.saved) continue;
    const count = studies.filter((s) => usable(s, variant)).length;
    o.write(`[lumbar] ${variant}: the final network on all ${count} located studies`);
    const { model, history } = await trainBmd(variant, covariates, studies, 'all');
    lines.push(`${bmdNetworkName(variant)}: ${describeHistory(history)}`);
    const kept = ensembleFolds[variant].length;
    if (kept > 0)
      lines.push(
        `${bmdNetworkName(variant)}: estimates averaged with its ${kept} fold networks' (ensemble of ${kept + 1}); the out-of-fold figures are each fold network's alone`,
      );
    finals[bmdNetworkName(variant)] = { model, spec: bmdSpec(o.seed, variant, o.bodyContrast), preprocessing: bmdPreprocessing(covariates, o.bodyContrast) };
  }
  const truthCategories = new Map(studies.flatMap((s) => (s.category === undefined ? [] : [[s.caseId, s.category] as const])));
  const comparison = scores.length > 1 ? compareVariants(scores, truthCategories) : undefined;
  if (comparison !== undefined) {
    metrics['variantComparison'] = comparison;
    writeFileSync(join(o.outDir, 'variant-comparison.json'), `${JSON.stringify(comparison, null, 2)}\n`);
    lines.push(
      `osteoporosis AUC out of fold on the ${comparison.studies} studies every variant predicted (${comparison.osteoporotic} osteoporotic), DeLong 95 % CI:`,
    );
    for (const a of comparison.aucs) lines.push(`  ${a.label}: ${a.auc.auc.toFixed(3)} (${a.auc.ci95[0].toFixed(3)}-${a.auc.ci95[1].toFixed(3)})`);
    for (const p of comparison.pairs)
      lines.push(
        `  ${p.a} vs ${p.b}: difference ${p.difference.toFixed(3)} (${p.differenceCi95[0].toFixed(3)} to ${p.differenceCi95[1].toFixed(3)}), DeLong p = ${p.p.toPrecision(2)}`,
      );
  }
  for (const view of views) {
    finals[LOCATOR_NETWORK_NAMES[view]] = {
      model: locators[view]!,
      spec:
        o.networksFrom === undefined
          ? locatorSpec(o.seed, view)
          : recordedNetworkSpec(readModelDescription(o.networksFrom), LOCATOR_NETWORK_NAMES[view], o.networksFrom),
      preprocessing: {
        grid: `the whole radiograph fitted into ${LOCATOR_GRID.columns} x ${LOCATOR_GRID.rows} (aspect kept), each grid pixel the mean of its image pixels`,
        intensity:
          "channel 1: the grid's 1st percentile -> 0, 99th -> 1; channel 2: its local contrast ((v - mean) / SD, Gaussian sigma 6 px, / 3, clipped to +-1)",
        classes: LOCATOR_CLASSES.join(', '),
      },
    };
  }
  if (Object.keys(locatorHistories).length > 0) metrics['locatorTraining'] = locatorHistories;
  await saveModelFolder(
    tf,
    o.outDir,
    {
      name: `lumbar-${o.variants.map((v) => v.replace('+', '-')).join('_')}${o.covariates ? '-covariates' : ''}`,
      pipeline: LUMBAR_PIPELINE,
      command: o.command,
      seed: o.seed,
      parameters: {
        variants: o.variants.map((variant) => ({
          variant,
          covariates: o.covariates,
          bodyContrast: o.bodyContrast,
          ensembleFolds: ensembleFolds[variant],
          ...(referrals[variant] === undefined ? {} : { referral: referrals[variant] }),
        })),
        ...(networksFrom === undefined ? {} : { networksFrom }),
      },
      trainingData: trainingCohortRecord(cohort, failed.size),
      metrics,
    },
    finals,
  );
  Object.values(finals).forEach((n) => n.model.dispose());
  for (const [caseId, why] of failed) o.write(`[lumbar] ${caseId}: ${why}`);
  return { modelDir: o.outDir, lines, failed: failed.size, outOfFold };
}

function bmdPreprocessing(covariates: boolean, bodyContrast: boolean): Record<string, unknown> {
  return {
    rois: "seed 004: the smallest rectangle around each of L1-L4 with 2 mm beside it, upper and lower edges mid-disc, found by the view's locator",
    crop: `${CROP.size} x ${CROP.size}, aspect kept, grey filling`,
    channels:
      "per level: seed 004's (own 1st-99th percentiles, Gaussian sigma 0.7 px, histogram equalisation), and the ROI on the whole radiograph's 1st-99th percentile scale",
    covariates: covariates ? 'age (years - 65) / 10, sex (F +1, M -1), BMI (kg/m2 - 25) / 5; unknown 0' : 'none (all zero)',
    ...(bodyContrast
      ? {
          bodyContrast: `AP then lateral, L1-L4: (median of the body's middle half - mean of the mid-disc rows above and below) / the radiograph's 1st-99th percentile range, minus ${BODY_CONTRAST_UNITS.ap.offset} (AP) or ${BODY_CONTRAST_UNITS.lat.offset} (lateral), over ${BODY_CONTRAST_UNITS.ap.scale} or ${BODY_CONTRAST_UNITS.lat.scale}, clipped to +-5; 0 for a level or view not read`,
        }
      : {}),
    outputs: 'lumbar and femoral-neck aBMD standardised (mean 0.9 and 0.7, SD 0.15 and 0.12 g/cm2), then logits of normal, osteopenia, osteoporosis',
  };
}

/** The DXA-referral rule chosen on a variant's out-of-fold predictions (the studies each fold network never saw). */
function outOfFoldReferral(o: {
  rows: readonly LumbarPredictionRow[];
  studies: readonly BmdStudy[];
  targetSensitivity: number;
  folds: number;
}): ReferralRule | undefined {
  const truth = new Map(o.studies.map((s) => [s.caseId, s.category] as const));
  const scored = o.rows.flatMap((r) => {
    const category = truth.get(r.caseId);
    return r.probabilities === undefined || category === undefined
      ? []
      : [{ pOsteoporosis: r.probabilities.osteoporosis, osteoporotic: category === 'osteoporosis' }];
  });
  return chooseReferralRule({
    studies: scored,
    targetSensitivity: o.targetSensitivity,
    chosenOn: `the ${scored.length} out-of-fold predictions of ${o.folds}-fold cross-validation on the training cohort (truth: the lowest DXA T-score of lumbar and femoral neck)`,
  });
}

/** A held-out study's predictions row, or why it has none. */
function heldOutRow(
  tf: TensorFlow,
  o: { model: tfTypes.LayersModel; variant: LumbarVariant; study: BmdStudy; fold: number; knowledge: ClinicalKnowledge },
): LumbarPredictionRow {
  const { model, variant, study: s, fold, knowledge } = o;
  const located = s.located;
  const missing = variantViews(variant).filter((v) => located?.input.crops[v] === undefined);
  if (located === undefined || missing.length > 0) {
    const why =
      s.failure ??
      `L1-L4 not found in order on the ${missing.join(' and ')} view${missing.length > 1 ? 's' : ''}: ${missing.flatMap((v) => located?.locations[v]?.check.notes ?? []).join('; ')}`;
    return { caseId: s.caseId, variant, fold: fold + 1, error: why };
  }
  const [p] = predictBmd(tf, model, variant, [located.input]);
  const flags = variantViews(variant).flatMap((v) => located.locations[v]?.check.problems ?? []);
  return {
    caseId: s.caseId,
    lumbarAbmdGPerCm2: p!.lumbarAbmdGPerCm2,
    femneckAbmdGPerCm2: p!.femneckAbmdGPerCm2,
    category: interpretBmdPrediction(knowledge, p!, s.person).lowest?.category,
    probabilities: p!.probabilities,
    variant,
    fold: fold + 1,
    flags: [...new Set(flags)],
  };
}
