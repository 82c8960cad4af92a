import { OpenBmdError } from '../core/errors.js';
import { SeededRandom } from '../core/seeded-random.js';
import { symmetricEigen } from './symmetric-eigen.js';

export interface CmaEsOptions {
  /** What is minimised. */
  objective: (x: readonly number[]) => number;
  start: readonly number[];
  /** Initial step size, in the units of x (scale x so that one step means the same along every axis). */
  sigma: number;
  seed: number;
  maxEvaluations: number;
  /** Stop when the search distribution's largest axis is below this (units of x). */
  tolX?: number;
  /** Stop when a generation's best and worst values, and the last 10 generations' bests, differ by less. */
  tolFun?: number;
  /** Offspring per generation; default 4 + floor(3 ln n). */
  populationSize?: number;
}

export interface CmaEsResult {
  x: number[];
  value: number;
  evaluations: number;
  generations: number;
  stoppedBecause: 'tolX' | 'tolFun' | 'maxEvaluations';
}

/**
 * The covariance matrix adaptation evolution strategy, (mu/mu_w, lambda)-CMA-ES with rank-one and
 * rank-mu updates and cumulative step-size adaptation, with the default parameters of Hansen's
 * tutorial ("The CMA Evolution Strategy: A Tutorial", arXiv:1604.00772). Seeded: the same options
 * give the same search.
 */
export function minimizeCmaEs(o: CmaEsOptions): CmaEsResult {
  const n = o.start.length;
  if (n < 1 || !o.start.every(Number.isFinite)) throw new OpenBmdError('BAD_ARGUMENT', 'CMA-ES needs a finite start point');
  if (!(o.sigma > 0)) throw new OpenBmdError('BAD_ARGUMENT', `CMA-ES needs a positive step size, got ${o.sigma}`);
  const random = new SeededRandom(o.seed);
  const lambda = o.populationSize ?? 4 + Math.floor(3 * Math.log(n));
  const mu = Math.floor(lambda / 2);
  const rawWeights = Array.from({ length: mu }, (_, i) => Math.log(mu + 0.5) - Math.log(i + 1));
  const weightSum = rawWeights.reduce((a, b) => a + b, 0);
  const weights = rawWeights.map((w) => w / weightSum);
  const muEff = 1 / weights.reduce((a, w) => a + w * w, 0);
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const c1 = 2 / ((n + 1.3) ** 2 + muEff);
  const cMu = Math.min(1 - c1, (2 * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + muEff));
  const expectedNorm = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  const tolX = o.tolX ?? 1e-11 * o.sigma;
  const tolFun = o.tolFun ?? 1e-12;

  let mean = [...o.start];
  let sigma = o.sigma;
  const pSigma = new Array<number>(n).fill(0);
  const pC = new Array<number>(n).fill(0);
  // C = B diag(D^2) B^T; C itself row-major.
  let C = identity(n);
  let B = identity(n);
  let D = new Array<number>(n).fill(1);
  let evaluations = 0;
  let generations = 0;
  let eigenAt = 0;
  let best = { x: [...o.start], value: Infinity };
  const recentBests: number[] = [];

  for (;;) {
    // Sample: y = B D z, x = mean + sigma y.
    const offspring = Array.from({ length: lambda }, () => {
      const z = Array.from({ length: n }, () => random.nextNormal());
      const y = B.map((row) => row.reduce((s, b, j) => s + b * D[j]! * z[j]!, 0));
      const x = mean.map((m, i) => m + sigma * y[i]!);
      return { x, y, value: o.objective(x) };
    });
    evaluations += lambda;
    generations++;
    offspring.sort((a, b) => a.value - b.value);
    const first = offspring[0]!;
    if (first.value < best.value) best = { x: [...first.x], value: first.value };
    recentBests.push(first.value);
    if (recentBests.length > 10) recentBests.shift();

    // Recombination.
    const yW = new Array<number>(n).fill(0);
    for (let k = 0; k < mu; k++) for (let i = 0; i < n; i++) yW[i]! += weights[k]! * offspring[k]!.y[i]!;
    mean = mean.map((m, i) => m + sigma * yW[i]!);

    // Step-size path, through C^(-1/2) = B D^-1 B^T.
    const bty = B[0]!.map((_, j) => B.reduce((s, row, i) => s + row[j]! * yW[i]!, 0));
    const invSqrt = B.map((row) => row.reduce((s, b, j) => s + (b * bty[j]!) / D[j]!, 0));
    const sigmaGain = Math.sqrt(cSigma * (2 - cSigma) * muEff);
    for (let i = 0; i < n; i++) pSigma[i] = (1 - cSigma) * pSigma[i]! + sigmaGain * invSqrt[i]!;
    const pSigmaNorm = Math.sqrt(pSigma.reduce((s, v) => s + v * v, 0));
    const hSigma = pSigmaNorm / Math.sqrt(1 - (1 - cSigma) ** (2 * generations)) < (1.4 + 2 / (n + 1)) * expectedNorm ? 1 : 0;
    const cGain = Math.sqrt(cC * (2 - cC) * muEff);
    for (let i = 0; i < n; i++) pC[i] = (1 - cC) * pC[i]! + hSigma * cGain * yW[i]!;

    // Covariance: rank-one (the evolution path) and rank-mu (the selected steps).
    const lost = (1 - hSigma) * cC * (2 - cC);
    C = C.map((row, i) =>
      row.map((cij, j) => {
        let rankMu = 0;
        for (let k = 0; k < mu; k++) rankMu += weights[k]! * offspring[k]!.y[i]! * offspring[k]!.y[j]!;
        return (1 - c1 - cMu) * cij + c1 * (pC[i]! * pC[j]! + lost * cij) + cMu * rankMu;
      }),
    );
    sigma *= Math.exp((cSigma / dSigma) * (pSigmaNorm / expectedNorm - 1));

    // The eigendecomposition, often enough for C to stay the one sampled from (O(n^2) per generation).
    if (evaluations - eigenAt > lambda / (c1 + cMu) / n / 10) {
      eigenAt = evaluations;
      const eig = symmetricEigen(C);
      B = eig.vectors;
      D = eig.values.map((v) => Math.sqrt(Math.max(v, 1e-300)));
    }

    const spread = offspring[offspring.length - 1]!.value - first.value;
    const historySpread = Math.max(...recentBests) - Math.min(...recentBests);
    if (sigma * Math.max(...D) < tolX) return { ...best, evaluations, generations, stoppedBecause: 'tolX' };
    if (generations >= 10 && spread < tolFun && historySpread < tolFun) return { ...best, evaluations, generations, stoppedBecause: 'tolFun' };
    if (evaluations + lambda > o.maxEvaluations) return { ...best, evaluations, generations, stoppedBecause: 'maxEvaluations' };
  }
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}
