import type { SeededRandom } from '../../core/seeded-random.js';
import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';

/**
 * Osteoporotic vertebral fractures as Genant's semiquantitative method grades them (Genant et al.
 * 1993, in data/simulate/trunk-anatomy.json): the type says where the body lost height (wedge: its
 * front; biconcave: its middle, both endplates caving in; crush: the whole body), the grade how much.
 */
export type FractureType = 'wedge' | 'biconcave' | 'crush';
export type FractureGrade = 1 | 2 | 3;

export interface VertebralFracture {
  readonly type: FractureType;
  readonly grade: FractureGrade;
  /** Share of the intact height lost where the type takes it (anterior, middle or the whole body). */
  readonly heightLoss: number;
}

const FRACTURES = loadTrunkAnatomyMeasures().vertebralFractures;

/** Draws a fracture's type and grade by their shares, and its height loss uniformly within the grade's range. */
export function drawVertebralFracture(random: SeededRandom): VertebralFracture {
  const type = random.nextWeighted<FractureType>([
    { value: 'wedge', weight: FRACTURES.wedgeShare.value },
    { value: 'biconcave', weight: FRACTURES.biconcaveShare.value },
    { value: 'crush', weight: FRACTURES.crushShare.value },
  ]);
  const grade = random.nextWeighted<FractureGrade>([
    { value: 1, weight: FRACTURES.mildShare.value },
    { value: 2, weight: FRACTURES.moderateShare.value },
    { value: 3, weight: FRACTURES.severeShare.value },
  ]);
  const range = grade === 1 ? FRACTURES.mildHeightLoss : grade === 2 ? FRACTURES.moderateHeightLoss : FRACTURES.severeHeightLoss;
  return { type, grade, heightLoss: range.min + (range.max - range.min) * random.nextFloat() };
}

/**
 * How the fracture shapes the body: the share of its intact height it keeps overall (crush), the
 * share its anterior wall keeps of the posterior (wedge), and how deep each endplate caves in at
 * the centre, as a share of the half-height (biconcave: together they take the middle's loss).
 */
export function fracturedBodyShape(f: VertebralFracture | null): { heightRatio: number; anteriorHeightRatio: number; centralCaveShare: number } {
  if (f === null) return { heightRatio: 1, anteriorHeightRatio: 1, centralCaveShare: 0 };
  if (f.type === 'crush') return { heightRatio: 1 - f.heightLoss, anteriorHeightRatio: 1, centralCaveShare: 0 };
  if (f.type === 'wedge') return { heightRatio: 1, anteriorHeightRatio: 1 - f.heightLoss, centralCaveShare: 0 };
  return { heightRatio: 1, anteriorHeightRatio: 1, centralCaveShare: f.heightLoss };
}
