import { requirePaired } from './sample-policy.js';

/** Errors of predictions against the truth, in the measurement's unit. */
export interface ErrorSummary {
  n: number;
  /** Mean of prediction minus truth. */
  bias: number;
  mae: number;
  rmse: number;
  /** 1 - SS(prediction - truth) / SS(truth - mean): R^2 about the identity line (sklearn's r2_score). */
  r2AboutIdentity: number;
}

export function errorSummary(predicted: ArrayLike<number>, truth: ArrayLike<number>): ErrorSummary {
  requirePaired(predicted, truth, 'error summary', 1);
  const n = predicted.length;
  let sumDifference = 0;
  let sumAbsolute = 0;
  let sumSquares = 0;
  let truthSum = 0;
  for (let i = 0; i < n; i += 1) {
    const difference = predicted[i]! - truth[i]!;
    sumDifference += difference;
    sumAbsolute += Math.abs(difference);
    sumSquares += difference * difference;
    truthSum += truth[i]!;
  }
  const truthMean = truthSum / n;
  let truthSquares = 0;
  for (let i = 0; i < n; i += 1) truthSquares += (truth[i]! - truthMean) ** 2;
  return {
    n,
    bias: sumDifference / n,
    mae: sumAbsolute / n,
    rmse: Math.sqrt(sumSquares / n),
    r2AboutIdentity: truthSquares === 0 ? Number.NaN : 1 - sumSquares / truthSquares,
  };
}
