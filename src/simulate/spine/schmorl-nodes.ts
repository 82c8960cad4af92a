import type { SeededRandom } from '../../core/seeded-random.js';
import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';
import type { SpineLevel } from './spine-levels.js';

/**
 * Schmorl nodes: disc material herniated through an endplate into the vertebral body, reading as the
 * disc does inside a thin sclerotic rim (Sadiq 2019). In a lumbar body they take cancellous bone's
 * place with soft tissue, so a method that measures the whole body reads low there, and a count
 * that looks for the endplates' bright lines sees a dent. Their prevalence by sex (Yin et al. 2015)
 * and the levels they favour are in data/simulate/trunk-anatomy.json; sizes are assumed there.
 */
export interface SchmorlNode {
  readonly level: SpineLevel;
  readonly endplate: 'superior' | 'inferior';
  /** Diameter at the endplate and depth into the body from the endplate's plane, mm. */
  readonly widthMm: number;
  readonly depthMm: number;
  /** Thickness of its sclerotic rim, mm. */
  readonly rimMm: number;
  /** Its centre on the endplate as shares of the body's LR and AP semi-axes (0, 0 at the centre; + left and posterior). */
  readonly offsetShare: readonly [number, number];
}

const NODES = loadTrunkAnatomyMeasures().schmorlNodes;

/** Published share of people with lumbar Schmorl nodes, by sex. */
export function schmorlNodeShare(sex: 'F' | 'M'): number {
  return sex === 'M' ? NODES.menShare.value : NODES.womenShare.value;
}

const uniform = (r: { min: number; max: number }, random: SeededRandom): number => r.min + (r.max - r.min) * random.nextFloat();

/**
 * One person's lumbar Schmorl nodes (none for most): with the published share for the sex, one node
 * (a second at another endplate in some) in a body drawn by the level weights, among the levels the
 * spine has and outside the `excluded` ones (a fractured body, whose endplates the fracture shaped).
 */
export function drawSchmorlNodes(o: { sex: 'F' | 'M'; levels: readonly SpineLevel[]; excluded: readonly SpineLevel[]; random: SeededRandom }): SchmorlNode[] {
  const { random } = o;
  if (!(random.nextFloat() < schmorlNodeShare(o.sex))) return [];
  const count = random.nextFloat() < NODES.secondNodeShare.value ? 2 : 1;
  const nodes: SchmorlNode[] = [];
  for (let i = 0; i < count; i++) {
    const candidates = Object.entries(NODES.levelWeights.levels)
      .filter(([level]) => o.levels.includes(level as SpineLevel) && !o.excluded.includes(level as SpineLevel))
      .map(([level, weight]) => ({ value: level as SpineLevel, weight }));
    if (candidates.length === 0) break;
    const level = random.nextWeighted(candidates);
    const endplate = random.nextFloat() < NODES.inferiorEndplateShare.value ? 'inferior' : 'superior';
    if (nodes.some((n) => n.level === level && n.endplate === endplate)) continue;
    nodes.push({
      level,
      endplate,
      widthMm: uniform(NODES.widthMm, random),
      depthMm: uniform(NODES.depthMm, random),
      rimMm: uniform(NODES.rimMm, random),
      // Within the central, concave part of the endplate (about 70 % of its diameter).
      offsetShare: [0.5 * (random.nextFloat() - 0.5), 0.5 * (random.nextFloat() - 0.5)],
    });
  }
  return nodes;
}
