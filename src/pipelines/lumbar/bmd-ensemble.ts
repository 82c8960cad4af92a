import type * as tfTypes from '../../nn/tfjs-types.js';
import type { LumbarBmdNetwork } from './lumbar-model.js';

/**
 * `run` on each kept fold network of a variant's ensemble in turn, its weights set on the variant's
 * one graph, then the all-data network's weights put back (its class-activation map is drawn
 * later). Setting weights shares each tensor's data: no copy, about a millisecond per network.
 */
export function eachFoldNetwork<T>(bmd: Pick<LumbarBmdNetwork, 'network' | 'memberWeights'>, run: (network: tfTypes.LayersModel) => T): T[] {
  const [own, ...folds] = bmd.memberWeights;
  if (own === undefined || folds.length === 0) return [];
  const results: T[] = [];
  try {
    for (const weights of folds) {
      bmd.network.setWeights(weights);
      results.push(run(bmd.network));
    }
  } finally {
    bmd.network.setWeights(own);
  }
  return results;
}

/** `run` on every network of the ensemble: the all-data network, then each kept fold network. */
export function eachEnsembleNetwork<T>(bmd: Pick<LumbarBmdNetwork, 'network' | 'memberWeights'>, run: (network: tfTypes.LayersModel) => T): T[] {
  return [run(bmd.network), ...eachFoldNetwork(bmd, run)];
}
