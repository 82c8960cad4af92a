import type { SeededRandom } from '../../core/seeded-random.js';
import type { PublishedMeasure } from '../trunk-anatomy-measures.js';
import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';
import { drawMeasure } from './sacropelvic-morphometry.js';

/**
 * Published shape of the vertebral bodies the simulator draws from, in data/simulate/trunk-anatomy.json
 * (test/trunk-morphometry.test.ts checks the drawn and voxelised shapes against it): the
 * sagittal wedging of T9-L5 by sex (Masharawi et al. 2010), the waist of the body at mid-height and
 * L5's heights and endplate depth (Cook & Baker 2021).
 */
const BODIES = loadTrunkAnatomyMeasures().vertebralBodies;

/** The body's semi-axes at mid-height over those at its endplates (the concave "waist" of the walls). */
export const WAIST_SHARE: PublishedMeasure = BODIES.waistShare;
export const L5_ANTERIOR_HEIGHT_MM: PublishedMeasure = BODIES.l5AnteriorHeightMm;
export const L5_POSTERIOR_HEIGHT_MM: PublishedMeasure = BODIES.l5PosteriorHeightMm;
/** The posterior wall's indentation at the midline, lumbar bodies (assumed; thoracic bodies take half). */
export const POSTERIOR_CONCAVITY_MM: PublishedMeasure = BODIES.posteriorConcavityMm;
export const L5_ENDPLATE_DEPTH_MM: Readonly<Record<'F' | 'M', PublishedMeasure>> = { F: BODIES.l5EndplateDepthMmWomen, M: BODIES.l5EndplateDepthMmMen };

/** Levels above the source's first (T9) take T9's wedging, a mobile L6 takes L5's. */
function wedgingLevel(level: string): string {
  if (level === 'L6') return 'L5';
  if (level.startsWith('T') && Number(level.slice(1)) < 9) return 'T9';
  return level;
}

/** The published mean sagittal wedging of a level, degrees (positive: the anterior wall the lower, as T9-L2; negative: dorsal wedging, as L4-L5). */
export function meanWedgingDeg(level: string, sex: 'F' | 'M'): number {
  const row = BODIES.wedgingDeg.levels[wedgingLevel(level)];
  return row === undefined ? 0 : row[sex];
}

/** One vertebra's wedging: the published mean for its level and sex, spread by the assumed SD between people. */
export function drawWedgingDeg(level: string, sex: 'F' | 'M', random: SeededRandom): number {
  return drawMeasure({ mean: meanWedgingDeg(level, sex), sd: BODIES.wedgingDeg.sdDeg }, random);
}

/** One body's posterior concavity, mm: lumbar bodies are kidney-shaped, thoracic ones (heart-shaped) take half the depth. */
export function drawPosteriorConcavityMm(level: string, random: SeededRandom): number {
  const depth = Math.max(0, drawMeasure(POSTERIOR_CONCAVITY_MM, random));
  return level.startsWith('L') ? depth : depth / 2;
}
