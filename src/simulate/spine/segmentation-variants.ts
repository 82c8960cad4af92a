import type { SeededRandom } from '../../core/seeded-random.js';
import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';

/**
 * Numerical variants of the spine that break counting from one end: 23 or 25 presacral vertebrae
 * (a lumbosacral transitional vertebra counted as sacralisation or lumbarisation), with the rib
 * variants that go with them (a hypoplastic twelfth rib, a lumbar rib on L1). Prevalences from
 * whole-spine CT, where the vertebrae were counted down from C1, in data/simulate/trunk-anatomy.json
 * (test/segmentation-variants.test.ts checks the drawn shares against them).
 */
const VARIANTS = loadTrunkAnatomyMeasures().segmentationVariants;

export const SEGMENTATION_VARIANT_SOURCE = VARIANTS.sacralisationShare.source;
export const SACRALISATION_SHARE = VARIANTS.sacralisationShare.value;
export const LUMBARISATION_SHARE = VARIANTS.lumbarisationShare.value;
/** Share of the lumbarised with a lumbar rib (every lumbar rib comes with lumbarisation). */
export const LUMBAR_RIB_SHARE_OF_LUMBARISED = VARIANTS.lumbarRibShare.value / VARIANTS.lumbarisationShare.value;

/** How far round the body a hypoplastic twelfth rib or a lumbar rib reaches, degrees from the back (a typical twelfth reaches 70). */
export const HYPOPLASTIC_RIB_ARC_DEG = 35;
export const LUMBAR_RIB_ARC_DEG = 30;

export interface SegmentationVariant {
  /** 24 typical; 23 when L5 is part of the sacrum; 25 when a sixth lumbar vertebra (L6) is mobile above it. */
  readonly presacralVertebrae: 23 | 24 | 25;
  readonly twelfthRib: 'typical' | 'hypoplastic';
  readonly lumbarRib: boolean;
}

export const TYPICAL_SEGMENTATION: SegmentationVariant = { presacralVertebrae: 24, twelfthRib: 'typical', lumbarRib: false };

/** One person's variant, from a stream of its own (so the typical spine's other draws are unchanged). */
export function drawSegmentationVariant(random: SeededRandom): SegmentationVariant {
  const u = random.nextFloat();
  if (u < SACRALISATION_SHARE) return { presacralVertebrae: 23, twelfthRib: 'hypoplastic', lumbarRib: false };
  if (u < SACRALISATION_SHARE + LUMBARISATION_SHARE)
    return { presacralVertebrae: 25, twelfthRib: 'typical', lumbarRib: random.nextFloat() < LUMBAR_RIB_SHARE_OF_LUMBARISED };
  return TYPICAL_SEGMENTATION;
}
