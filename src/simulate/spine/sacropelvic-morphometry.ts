import type { SeededRandom } from '../../core/seeded-random.js';

/**
 * Published adult measurements of the sacrum and the iliac crests that the simulator draws its
 * pelvis from, each with its source (test/sacropelvic-anatomy.test.ts checks the generated shapes
 * against them). Lengths are for an average adult; the simulator scales them by stature.
 */
export interface PublishedMeasure {
  readonly mean: number;
  readonly sd: number;
  readonly source: string;
}

/** One person's value of a published measure: its mean plus its SD times a normal draw kept within +-2.5. */
export function drawMeasure(m: Pick<PublishedMeasure, 'mean' | 'sd'>, random: SeededRandom): number {
  return m.mean + m.sd * Math.max(-2.5, Math.min(2.5, random.nextNormal()));
}

/** Sacral slope (the S1 endplate against the horizontal), degrees. */
export const SACRAL_SLOPE_DEG: PublishedMeasure = {
  mean: 39.5,
  sd: 7.75,
  source: 'Mac-Thiong et al., Eur Spine J 2011;20 Suppl 5:572-7: 709 asymptomatic adults, mean +- 2 SD 24-55 degrees, no sex difference',
};

/** Sacral height, the sacral base to the apex along the anterior surface, mm. */
export const SACRAL_HEIGHT_MM: PublishedMeasure = {
  mean: 98,
  sd: 9.2,
  source: 'Oman Med J 2018 (PMC5799488), table 2: 78 typical adult sacra, 98.0 +- 9.2 mm',
};

/** Interauricular distance (between the sacroiliac joint surfaces at S1), mm. */
export const INTERAURICULAR_DISTANCE_MM: PublishedMeasure = {
  mean: 108.7,
  sd: 11,
  source: 'Oman Med J 2018 (PMC5799488), table 2: 108.7 +- 11.0 mm',
};

/** Auricular (sacroiliac joint) height along the sacrum, mm. */
export const AURICULAR_HEIGHT_MM: PublishedMeasure = {
  mean: 56.2,
  sd: 4.6,
  source: 'Oman Med J 2018 (PMC5799488), table 2: 56.2 +- 4.6 mm',
};

/** S1 body width, mm. */
export const S1_BODY_WIDTH_MM: PublishedMeasure = {
  mean: 46,
  sd: 4,
  source: 'Zindrick et al., Spine 1987;12:160-6: S1 bodies 46-52 mm wide; 40.3 +- 7.0 mm in Oman Med J 2018 (PMC5799488)',
};

/** The iliac crests' cranial vertex above the centre of the sacral base, mm (men about 3 mm more, women about 3 mm less). */
export const ILIAC_CREST_ABOVE_SACRAL_BASE_MM: PublishedMeasure = {
  mean: 38,
  sd: 8,
  source: 'Okamoto et al., Eur Spine J 2020;29:446-54: 3.8 +- 0.8 cm, the sacral base lower in men (relative sacral height 20.0 vs 16.7 %)',
};

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
