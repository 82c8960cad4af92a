import type { SeededRandom } from '../../core/seeded-random.js';
import type { CompositionPart } from '../../physics/composition.js';

/**
 * Positive oral contrast: dilute iodinated contrast drunk before an abdominal CT fills the stomach
 * and loops of small bowel and colon. Its concentration is chosen so the bowel reads about 150-300
 * HU at 120 kVp; at about 25-30 HU per mg of iodine per ml (Bae, Radiology 2010;256:32-61) that is
 * about 4.5-9 mg/ml (the range and the share of series with it are assumed: protocols differ between
 * hospitals). Opacified bowel in front of the spine is bright soft tissue that is neither blood nor
 * bone: a reading of the aorta or a projection of the spine must not take it for either.
 */
export interface OralContrast {
  /** Iodine in the opacified bowel content, mg/cm3. */
  readonly iodineMgPerCm3: number;
  /** Opacified bowel loops drawn in the abdomen. */
  readonly loops: number;
}

/** Iodine of positive oral contrast, mg/cm3 (assumed, see above). */
export const ORAL_IODINE_MG_PER_CM3 = { min: 4.5, max: 9 } as const;

export function drawOralContrast(random: SeededRandom): OralContrast {
  const { min, max } = ORAL_IODINE_MG_PER_CM3;
  return { iodineMgPerCm3: min + (max - min) * random.nextFloat(), loops: 4 + random.nextInt(7) };
}

/** The iodine of the bowel content, as a composition part (dissolved in water). */
export function oralIodinePart(contrast: OralContrast): CompositionPart {
  return { material: 'iodine', gPerCm3: contrast.iodineMgPerCm3 / 1000 };
}
