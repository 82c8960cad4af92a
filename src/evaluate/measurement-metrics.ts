import { type MeasurementColumn, measurementInfo } from '../clinical/index.js';
import {
  type Interval,
  UNDEFINED_INTERVAL,
  blandAltman,
  errorSummary,
  findIcc,
  linearFit,
  pairedIntraclassCorrelations,
  pearsonCorrelation,
} from '../stats/index.js';
import type { JoinedCase } from './join-predictions.js';

/** Truth and prediction of one measurement column, over the cases that have both. */
export interface MeasurementPairs {
  column: MeasurementColumn;
  caseIds: string[];
  truth: number[];
  predicted: number[];
}

/** The per-measurement block of metrics.json (DESIGN.md), plus the CIs behind each figure. */
export interface MeasurementMetrics {
  unit: string;
  n: number;
  pcc: number;
  pccCi95: Interval;
  /** Two-way random, absolute agreement, single measure. */
  icc21: number;
  icc21Ci95: Interval;
  /** Two-way mixed, consistency, single measure. */
  icc31: number;
  icc31Ci95: Interval;
  /** Of truth regressed on prediction (= pcc^2). */
  r2: number;
  /** 1 - SS(prediction - truth) / SS(truth - mean): penalises bias, unlike r2. */
  r2AboutIdentity: number;
  mae: number;
  rmse: number;
  /** Standard error of estimate of the truth-on-prediction regression. */
  see: number;
  /** Mean of prediction minus truth. */
  bias: number;
  biasCi95: Interval;
  sdDifference: number;
  loaLower: number;
  loaUpper: number;
  loaLowerCi95: Interval;
  loaUpperCi95: Interval;
  proportionalBiasSlope: number;
  proportionalBiasSlopeCi95: Interval;
  proportionalBiasP: number;
  /** Truth = slope * prediction + intercept. */
  slope: number;
  intercept: number;
}

export function measurementPairs(cases: readonly JoinedCase[], column: MeasurementColumn): MeasurementPairs {
  const pairs: MeasurementPairs = { column, caseIds: [], truth: [], predicted: [] };
  for (const item of cases) {
    const truth = item.truth[column];
    const predicted = item.predicted[column];
    if (truth === undefined || predicted === undefined) continue;
    pairs.caseIds.push(item.caseId);
    pairs.truth.push(truth);
    pairs.predicted.push(predicted);
  }
  return pairs;
}

/** Needs one pair for the error figures and two for everything else (the rest is NaN below that). */
export function measurementMetrics(pairs: MeasurementPairs): MeasurementMetrics {
  const { truth, predicted } = pairs;
  const n = truth.length;
  const errors = n >= 1 ? errorSummary(predicted, truth) : { bias: Number.NaN, mae: Number.NaN, rmse: Number.NaN, r2AboutIdentity: Number.NaN };
  const unit = measurementInfo(pairs.column).unit;
  if (n < 2) {
    return {
      unit,
      n,
      pcc: Number.NaN,
      pccCi95: UNDEFINED_INTERVAL,
      icc21: Number.NaN,
      icc21Ci95: UNDEFINED_INTERVAL,
      icc31: Number.NaN,
      icc31Ci95: UNDEFINED_INTERVAL,
      r2: Number.NaN,
      r2AboutIdentity: errors.r2AboutIdentity,
      mae: errors.mae,
      rmse: errors.rmse,
      see: Number.NaN,
      bias: errors.bias,
      biasCi95: UNDEFINED_INTERVAL,
      sdDifference: Number.NaN,
      loaLower: Number.NaN,
      loaUpper: Number.NaN,
      loaLowerCi95: UNDEFINED_INTERVAL,
      loaUpperCi95: UNDEFINED_INTERVAL,
      proportionalBiasSlope: Number.NaN,
      proportionalBiasSlopeCi95: UNDEFINED_INTERVAL,
      proportionalBiasP: Number.NaN,
      slope: Number.NaN,
      intercept: Number.NaN,
    };
  }
  const correlation = pearsonCorrelation(predicted, truth);
  const iccs = pairedIntraclassCorrelations(predicted, truth);
  const icc21 = findIcc(iccs, 'ICC2');
  const icc31 = findIcc(iccs, 'ICC3');
  const fit = linearFit(predicted, truth);
  const agreement = blandAltman(predicted, truth);
  return {
    unit,
    n,
    pcc: correlation.r,
    pccCi95: correlation.ci95,
    icc21: icc21.icc,
    icc21Ci95: icc21.ci95,
    icc31: icc31.icc,
    icc31Ci95: icc31.ci95,
    r2: fit.r2,
    r2AboutIdentity: errors.r2AboutIdentity,
    mae: errors.mae,
    rmse: errors.rmse,
    see: fit.see,
    bias: agreement.bias,
    biasCi95: agreement.biasCi95,
    sdDifference: agreement.sd,
    loaLower: agreement.loaLower,
    loaUpper: agreement.loaUpper,
    loaLowerCi95: agreement.loaLowerCi95,
    loaUpperCi95: agreement.loaUpperCi95,
    proportionalBiasSlope: agreement.proportionalBiasSlope,
    proportionalBiasSlopeCi95: agreement.proportionalBiasSlopeCi95,
    proportionalBiasP: agreement.proportionalBiasP,
    slope: fit.slope,
    intercept: fit.intercept,
  };
}
