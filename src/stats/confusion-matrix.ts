import { OpenBmdError } from '../core/errors.js';
import { type Proportion, type ProportionIntervalMethod, proportion } from './proportion-interval.js';

/** counts[truth][predicted] for classes 0..K-1. */
export interface ConfusionMatrix {
  classes: readonly string[];
  counts: number[][];
  n: number;
}

export interface ClassDiagnostics {
  className: string;
  /** Members of the class in the truth. */
  support: number;
  sensitivity: Proportion;
  specificity: Proportion;
  ppv: Proportion;
  npv: Proportion;
  /** One-vs-rest accuracy: (TP + TN) / n. */
  accuracy: Proportion;
}

export interface ClassificationSummary {
  matrix: ConfusionMatrix;
  ciMethod: ProportionIntervalMethod;
  accuracy: Proportion;
  /** Cohen's kappa (unweighted): agreement beyond chance. */
  kappa: number;
  perClass: ClassDiagnostics[];
}

/** Labels are class indices into `classes`. */
export function confusionMatrix(truth: readonly number[], predicted: readonly number[], classes: readonly string[]): ConfusionMatrix {
  if (truth.length !== predicted.length) {
    throw new OpenBmdError('INVALID_VALUE', `confusion matrix: ${truth.length} truths vs ${predicted.length} predictions`);
  }
  const k = classes.length;
  const counts = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  truth.forEach((t, i) => {
    const p = predicted[i]!;
    if (!isClassIndex(t, k) || !isClassIndex(p, k)) {
      throw new OpenBmdError('INVALID_VALUE', `confusion matrix: label pair ${i} (${t}, ${p}) is not in 0..${k - 1}`);
    }
    counts[t]![p]! += 1;
  });
  return { classes, counts, n: truth.length };
}

export function classificationSummary(matrix: ConfusionMatrix, ciMethod: ProportionIntervalMethod): ClassificationSummary {
  const { counts, n, classes } = matrix;
  const k = classes.length;
  const rowTotals = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const columnTotals = classes.map((_, j) => counts.reduce((a, row) => a + row[j]!, 0));
  let correct = 0;
  for (let c = 0; c < k; c += 1) correct += counts[c]![c]!;
  const perClass = classes.map((className, c): ClassDiagnostics => {
    const tp = counts[c]![c]!;
    const fn = rowTotals[c]! - tp;
    const fp = columnTotals[c]! - tp;
    const tn = n - tp - fn - fp;
    return {
      className,
      support: rowTotals[c]!,
      sensitivity: proportion(tp, tp + fn, ciMethod),
      specificity: proportion(tn, tn + fp, ciMethod),
      ppv: proportion(tp, tp + fp, ciMethod),
      npv: proportion(tn, tn + fn, ciMethod),
      accuracy: proportion(tp + tn, n, ciMethod),
    };
  });
  let chance = 0;
  for (let c = 0; c < k; c += 1) chance += (rowTotals[c]! * columnTotals[c]!) / (n * n);
  const observed = n === 0 ? Number.NaN : correct / n;
  const kappa = chance === 1 ? Number.NaN : (observed - chance) / (1 - chance);
  return { matrix, ciMethod, accuracy: proportion(correct, n, ciMethod), kappa, perClass };
}

function isClassIndex(value: number, k: number): boolean {
  return Number.isInteger(value) && value >= 0 && value < k;
}
