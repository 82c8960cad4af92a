import { readIvContrast } from './contrast-enhancement.js';
import { ctScannerName } from '../../io/dicom/device-name.js';
import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import { readCtRodPhantom } from '../../calibration/ct-rods/ct-rod-phantom.js';
import { readNifti } from '../../io/nifti.js';
import { landmarkCentresMm } from './ct-spine-training-samples.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import type { CtSpineCase } from './ct-spine-cohort.js';
import type { TargetLevel } from './ct-spine-networks.js';
import { LEVEL_CODES } from './ct-spine-networks.js';
import type { CtSpineSeries } from './ct-spine-series.js';
import { CONTRAST_ENHANCED, readCtSpineSeries } from './ct-spine-series.js';
import type { CtSpineMeasurement, VbmdMethod } from './measure-ct-spine.js';
import { DENSER_REASON, IMPLANT_REASON, calibratedLevelVbmd, measureCtSpine, reportedLevels } from './measure-ct-spine.js';
import { regionDice } from './segment-cancellous.js';
import { reportedMean } from './reported-mean.js';

/** What one case's measurement keeps: plain data, for training the recalibration, predictions.csv and the validation figures. */
export interface CtSpineCaseMeasurement {
  caseId: string;
  patientId: string;
  referenceVbmdMgPerCm3: number | undefined;
  sex: 'F' | 'M' | undefined;
  ageYears: number | undefined;
  levels: {
    level: TargetLevel;
    found: boolean;
    confidence: number;
    centreMm: [number, number, number] | null;
    segmentedMeanHu: number | null;
    roiMeanHu: number | null;
    cancellousMm3: number;
    notMeasurable: string | null;
    /** Against the cohort's cancellous mask when it has one (simulated cohorts do). */
    dice: number | null;
    roiDice: number | null;
    rodsMgPerCm3: number | null;
    phantomlessMgPerCm3: number | null;
    densenetMgPerCm3: number | null;
    /** The DenseNet's input (kept in memory, so train can fit the DenseNet on measurements made once; not written out). */
    regressionInput: Float32Array | null;
  }[];
  reported: { levels: TargetLevel[]; substituted: TargetLevel | null } | null;
  /** Mean over the reported levels of each calibration, before recalibration to the reference QCT, mg/cm3. */
  rodsMgPerCm3: number | null;
  phantomlessMgPerCm3: number | null;
  densenetMgPerCm3: number | null;
  rodsProblem: string | null;
  phantomlessProblem: string | null;
  rodFitR: number | null;
  /** The phantomless calibration's marrow-fat mineral equivalent at this scan's energy (null when it failed). */
  fatMineralEquivalentMgPerCm3: number | null;
  /** The phantomless calibration's HU per mg/cm3 of hydroxyapatite at this scan's fitted energy (null when it failed). */
  phantomlessHuPerMgPerCm3: number | null;
  qcFlags: string[];
  /** Manufacturer / model at kVp (DICOM): whether the recalibration has seen this scanner. */
  scanner: string;
  /** Body centres of the cohort's landmarks (index-mm of the canonical volume), where it has them. */
  truthCentresMm?: Partial<Record<TargetLevel, [number, number, number]>>;
}

/** Iodine in the marrow reads as mineral: an enhanced series neither trains the DenseNet nor enters a recalibration fit (QCT is measured unenhanced). */
export function isContrastEnhanced(m: Pick<CtSpineCaseMeasurement, 'qcFlags'>): boolean {
  return m.qcFlags.includes(CONTRAST_ENHANCED);
}

/** QC flags of a measurement (what qualifies or stops a result). */
export function measurementFlags(series: CtSpineSeries, m: CtSpineMeasurement, reported: ReturnType<typeof reportedLevels>): string[] {
  const flags = [...series.qcFlags];
  // No agent named in the DICOM: read the aorta region off the image.
  const centres = m.levels.flatMap((l) => (l.located.found && l.located.centreMm !== null ? [l.located.centreMm] : []));
  if (!flags.includes(CONTRAST_ENHANCED) && readIvContrast(series.volume, centres).enhanced) flags.push(CONTRAST_ENHANCED);
  for (const l of m.levels) if (!l.located.found) flags.push(`${l.level.toLowerCase()}-not-found`);
  for (const l of m.levels) if (l.located.foundBySpacing) flags.push(`${l.level.toLowerCase()}-found-by-spacing`);
  if (m.anatomy.fromAnatomy) flags.push('levels-from-anatomy');
  if (m.anatomy.disagreement !== null) flags.push('level-count-disagrees');
  if (m.anatomy.ribDisagreement !== null) flags.push('rib-count-disagrees');
  if (m.localisation.orderProblem !== null) flags.push('level-order-inconsistent');
  if (reported === null) flags.push('l1-l2-not-measurable');
  else if (reported.substituted !== null) flags.push('t12-substituted');
  for (const l of m.levels) if (l.notMeasurable?.startsWith('fracture') === true) flags.push(`${l.level.toLowerCase()}-height-loss`);
  for (const l of m.levels) if (l.notMeasurable?.startsWith(IMPLANT_REASON) === true) flags.push(`${l.level.toLowerCase()}-implant`);
  for (const l of m.levels) if (l.notMeasurable?.startsWith(DENSER_REASON) === true) flags.push(`${l.level.toLowerCase()}-denser-than-neighbours`);
  if (m.rods !== null && !m.rods.ok) flags.push('rods-not-found');
  return flags;
}

/** Each method's case vBMD before recalibration. */
export function calibratedVbmd(m: CtSpineCaseMeasurement): Record<VbmdMethod, number | null> {
  return { rods: m.rodsMgPerCm3, phantomless: m.phantomlessMgPerCm3, densenet: m.densenetMgPerCm3 };
}

/** Drops the DenseNet's inputs of a measurement once they are used (a batch keeps its measurements). */
export function releaseRegressionInputs(m: CtSpineCaseMeasurement): void {
  for (const l of m.levels) l.regressionInput = null;
}

/** Measures one cohort case (series, its phantom description, and its labels for Dice where present). */
export async function measureCtSpineCase(
  tf: TensorFlow,
  networks: { coronal: tfTypes.LayersModel; sagittal: tfTypes.LayersModel; segmentation: tfTypes.LayersModel; regression?: tfTypes.LayersModel },
  catalog: MaterialCatalog,
  c: CtSpineCase,
): Promise<CtSpineCaseMeasurement> {
  const series = await readCtSpineSeries(c.image);
  const phantom = c.phantom === undefined ? undefined : readCtRodPhantom(c.phantom);
  const m = measureCtSpine(tf, networks, catalog, series.volume, { kVp: series.info.kvp, phantom });
  const labels = c.cancellousMask === undefined ? undefined : (await readNifti(c.cancellousMask)).data;
  const truthCentresMm = c.landmarks === undefined ? undefined : landmarkCentresMm(c.landmarks, series.volume);
  const reported = reportedLevels(m.levels);
  const levels = m.levels.map((l) => ({
    level: l.level,
    found: l.located.found,
    confidence: l.located.confidence,
    centreMm: l.located.centreMm,
    segmentedMeanHu: l.segmentedMeanHu,
    roiMeanHu: l.roiMeanHu,
    cancellousMm3: l.cancellousMm3,
    notMeasurable: l.notMeasurable,
    dice: labels === undefined || l.segmentation === null ? null : regionDice(l.segmentation.region, labels, LEVEL_CODES[l.level]),
    roiDice: labels === undefined || l.roi === null ? null : regionDice(l.roi.region, labels, LEVEL_CODES[l.level]),
    rodsMgPerCm3: calibratedLevelVbmd(m, l, 'rods'),
    phantomlessMgPerCm3: calibratedLevelVbmd(m, l, 'phantomless'),
    densenetMgPerCm3: calibratedLevelVbmd(m, l, 'densenet'),
    regressionInput: l.regressionInput,
  }));
  return {
    caseId: c.caseId,
    patientId: c.patientId,
    referenceVbmdMgPerCm3: c.vbmdMgPerCm3,
    sex: c.sex,
    ageYears: c.ageYears,
    levels,
    reported,
    rodsMgPerCm3: reportedMean(reported, levels, 'rodsMgPerCm3'),
    phantomlessMgPerCm3: reportedMean(reported, levels, 'phantomlessMgPerCm3'),
    densenetMgPerCm3: reportedMean(reported, levels, 'densenetMgPerCm3'),
    scanner: ctScannerName(series.info.manufacturer, series.info.model, series.info.kvp),
    rodsProblem: m.rods === null ? null : m.rods.ok ? null : m.rods.problem,
    phantomlessProblem: m.phantomless.ok ? null : m.phantomless.problem,
    rodFitR: m.rods !== null && m.rods.ok ? m.rods.calibration.r : null,
    fatMineralEquivalentMgPerCm3: m.phantomless.ok ? m.phantomless.calibration.fatMineralEquivalentMgPerCm3 : null,
    phantomlessHuPerMgPerCm3: m.phantomless.ok ? m.phantomless.calibration.slopeHuPerMg : null,
    qcFlags: measurementFlags(series, m, reported),
    ...(truthCentresMm === undefined ? {} : { truthCentresMm }),
  };
}
