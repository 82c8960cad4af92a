import { OpenBmdError } from '../core/errors.js';
import { fQuantile, fUpperTail } from './distributions.js';
import { type Interval, requireFinite } from './sample-policy.js';

/** The six Shrout & Fleiss (1979) forms, named as in psych::ICC. */
export type IccForm = 'ICC1' | 'ICC2' | 'ICC3' | 'ICC1k' | 'ICC2k' | 'ICC3k';

export interface IccEstimate {
  form: IccForm;
  description: string;
  icc: number;
  f: number;
  df1: number;
  df2: number;
  p: number;
  /** 95 % CI from the F distribution (Shrout & Fleiss; McGraw & Wong for ICC(2,·)). */
  ci95: Interval;
}

/** Mean squares of the two-way ANOVA (subjects x raters) the ICCs are built from. */
export interface IccMeanSquares {
  subjects: number;
  raters: number;
  /** Between subjects. */
  msb: number;
  /** Between raters (judges). */
  msj: number;
  /** Residual. */
  mse: number;
  /** Within subjects (raters + residual), for the one-way model. */
  msw: number;
}

/**
 * All six ICCs of a subjects x raters table (rows = subjects). Needs two subjects and two raters,
 * no missing cell. Returned in psych's order: ICC1, ICC2, ICC3, ICC1k, ICC2k, ICC3k.
 */
export function intraclassCorrelations(ratings: readonly (readonly number[])[]): IccEstimate[] {
  const squares = iccMeanSquares(ratings);
  const { subjects: n, raters: k, msb, msj, mse, msw } = squares;
  const alpha = 0.05;
  const upper = 1 - alpha / 2;

  const icc1 = (msb - msw) / (msb + (k - 1) * msw);
  const icc2 = (msb - mse) / (msb + (k - 1) * mse + (k * (msj - mse)) / n);
  const icc3 = (msb - mse) / (msb + (k - 1) * mse);
  const icc1k = (msb - msw) / msb;
  const icc2k = (msb - mse) / (msb + (msj - mse) / n);
  const icc3k = (msb - mse) / msb;

  const f11 = msb / msw;
  const df11n = n - 1;
  const df11d = n * (k - 1);
  const p11 = fUpperTail(f11, df11n, df11d);
  const f21 = msb / mse;
  const df21n = n - 1;
  const df21d = (n - 1) * (k - 1);
  const p21 = fUpperTail(f21, df21n, df21d);

  // One-way and consistency forms: the exact F intervals.
  const f1Lower = f11 / fQuantile(upper, df11n, df11d);
  const f1Upper = f11 * fQuantile(upper, df11d, df11n);
  const f3Lower = f21 / fQuantile(upper, df21n, df21d);
  const f3Upper = f21 * fQuantile(upper, df21d, df21n);

  // Absolute agreement: Satterthwaite's approximate df for the mixed denominator.
  const fj = msj / mse;
  const vNumerator = (k - 1) * (n - 1) * (k * icc2 * fj + n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const vDenominator = (n - 1) * k * k * icc2 * icc2 * fj * fj + (n * (1 + (k - 1) * icc2) - k * icc2) ** 2;
  const v = vNumerator / vDenominator;
  const fStarLower = fQuantile(upper, n - 1, v);
  const fStarUpper = fQuantile(upper, v, n - 1);
  const agreementDenominator = k * msj + (k * n - k - n) * mse;
  const l2 = (n * (msb - fStarLower * mse)) / (fStarLower * agreementDenominator + n * msb);
  const u2 = (n * (fStarUpper * msb - mse)) / (agreementDenominator + n * fStarUpper * msb);

  const oneWay = (fBound: number): number => (fBound - 1) / (fBound + k - 1);
  const averaged = (single: number): number => (single * k) / (1 + single * (k - 1));
  return [
    estimate('ICC1', 'single rater, one-way random, absolute agreement', icc1, f11, df11n, df11d, p11, [oneWay(f1Lower), oneWay(f1Upper)]),
    estimate('ICC2', 'single rater, two-way random, absolute agreement', icc2, f21, df21n, df21d, p21, [l2, u2]),
    estimate('ICC3', 'single rater, two-way mixed, consistency', icc3, f21, df21n, df21d, p21, [oneWay(f3Lower), oneWay(f3Upper)]),
    estimate('ICC1k', 'mean of k raters, one-way random, absolute agreement', icc1k, f11, df11n, df11d, p11, [1 - 1 / f1Lower, 1 - 1 / f1Upper]),
    estimate('ICC2k', 'mean of k raters, two-way random, absolute agreement', icc2k, f21, df21n, df21d, p21, [averaged(l2), averaged(u2)]),
    estimate('ICC3k', 'mean of k raters, two-way mixed, consistency', icc3k, f21, df21n, df21d, p21, [1 - 1 / f3Lower, 1 - 1 / f3Upper]),
  ];
}

/** Two raters given as columns, e.g. prediction and truth. */
export function pairedIntraclassCorrelations(first: ArrayLike<number>, second: ArrayLike<number>): IccEstimate[] {
  if (first.length !== second.length) {
    throw new OpenBmdError('INVALID_VALUE', `ICC: paired samples differ in length (${first.length} vs ${second.length})`);
  }
  const rows: number[][] = [];
  for (let i = 0; i < first.length; i += 1) rows.push([first[i]!, second[i]!]);
  return intraclassCorrelations(rows);
}

export function iccMeanSquares(ratings: readonly (readonly number[])[]): IccMeanSquares {
  const n = ratings.length;
  if (n < 2) throw new OpenBmdError('EMPTY_INPUT', `ICC: needs at least 2 subjects, got ${n}`);
  const k = ratings[0]!.length;
  if (k < 2) throw new OpenBmdError('EMPTY_INPUT', `ICC: needs at least 2 raters, got ${k}`);
  ratings.forEach((row, index) => {
    if (row.length !== k) throw new OpenBmdError('INVALID_VALUE', `ICC: subject ${index} has ${row.length} ratings, expected ${k}`);
    requireFinite(row, `ICC subject ${index}`, k);
  });
  let grand = 0;
  const rowMeans = new Float64Array(n);
  const columnMeans = new Float64Array(k);
  ratings.forEach((row, i) => {
    for (let j = 0; j < k; j += 1) {
      rowMeans[i]! += row[j]! / k;
      columnMeans[j]! += row[j]! / n;
      grand += row[j]!;
    }
  });
  grand /= n * k;
  let ssTotal = 0;
  for (const row of ratings) for (const value of row) ssTotal += (value - grand) ** 2;
  let ssSubjects = 0;
  for (const value of rowMeans) ssSubjects += k * (value - grand) ** 2;
  let ssRaters = 0;
  for (const value of columnMeans) ssRaters += n * (value - grand) ** 2;
  const ssResidual = Math.max(0, ssTotal - ssSubjects - ssRaters);
  return {
    subjects: n,
    raters: k,
    msb: ssSubjects / (n - 1),
    msj: ssRaters / (k - 1),
    mse: ssResidual / ((n - 1) * (k - 1)),
    msw: (ssRaters + ssResidual) / (n * (k - 1)),
  };
}

function estimate(form: IccForm, description: string, icc: number, f: number, df1: number, df2: number, p: number, ci95: Interval): IccEstimate {
  return { form, description, icc, f, df1, df2, p, ci95 };
}

export function findIcc(estimates: readonly IccEstimate[], form: IccForm): IccEstimate {
  const found = estimates.find((candidate) => candidate.form === form);
  if (found === undefined) throw new OpenBmdError('INTERNAL', `ICC form ${form} missing`);
  return found;
}
