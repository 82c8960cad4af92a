import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { CtRodPhantom } from '../../calibration/ct-rods/ct-rod-phantom.js';
import type { ClinicalKnowledge } from '../../clinical/clinical-knowledge.js';
import type { ClinicalInterpretation, Person } from '../../clinical/interpret-measurement.js';
import { interpretMeasurement } from '../../clinical/interpret-measurement.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import type { CtSpineModel } from './ct-spine-model.js';
import { recalibrateMethods, scannerNotInTraining } from './ct-spine-model.js';
import { ctScannerName } from '../../io/dicom/device-name.js';
import type { TargetLevel } from './ct-spine-networks.js';
import type { CtSpineSeries } from './ct-spine-series.js';
import type { CtSpineMeasurement, VbmdMethod } from './measure-ct-spine.js';
import { VBMD_METHODS, calibratedLevelVbmd, measureCtSpine, reportedLevels } from './measure-ct-spine.js';
import { measurementFlags } from './measure-ct-spine-case.js';

export type ReportedMethod = VbmdMethod;

/** Names of the methods as a report states them. */
export const METHOD_NAMES: Record<ReportedMethod, string> = {
  rods: 'calibration rods in the field (linear HU -> mg/cm3), recalibrated to the reference QCT',
  phantomless: 'phantomless internal calibration (air, fat and paraspinal muscle; energy fitted to them), recalibrated to the reference QCT',
  densenet: '3-D DenseNet regression on the segmented, phantomless-calibrated crop, recalibrated to the reference QCT',
};

export interface CtSpineAnalysis {
  series: CtSpineSeries;
  measurement: CtSpineMeasurement;
  /** Per level and method, mg/cm3 after the model's recalibration (null where not measurable). */
  levelVbmd: Record<TargetLevel, Record<ReportedMethod, number | null>>;
  reported: ReturnType<typeof reportedLevels>;
  /** Mean over the reported levels per method. */
  byMethod: Record<ReportedMethod, number | null>;
  /** The result: rods when the phantom was found, else phantomless. */
  vbmd: { mgPerCm3: number; method: ReportedMethod } | null;
  interpretation: ClinicalInterpretation | undefined;
  flags: string[];
  /** The age the recalibration used (undefined: the age-free fit). */
  ageYears: number | undefined;
  /** The series' scanner (manufacturer / model at kVp), and whether the model has a recalibration fitted on that scanner's own cases (per method). */
  /** The scanner as the recalibration knows it; huPerMgPerCm3: its mean phantomless HU per mg/cm3 where its own fit has one (null otherwise). */
  recalibrationScanner: { name: string; ownFit: Record<ReportedMethod, boolean>; huPerMgPerCm3: number | null };
}

/** Flags with which no vBMD can be reported (analyze exits 2). */
export const REFUSING_FLAGS = ['l1-l2-not-measurable', 'level-order-inconsistent', 'no-calibration'] as const;

export function refusingFlags(flags: readonly string[]): string[] {
  return flags.filter((f) => (REFUSING_FLAGS as readonly string[]).includes(f));
}

/** The reported vBMD's calibration: the rods where they calibrated, else the phantomless (null when neither measured the levels). */
export function calibratedReportedVbmd(byMethod: Record<ReportedMethod, number | null>): { mgPerCm3: number; method: 'rods' | 'phantomless' } | null {
  if (byMethod.rods !== null) return { mgPerCm3: byMethod.rods, method: 'rods' };
  if (byMethod.phantomless !== null) return { mgPerCm3: byMethod.phantomless, method: 'phantomless' };
  return null;
}

/**
 * The vBMD reported for the series: none where one of its flags refuses the number (levels out of
 * order: which vertebrae were measured is in doubt, so their mean is not shown beside the refusal,
 * nor written into the SR), else the calibrated one.
 */
export function reportedVbmd(o: {
  byMethod: Record<ReportedMethod, number | null>;
  flags: readonly string[];
}): { mgPerCm3: number; method: 'rods' | 'phantomless' } | null {
  return refusingFlags(o.flags).length > 0 ? null : calibratedReportedVbmd(o.byMethod);
}

/** Analyses one CT series with a loaded model: levels, segmentation, calibrations, per-level and reported vBMD, ACR category. */
export function analyzeCtSpine(
  tf: TensorFlow,
  o: { model: CtSpineModel; catalog: MaterialCatalog; series: CtSpineSeries; phantom: CtRodPhantom | undefined; who: Person; knowledge: ClinicalKnowledge },
): CtSpineAnalysis {
  const { model, catalog, series, phantom, who, knowledge } = o;
  const scanner = ctScannerName(series.info.manufacturer, series.info.model, series.info.kvp);
  const measurement = measureCtSpine(tf, model.networks, catalog, series.volume, { kVp: series.info.kvp, phantom });
  const reported = reportedLevels(measurement.levels);
  const fatEquivalent = measurement.phantomless.ok ? measurement.phantomless.calibration.fatMineralEquivalentMgPerCm3 : null;
  const none = { rods: null, phantomless: null, densenet: null };
  const levelVbmd = Object.fromEntries(
    measurement.levels.map((l) => [
      l.level,
      l.notMeasurable !== null
        ? none
        : recalibrateMethods(
            model.recalibration,
            {
              rods: calibratedLevelVbmd(measurement, l, 'rods'),
              phantomless: calibratedLevelVbmd(measurement, l, 'phantomless'),
              densenet: calibratedLevelVbmd(measurement, l, 'densenet'),
            },
            {
              ageYears: who.ageYears,
              fatEquivalentMgPerCm3: fatEquivalent,
              scanner,
              huPerMgPerCm3: measurement.phantomless.ok ? measurement.phantomless.calibration.slopeHuPerMg : null,
            },
          ),
    ]),
  ) as CtSpineAnalysis['levelVbmd'];
  const mean = (method: ReportedMethod): number | null => {
    if (reported === null) return null;
    const values = reported.levels.map((level) => levelVbmd[level][method]);
    return values.every((v): v is number => v !== null) ? values.reduce((a, b) => a + b, 0) / values.length : null;
  };
  const byMethod = { rods: mean('rods'), phantomless: mean('phantomless'), densenet: mean('densenet') };
  const flags = measurementFlags(series, measurement, reported);
  const calibrated = calibratedReportedVbmd(byMethod);
  if (calibrated === null && reported !== null) flags.push('no-calibration');
  const vbmd = reportedVbmd({ byMethod, flags });
  if (vbmd?.method === 'phantomless' && measurement.phantomless.ok && measurement.phantomless.calibration.atypical !== null)
    flags.push('phantomless-references-atypical');
  if (scannerNotInTraining(model, scanner)) flags.push('scanner-not-in-training');
  const ownFit = (method: ReportedMethod): boolean => model.recalibration[method]?.byScanner?.[scanner] !== undefined;
  const interpretation = vbmd === null ? undefined : interpretMeasurement(knowledge, 'spine_vbmd', vbmd.mgPerCm3, who);
  return {
    series,
    measurement,
    levelVbmd,
    reported,
    byMethod,
    vbmd,
    interpretation,
    flags,
    ageYears: who.ageYears,
    recalibrationScanner: {
      name: scanner,
      ownFit: { rods: ownFit('rods'), phantomless: ownFit('phantomless'), densenet: ownFit('densenet') },
      huPerMgPerCm3: model.recalibration.phantomless?.byScanner?.[scanner]?.huPerMgPerCm3 ?? null,
    },
  };
}

/** The lines a reader sees first. */
export function ctSpineSummaryLines(a: CtSpineAnalysis): string[] {
  const lines: string[] = [];
  if (a.vbmd === null) lines.push(`No vBMD: ${refusingFlags(a.flags).join(', ') || 'not measurable'}`);
  else
    lines.push(
      `Spine trabecular vBMD ${a.vbmd.mgPerCm3.toFixed(1)} mg/cm3 (mean of ${a.reported!.levels.join(' + ')}${a.reported!.substituted === null ? '' : `, ${a.reported!.substituted} substituting`}): ${a.interpretation?.wording ?? 'no category'}`,
    );
  if (a.vbmd !== null)
    lines.push(
      `Method: ${METHOD_NAMES[a.vbmd.method]}${a.recalibrationScanner.ownFit[a.vbmd.method] ? ` (the fit of this scanner, ${a.recalibrationScanner.name}${a.vbmd.method === 'phantomless' && a.recalibrationScanner.huPerMgPerCm3 !== null ? `, read at its mean ${a.recalibrationScanner.huPerMgPerCm3.toFixed(2)} HU per mg/cm3` : ''})` : ''}${a.ageYears === undefined ? ' (no age: the age-free fit)' : `, with the age (${a.ageYears.toFixed(0)} years) for marrow fat`}`,
    );
  if (a.vbmd !== null) {
    const others = VBMD_METHODS.filter((m) => m !== a.vbmd!.method && a.byMethod[m] !== null).map((m) => `${m} ${a.byMethod[m]!.toFixed(1)}`);
    if (others.length > 0) lines.push(`The other methods: ${others.join(', ')} mg/cm3`);
  }
  for (const l of a.measurement.levels) {
    const v = a.levelVbmd[l.level];
    const parts = [
      l.located.foundByAnatomy ? 'found by the anatomical count' : l.located.found ? `found (confidence ${l.located.confidence.toFixed(2)})` : 'not found',
    ];
    if (l.notMeasurable !== null && l.located.found) parts.push(l.notMeasurable);
    if (v.rods !== null) parts.push(`rods ${v.rods.toFixed(1)}`);
    if (v.phantomless !== null) parts.push(`phantomless ${v.phantomless.toFixed(1)}`);
    if (v.densenet !== null) parts.push(`DenseNet ${v.densenet.toFixed(1)} mg/cm3`);
    if (l.cancellousMm3 > 0) parts.push(`${(l.cancellousMm3 / 1000).toFixed(1)} cm3 segmented`);
    lines.push(`${l.level}: ${parts.join(', ')}`);
  }
  lines.push(
    `Levels: ${a.measurement.anatomy.summary}${a.measurement.anatomy.disagreement === null ? '' : `; disagrees: ${a.measurement.anatomy.disagreement}`}${a.measurement.anatomy.ribDisagreement === null ? '' : `; ${a.measurement.anatomy.ribDisagreement}`}`,
  );
  const blur = a.measurement.edgeBlur;
  lines.push(
    `Cancellous mean: segmentation eroded ${a.measurement.erosionSteps} voxel${a.measurement.erosionSteps === 1 ? '' : 's'} in-plane${blur === null ? ' (edge blur not readable)' : ` (edge blur ${blur.sigmaMm.toFixed(1)} mm sigma, read off the anterior skin)`}`,
  );
  const rods = a.measurement.rods;
  if (rods !== null)
    lines.push(
      rods.ok
        ? `Rods: ${rods.calibration.rods.length} (${rods.calibration.material}), HU = ${rods.calibration.interceptHu.toFixed(1)} + ${rods.calibration.slopeHuPerMg.toFixed(3)} x mg/cm3, r = ${rods.calibration.r.toFixed(4)}`
        : `Rods: ${rods.problem}`,
    );
  const pl = a.measurement.phantomless;
  lines.push(
    pl.ok
      ? `Phantomless: air ${pl.calibration.airHu.toFixed(0)} HU, fat ${pl.calibration.fatHu.toFixed(0)} HU, paraspinal muscle ${pl.calibration.muscleHu.toFixed(0)} HU: effective energy ${pl.calibration.effectiveEnergyKeV.toFixed(1)} keV, ${pl.calibration.slopeHuPerMg.toFixed(2)} HU per mg/cm3${pl.calibration.atypical === null ? '' : ` (${pl.calibration.atypical})`}`
      : `Phantomless: ${pl.problem}`,
  );
  if (a.flags.length > 0) lines.push(`QC flags: ${a.flags.join(', ')}`);
  return lines;
}
