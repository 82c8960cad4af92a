/** Plain descriptive statistics. Callers check the sample policy; these do no validation. */

export function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i += 1) total += values[i]!;
  return total;
}

export function mean(values: ArrayLike<number>): number {
  return values.length === 0 ? Number.NaN : sum(values) / values.length;
}

/** Sample variance (n - 1 denominator), two-pass for accuracy; NaN below two values. */
export function sampleVariance(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const centre = mean(values);
  let squares = 0;
  for (let i = 0; i < n; i += 1) squares += (values[i]! - centre) ** 2;
  return squares / (n - 1);
}

export function sampleSd(values: ArrayLike<number>): number {
  return Math.sqrt(sampleVariance(values));
}

/** Median (mean of the two middle values for even n); NaN when empty. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function elementwiseDifference(first: ArrayLike<number>, second: ArrayLike<number>): Float64Array {
  const out = new Float64Array(first.length);
  for (let i = 0; i < out.length; i += 1) out[i] = first[i]! - second[i]!;
  return out;
}

/** Means and centred sums of squares and cross-products of paired samples (two-pass). */
export interface CentredMoments {
  meanX: number;
  meanY: number;
  sxx: number;
  syy: number;
  sxy: number;
}

export function centredMoments(x: ArrayLike<number>, y: ArrayLike<number>): CentredMoments {
  const meanX = mean(x);
  const meanY = mean(y);
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let i = 0; i < x.length; i += 1) {
    const dx = x[i]! - meanX;
    const dy = y[i]! - meanY;
    sxx += dx * dx;
    syy += dy * dy;
    sxy += dx * dy;
  }
  return { meanX, meanY, sxx, syy, sxy };
}
