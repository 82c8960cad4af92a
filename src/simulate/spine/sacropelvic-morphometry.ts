import type { SeededRandom } from '../../core/seeded-random.js';

import type { PublishedMeasure } from '../trunk-anatomy-measures.js';
import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';

export type { PublishedMeasure };

/**
 * Published adult measurements of the sacrum and the iliac crests that the simulator draws its
 * pelvis from, each with its source, from data/simulate/trunk-anatomy.json
 * (test/sacropelvic-anatomy.test.ts checks the generated shapes against them). Lengths are for an
 * average adult; the simulator scales them by stature.
 */
const SACROPELVIC = loadTrunkAnatomyMeasures().sacropelvic;

/** One person's value of a published measure: its mean plus its SD times a normal draw kept within +-2.5. */
export function drawMeasure(m: Pick<PublishedMeasure, 'mean' | 'sd'>, random: SeededRandom): number {
  return m.mean + m.sd * Math.max(-2.5, Math.min(2.5, random.nextNormal()));
}

/** Sacral slope (the S1 endplate against the horizontal), degrees. */
export const SACRAL_SLOPE_DEG: PublishedMeasure = SACROPELVIC.sacralSlopeDeg;
/** Sacral height, the sacral base to the apex along the anterior surface, mm. */
export const SACRAL_HEIGHT_MM: PublishedMeasure = SACROPELVIC.sacralHeightMm;
/** Interauricular distance (between the sacroiliac joint surfaces at S1), mm. */
export const INTERAURICULAR_DISTANCE_MM: PublishedMeasure = SACROPELVIC.interauricularDistanceMm;
/** Auricular (sacroiliac joint) height along the sacrum, mm. */
export const AURICULAR_HEIGHT_MM: PublishedMeasure = SACROPELVIC.auricularHeightMm;
/** S1 body width, mm. */
export const S1_BODY_WIDTH_MM: PublishedMeasure = SACROPELVIC.s1BodyWidthMm;
/** The iliac crests' cranial vertex above the centre of the sacral base, mm (men about 3 mm more, women about 3 mm less). */
export const ILIAC_CREST_ABOVE_SACRAL_BASE_MM: PublishedMeasure = SACROPELVIC.iliacCrestAboveSacralBaseMm;

/**
 * The alae lose cancellous bone first: in people whose L5 reads under 100 HU the alae hold large
 * fatty areas of negative HU ("alar voids", Wagner, Kamer, Rommens et al., J Orthop Res
 * 2014;32:1543-8 and Fragility Fractures of the Pelvis, 2017, ch. 4); cancellous density falls most
 * in the central and anterior ala in osteoporotic sacra (Richards et al., J Osteoporos
 * 2010:504078); S2 reads lower than S1. The simulator's alar mineral: this share of the S1 body's
 * mineral above ALAR_MINERAL_FLOOR_MG_PER_CM3, so an osteoporotic ala is fatty marrow.
 */
export const ALAR_MINERAL_SHARE = 0.7;
export const ALAR_MINERAL_FLOOR_MG_PER_CM3 = 50;
