import { leastSquares } from '../../stats/least-squares.js';
import { linearFit } from '../../stats/linear-fit.js';
import type { Recalibration, RecalibrationInput, ScannerRecalibration } from './ct-spine-model.js';
import { ageCovariate, atScannerSlope } from './ct-spine-model.js';
import type { CtSpineCaseMeasurement } from './measure-ct-spine-case.js';
import { calibratedVbmd, isContrastEnhanced } from './measure-ct-spine-case.js';
import type { VbmdMethod } from './measure-ct-spine.js';

/** Fewest reference cases of one scanner for a fit of its own (fewer: the whole cohort's fit serves it). */
export const MIN_CASES_PER_SCANNER_FIT = 20;
/** Fewest cases of a scanner for an intercept of its own inside the whole cohort's age fit (fewer: one shared group). */
const MIN_CASES_PER_SCANNER_INTERCEPT = 5;

const calibrated = (m: CtSpineCaseMeasurement, method: VbmdMethod): number | null => calibratedVbmd(m)[method];

/** The methods whose calibrated vBMD stands on the phantomless calibration's HU per mg/cm3 (the DenseNet reads its mineral). */
const ON_PHANTOMLESS_SLOPE: ReadonlySet<VbmdMethod> = new Set(['phantomless', 'densenet']);

/** What a measured case brings to the recalibration, beside its calibrated vBMD. */
export function seriesForRecalibration(m: CtSpineCaseMeasurement): Omit<RecalibrationInput, 'calibratedMgPerCm3'> {
  return { ageYears: m.ageYears, fatEquivalentMgPerCm3: m.fatMineralEquivalentMgPerCm3, scanner: m.scanner, huPerMgPerCm3: m.phantomlessHuPerMgPerCm3 };
}

/**
 * Reference QCT regressed on a method's calibrated vBMD over the cases that have both (null with
 * fewer than 5); where the cases give their age, a second fit adds the age term, age scaled by each
 * scan's fat mineral equivalent against the cases' mean (see recalibrationSchema). The same fits are
 * made per scanner that has at least MIN_CASES_PER_SCANNER_FIT cases; for the methods that stand on
 * the phantomless calibration, a scanner's fit is made on values moved to the scanner's mean HU per
 * mg/cm3, which it keeps (huPerMgPerCm3) so that recalibrate moves a new series the same way.
 */
export function fitRecalibration(measurements: readonly CtSpineCaseMeasurement[], method: VbmdMethod): Recalibration | null {
  const pairs = measurements.filter((m) => m.referenceVbmdMgPerCm3 !== undefined && !isContrastEnhanced(m) && calibrated(m, method) !== null);
  const pooled = fitOne(pairs, method);
  if (pooled === null) return null;
  const byScanner: NonNullable<Recalibration['byScanner']> = {};
  for (const scanner of new Set(pairs.map((m) => m.scanner))) {
    if (scanner === undefined || scanner === '') continue;
    const own = pairs.filter((m) => m.scanner === scanner);
    if (own.length < MIN_CASES_PER_SCANNER_FIT) continue;
    const huPerMgPerCm3 = ON_PHANTOMLESS_SLOPE.has(method) ? scannerHuPerMg(own) : undefined;
    const fit = fitOne(own, method, huPerMgPerCm3);
    if (fit !== null) byScanner[scanner] = huPerMgPerCm3 === undefined ? fit : { ...fit, huPerMgPerCm3 };
  }
  return Object.keys(byScanner).length === 0 ? pooled : { ...pooled, byScanner };
}

export function fitRecalibrations(measurements: readonly CtSpineCaseMeasurement[]): Record<VbmdMethod, Recalibration | null> {
  return {
    rods: fitRecalibration(measurements, 'rods'),
    phantomless: fitRecalibration(measurements, 'phantomless'),
    densenet: fitRecalibration(measurements, 'densenet'),
  };
}

/** The mean of the cases' phantomless HU per mg/cm3 (undefined when none has one). */
function scannerHuPerMg(cases: readonly CtSpineCaseMeasurement[]): number | undefined {
  const slopes = cases.map((m) => m.phantomlessHuPerMgPerCm3).filter((v): v is number => v !== null);
  return slopes.length === 0 ? undefined : slopes.reduce((a, b) => a + b, 0) / slopes.length;
}

/** The recalibration line (and its age fit) of the cases, their calibrated vBMD moved to the scanner's HU per mg/cm3 where one is given. */
function fitOne(pairs: readonly CtSpineCaseMeasurement[], method: VbmdMethod, scannerHuPerMgPerCm3?: number): ScannerRecalibration | null {
  if (pairs.length < 5) return null;
  const value = (m: CtSpineCaseMeasurement): number => atScannerSlope(calibrated(m, method)!, m.phantomlessHuPerMgPerCm3, scannerHuPerMgPerCm3);
  const fit = linearFit(
    pairs.map(value),
    pairs.map((m) => m.referenceVbmdMgPerCm3!),
  );
  if (!Number.isFinite(fit.slope)) return null;
  const aged = pairs.filter((m) => m.ageYears !== undefined);
  const withAge = aged.length >= 10 ? fitWithAge(aged, method, value) : undefined;
  return { slope: fit.slope, interceptMgPerCm3: fit.intercept, n: pairs.length, ...(withAge === undefined ? {} : { withAge }) };
}

/**
 * QCT = intercept + slope x calibrated + agePerYear x scaled age, with an intercept of its own for
 * each scanner of the cases (scanner fixed effects) and the slope and age term shared; the
 * intercept kept is the case-weighted mean of the scanners'. Why within scanners: the scaled age
 * carries the scanner (its fat equivalent follows the tube voltage), and each scanner's
 * calibration is off by an amount of its own, so a plain pooled fit lets the age term absorb the
 * scanners' differences. On the shipped model's cohort (SIMULATED seed 300, scanners a-c) it came
 * out at -0.45 mg/cm3 per year, the wrong sign (marrow fat rises with age); within scanners it is
 * positive on each. One scanner (or none named): the plain fit.
 */
function fitWithAge(
  aged: readonly CtSpineCaseMeasurement[],
  method: VbmdMethod,
  value: (m: CtSpineCaseMeasurement) => number,
): NonNullable<ScannerRecalibration['withAge']> {
  const equivalents = aged.map((m) => m.fatMineralEquivalentMgPerCm3).filter((v): v is number => v !== null);
  const reference = equivalents.length > 0 ? equivalents.reduce((a, b) => a + b, 0) / equivalents.length : undefined;
  const groups = interceptGroups(aged);
  const rows = aged.map((m, i) => [
    ...groups.names.map((_, g) => (groups.of[i] === g ? 1 : 0)),
    value(m),
    ageCovariate(m.ageYears!, m.fatMineralEquivalentMgPerCm3, reference),
  ]);
  const coefficients = leastSquares(
    rows,
    aged.map((m) => m.referenceVbmdMgPerCm3!),
    `${method} recalibration with age`,
  );
  const k = groups.names.length;
  const interceptMgPerCm3 = groups.names.reduce((sum, _, g) => sum + coefficients[g]! * groups.of.filter((o) => o === g).length, 0) / aged.length;
  return {
    slope: coefficients[k]!,
    interceptMgPerCm3,
    agePerYear: coefficients[k + 1]!,
    n: aged.length,
    ...(reference === undefined ? {} : { fatEquivalentReferenceMgPerCm3: reference }),
  };
}

/** Each case's intercept group: its scanner where it has MIN_CASES_PER_SCANNER_INTERCEPT cases, else one group of the rest. */
function interceptGroups(cases: readonly CtSpineCaseMeasurement[]): { names: string[]; of: number[] } {
  const counts = new Map<string, number>();
  for (const m of cases) counts.set(m.scanner ?? '', (counts.get(m.scanner ?? '') ?? 0) + 1);
  const own = (m: CtSpineCaseMeasurement): boolean => m.scanner !== undefined && m.scanner !== '' && counts.get(m.scanner)! >= MIN_CASES_PER_SCANNER_INTERCEPT;
  const names = [...new Set(cases.map((m) => (own(m) ? m.scanner! : '')))];
  return { names, of: cases.map((m) => names.indexOf(own(m) ? m.scanner! : '')) };
}
