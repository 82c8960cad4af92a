import { OpenBmdError } from '../core/errors.js';
import { SeededRandom } from '../core/seeded-random.js';

/**
 * Patient-grouped splits: every row of a patient lands in the same fold or partition (a model must
 * never be validated on a person it trained on), optionally stratified so each fold holds a similar
 * mix of categories. Deterministic for a seed.
 */
export interface SplitItem {
  /** The patient (group); rows with the same group are never separated. */
  group: string;
  /** Category to balance across folds, e.g. the WHO class; omit for an unstratified split. */
  stratum?: string | undefined;
}

interface GroupEntry {
  group: string;
  stratum: string;
  members: number[];
}

/** Fold index (0..k-1) of each item. */
export function groupedKFold(items: readonly SplitItem[], folds: number, seed: number): number[] {
  if (!Number.isInteger(folds) || folds < 2) throw new OpenBmdError('BAD_ARGUMENT', `K-fold: folds must be an integer >= 2, got ${folds}`);
  const groups = collectGroups(items);
  if (groups.length < folds) {
    throw new OpenBmdError('EMPTY_INPUT', `K-fold: ${folds} folds need at least ${folds} patients, the cohort has ${groups.length}`);
  }
  const random = new SeededRandom(seed);
  const foldSize = new Array<number>(folds).fill(0);
  const assignment = new Array<number>(items.length).fill(-1);
  for (const strataGroups of byStratum(groups)) {
    const foldStratumSize = new Array<number>(folds).fill(0);
    // Larger families first (after the shuffle breaks ties), so the greedy balance stays tight.
    const order = random.shuffled(strataGroups).sort((a, b) => b.members.length - a.members.length);
    for (const entry of order) {
      let best = 0;
      for (let f = 1; f < folds; f += 1) {
        const better = foldStratumSize[f]! < foldStratumSize[best]! || (foldStratumSize[f] === foldStratumSize[best] && foldSize[f]! < foldSize[best]!);
        if (better) best = f;
      }
      foldStratumSize[best]! += entry.members.length;
      foldSize[best]! += entry.members.length;
      for (const member of entry.members) assignment[member] = best;
    }
  }
  return assignment;
}

export type Partition = 'train' | 'validation' | 'test';

export interface PartitionShares {
  train: number;
  validation: number;
  test: number;
}

/** Train/validation/test partition of each item, shares summing to 1 (approximately met per stratum). */
export function groupedPartition(items: readonly SplitItem[], shares: PartitionShares, seed: number): Partition[] {
  const total = shares.train + shares.validation + shares.test;
  if (![shares.train, shares.validation, shares.test].every((s) => s >= 0) || Math.abs(total - 1) > 1e-9) {
    throw new OpenBmdError('BAD_ARGUMENT', `partition shares must be >= 0 and sum to 1, got ${JSON.stringify(shares)}`);
  }
  const groups = collectGroups(items);
  if (groups.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'partition: no items');
  const random = new SeededRandom(seed);
  const names: Partition[] = ['train', 'validation', 'test'];
  const assignment = new Array<Partition>(items.length).fill('train');
  for (const strataGroups of byStratum(groups)) {
    const stratumSize = strataGroups.reduce((sum, g) => sum + g.members.length, 0);
    const filled = [0, 0, 0];
    for (const entry of random.shuffled(strataGroups)) {
      // The partition furthest below its target takes the next patient.
      let best = 0;
      let bestDeficit = Number.NEGATIVE_INFINITY;
      names.forEach((name, p) => {
        const deficit = shares[name] * stratumSize - filled[p]!;
        if (shares[name] > 0 && deficit > bestDeficit) {
          bestDeficit = deficit;
          best = p;
        }
      });
      filled[best]! += entry.members.length;
      for (const member of entry.members) assignment[member] = names[best]!;
    }
  }
  return assignment;
}

function collectGroups(items: readonly SplitItem[]): GroupEntry[] {
  const byGroup = new Map<string, number[]>();
  items.forEach((item, index) => {
    const members = byGroup.get(item.group);
    if (members === undefined) byGroup.set(item.group, [index]);
    else members.push(index);
  });
  return [...byGroup.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([group, members]) => ({ group, members, stratum: majorityStratum(members.map((m) => items[m]!.stratum ?? '')) }));
}

/** A patient with rows in several categories is balanced under the most frequent one. */
function majorityStratum(strata: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const s of strata) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

function byStratum(groups: readonly GroupEntry[]): GroupEntry[][] {
  const strata = new Map<string, GroupEntry[]>();
  for (const g of groups) {
    const list = strata.get(g.stratum);
    if (list === undefined) strata.set(g.stratum, [g]);
    else list.push(g);
  }
  return [...strata.keys()].sort().map((key) => strata.get(key)!);
}
