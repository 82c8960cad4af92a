import { OpenBmdError } from '../../core/errors.js';

/** SGDR (Loshchilov and Hutter 2017), as seed 001 trains: cosine annealing restarted with growing periods. */
export interface CosineWarmRestarts {
  maxLearningRate: number;
  minLearningRate?: number;
  /** Length of the first period, in epochs (fractions allowed: the schedule is evaluated per step). */
  firstPeriodEpochs: number;
  /** Each period is this many times longer than the one before (T_mult). */
  periodMultiplier?: number;
  /** Linear warm-up from min to max over the first epochs. */
  warmupEpochs?: number;
}

/** Learning rate at a (fractional) epoch: eta_min + (eta_max - eta_min) (1 + cos(pi T_cur / T_i)) / 2. */
export function cosineWarmRestartsRate(s: CosineWarmRestarts, epoch: number): number {
  const min = s.minLearningRate ?? 0;
  const multiplier = s.periodMultiplier ?? 1;
  if (!(s.firstPeriodEpochs > 0) || !(multiplier >= 1))
    throw new OpenBmdError('BAD_ARGUMENT', 'cosine warm restarts need a positive first period and a multiplier >= 1');
  const warmup = s.warmupEpochs ?? 0;
  if (epoch < warmup) return min + ((s.maxLearningRate - min) * epoch) / warmup;
  let t = epoch - warmup;
  let period = s.firstPeriodEpochs;
  while (t >= period) {
    t -= period;
    period *= multiplier;
  }
  return min + ((s.maxLearningRate - min) * (1 + Math.cos((Math.PI * t) / period))) / 2;
}
