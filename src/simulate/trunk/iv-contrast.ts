import type { SeededRandom } from '../../core/seeded-random.js';
import type { CompositionPart } from '../../physics/composition.js';

/**
 * Intravenous iodinated contrast in the portal-venous phase, the usual phase of an abdominal CT:
 * iodine in the blood pool and, in proportion, in the tissues it perfuses. About 25-30 HU per mg
 * of iodine per ml at 120 kVp, so 4-6 mg/ml puts the aorta at 130-200 HU, the liver near 100-110 HU
 * and the renal parenchyma at 150-200 HU (Bae, Radiology 2010;256:32-61). Vertebral marrow and
 * muscle enhance by about a tenth and a twentieth of the blood: iodine in the marrow raises the
 * trabecular HU, and so the vBMD a method measures, which is why a contrast phase is a QC flag.
 */
export interface IvContrast {
  /** Iodine in the blood pool, mg/cm3. */
  readonly bloodIodineMgPerCm3: number;
  /** Whether the series says so in ContrastBolusAgent (often it does not). */
  readonly tagged: boolean;
}

/** Tissue iodine as a share of the blood's in the portal-venous phase (approximate, from the enhancements above). */
export const PORTAL_VENOUS_SHARE = { kidney: 0.9, spleen: 0.5, liver: 0.4, marrow: 0.1, muscle: 0.05 } as const;

/** Share of enhanced series whose DICOM names the agent. */
const TAGGED_SHARE = 0.6;

export function drawIvContrast(random: SeededRandom): IvContrast {
  return { bloodIodineMgPerCm3: Math.max(3, 5 + 0.8 * random.nextNormal()), tagged: random.nextFloat() < TAGGED_SHARE };
}

/** The iodine part a tissue takes up, as a composition part. */
export function iodinePart(contrast: IvContrast, share: number): CompositionPart {
  return { material: 'iodine', gPerCm3: (contrast.bloodIodineMgPerCm3 * share) / 1000 };
}
