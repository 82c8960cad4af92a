import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { z } from 'zod';
import type { ModelDescription } from '../../nn/model-folder/model-description.js';
import { loadModelFolder, readModelParts } from '../../nn/model-folder/model-folder.js';
import { cohortRecordSchema } from '../../nn/model-folder/model-description.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import { loadMaterialCatalog } from '../../physics/material-catalog.js';
import { CORONAL_WINDOW, CT_SPINE_NETWORK_NAMES, SAGITTAL_WINDOW, SEGMENTATION_CROP, SEGMENTATION_WINDOWS_HU } from './ct-spine-networks.js';
import type { VbmdMethod } from './measure-ct-spine.js';
import type { CtSpineNetworks } from './train-ct-spine-networks.js';
import { REGRESSION_CHANNELS, REGRESSION_CROP } from './vbmd-regression-input.js';

export const CT_SPINE_PIPELINE = 'ct-spine';

/** Reference QCT = interceptMgPerCm3 + slope * calibrated vBMD: a calibration method's cross-calibration to the cohort's reference, fitted by train. */
const scannerRecalibrationSchema = z.object({
  slope: z.number().finite(),
  interceptMgPerCm3: z.number().finite(),
  n: z.number().int().positive(),
  /**
   * With the age: QCT = intercept + slope * calibrated + agePerYear * age * (fat equivalent / its
   * reference). Single-energy QCT reads marrow fat as missing mineral, and marrow fat rises with
   * age, so age corrects part of that error. How much mineral a unit of fat seems to lack depends on
   * the scan's energy (InternalCalibration.fatMineralEquivalentMgPerCm3), so the age term is scaled
   * by it: the fit then carries to a tube voltage the cohort did not have. Without a reference the
   * term is age alone (models fitted before the scaling).
   */
  withAge: z
    .object({
      slope: z.number().finite(),
      interceptMgPerCm3: z.number().finite(),
      agePerYear: z.number().finite(),
      n: z.number().int().positive(),
      fatEquivalentReferenceMgPerCm3: z.number().positive().optional(),
    })
    .optional(),
  /**
   * The scanner's HU per mg/cm3 of hydroxyapatite: the mean of the phantomless calibration's over
   * the scanner's cases (per-scanner fits of the methods that read the phantomless calibration).
   * Where present, a series' calibrated vBMD is first moved from its own fitted energy's HU per
   * mg/cm3 to the scanner's, and the fit was made on values so moved. Why: a scanner's beam hardly
   * changes between patients, but each series' fitted energy scatters by several keV (the water
   * offset trades against it), so the scanner's mean is the better estimate of every series' energy,
   * as an asynchronous phantom would be.
   */
  huPerMgPerCm3: z.number().positive().optional(),
});

/**
 * A method's recalibration to the reference QCT: fitted on the whole cohort, and on each scanner
 * (manufacturer / model at kVp) of it with enough reference cases. A phantomless calibration is off
 * by an amount of its own on each scanner (the scanner's residual HU offset trades against the
 * fitted energy), so a hospital's fit per scanner removes it, as an asynchronous phantom per scanner
 * would. A scanner not in the cohort gets the whole cohort's fit (and the flag scanner-not-in-training).
 */
export const recalibrationSchema = scannerRecalibrationSchema.extend({
  byScanner: z.record(z.string(), scannerRecalibrationSchema).optional(),
});
export type Recalibration = z.infer<typeof recalibrationSchema>;
export type ScannerRecalibration = z.infer<typeof scannerRecalibrationSchema>;

/** model.json parameters of a ct-spine model. */
export const ctSpineParametersSchema = z
  .object({
    recalibration: z
      .object({
        rods: recalibrationSchema.nullable().optional(),
        phantomless: recalibrationSchema.nullable().optional(),
        densenet: recalibrationSchema.nullable().optional(),
      })
      .optional(),
    recalibrationScanners: z.array(z.string()).optional(),
    stages: z.record(z.string(), z.string()).optional(),
    networksFrom: cohortRecordSchema.optional(),
  })
  .passthrough();

/** model.json metrics of a ct-spine model: out-of-fold figures per calibration method, where train validated them. */
export const ctSpineMetricsSchema = z
  .object({
    outOfFold: z
      .record(z.string(), z.object({ folds: z.number().int().positive(), n: z.number().int().nonnegative(), r2: z.number(), bias: z.number() }).passthrough())
      .optional(),
  })
  .passthrough();

export interface CtSpineModel {
  dir: string;
  description: ModelDescription;
  parameters: z.infer<typeof ctSpineParametersSchema>;
  metrics: z.infer<typeof ctSpineMetricsSchema>;
  /** The attenuation tables the phantomless calibration reads (NIST, data/physics), loaded with the model so analyze does no file I/O. */
  catalog: MaterialCatalog;
  networks: CtSpineNetworks;
  recalibration: Record<VbmdMethod, Recalibration | null>;
  /** The scanners (manufacturer / model at kVp) of the cohort the recalibration was fitted on; undefined in older models. */
  recalibrationScanners: string[] | undefined;
}

/** Whether a series' scanner is one the recalibration never saw (its effective energy, hence its HU per mg/cm3, is then assumed). */
export function scannerNotInTraining(model: CtSpineModel, scanner: string): boolean {
  return model.recalibrationScanners !== undefined && !model.recalibrationScanners.includes(scanner);
}

/** Loads a ct-spine model folder, checking the pipeline, the four networks' input shapes and the recalibrations (BAD_MODEL naming the file otherwise). */
export async function loadCtSpineModel(tf: TensorFlow, dir: string): Promise<CtSpineModel> {
  const [d, h, w] = SEGMENTATION_CROP.size;
  const { description, networks } = await loadModelFolder(tf, dir, {
    pipeline: CT_SPINE_PIPELINE,
    networks: {
      [CT_SPINE_NETWORK_NAMES.coronal]: { inputShapes: [[CORONAL_WINDOW.rows, CORONAL_WINDOW.columns, 1]] },
      [CT_SPINE_NETWORK_NAMES.sagittal]: { inputShapes: [[SAGITTAL_WINDOW.rows, SAGITTAL_WINDOW.columns, 1]] },
      [CT_SPINE_NETWORK_NAMES.segmentation]: { inputShapes: [[d, h, w, SEGMENTATION_WINDOWS_HU.length]] },
      [CT_SPINE_NETWORK_NAMES.regression]: { inputShapes: [[...REGRESSION_CROP.size, REGRESSION_CHANNELS]] },
    },
  });
  const { parameters, metrics } = readModelParts(description, dir, { parameters: ctSpineParametersSchema, metrics: ctSpineMetricsSchema });
  const read = (method: VbmdMethod): Recalibration | null => parameters.recalibration?.[method] ?? null;
  return {
    dir,
    description,
    parameters,
    metrics,
    catalog: loadMaterialCatalog(),
    networks: {
      coronal: networks[CT_SPINE_NETWORK_NAMES.coronal]!,
      sagittal: networks[CT_SPINE_NETWORK_NAMES.sagittal]!,
      segmentation: networks[CT_SPINE_NETWORK_NAMES.segmentation]!,
      regression: networks[CT_SPINE_NETWORK_NAMES.regression]!,
    },
    recalibration: { rods: read('rods'), phantomless: read('phantomless'), densenet: read('densenet') },
    recalibrationScanners: parameters.recalibrationScanners,
  };
}

export function disposeCtSpineModel(model: CtSpineModel): void {
  for (const n of Object.values(model.networks)) n.dispose();
}

/** The age term's covariate: age, scaled by the scan's fat mineral equivalent against the fit's reference (its reference when the scan has none). */
export function ageCovariate(ageYears: number, fatEquivalentMgPerCm3: number | null, referenceMgPerCm3: number | undefined): number {
  if (referenceMgPerCm3 === undefined || fatEquivalentMgPerCm3 === null) return ageYears;
  return (ageYears * fatEquivalentMgPerCm3) / referenceMgPerCm3;
}

/** What a series brings to the recalibration of one method's calibrated vBMD. */
export interface RecalibrationInput {
  calibratedMgPerCm3: number | null;
  ageYears: number | undefined;
  fatEquivalentMgPerCm3: number | null;
  /** Manufacturer / model at kVp, as ctScannerName writes it. */
  scanner?: string | undefined;
  /** The series' own phantomless HU per mg/cm3 (moved to its scanner's where the fit has one). */
  huPerMgPerCm3?: number | null | undefined;
}

/**
 * A calibrated vBMD mapped to the reference QCT: with the scanner's own fit where the model has one
 * (moved to the scanner's HU per mg/cm3 first where that fit has it), with the age term where both
 * the fit and the age are there.
 */
export function recalibrate(r: Recalibration | null, input: RecalibrationInput): number | null {
  const { calibratedMgPerCm3, ageYears, fatEquivalentMgPerCm3, scanner } = input;
  if (r === null || calibratedMgPerCm3 === null) return null;
  const fit: ScannerRecalibration = (scanner === undefined ? undefined : r.byScanner?.[scanner]) ?? r;
  const calibrated = atScannerSlope(calibratedMgPerCm3, input.huPerMgPerCm3, fit.huPerMgPerCm3);
  const a = fit.withAge;
  if (a !== undefined && ageYears !== undefined)
    return a.interceptMgPerCm3 + a.slope * calibrated + a.agePerYear * ageCovariate(ageYears, fatEquivalentMgPerCm3, a.fatEquivalentReferenceMgPerCm3);
  return fit.interceptMgPerCm3 + fit.slope * calibrated;
}

/** A calibrated vBMD read with the series' HU per mg/cm3, as read with the scanner's (unchanged where either is missing). */
export function atScannerSlope(calibratedMgPerCm3: number, seriesHuPerMg: number | null | undefined, scannerHuPerMg: number | undefined): number {
  if (seriesHuPerMg === null || seriesHuPerMg === undefined || scannerHuPerMg === undefined) return calibratedMgPerCm3;
  return (calibratedMgPerCm3 * seriesHuPerMg) / scannerHuPerMg;
}

/** Every method's calibrated vBMD mapped to the reference QCT. */
export function recalibrateMethods(
  recalibration: CtSpineModel['recalibration'],
  calibrated: Record<VbmdMethod, number | null>,
  series: Omit<RecalibrationInput, 'calibratedMgPerCm3'>,
): Record<VbmdMethod, number | null> {
  return {
    rods: recalibrate(recalibration.rods, { ...series, calibratedMgPerCm3: calibrated.rods }),
    phantomless: recalibrate(recalibration.phantomless, { ...series, calibratedMgPerCm3: calibrated.phantomless }),
    densenet: recalibrate(recalibration.densenet, { ...series, calibratedMgPerCm3: calibrated.densenet }),
  };
}
