import type { PublishedMeasure } from './sacropelvic-morphometry.js';

/**
 * Published shape of the lumbar vertebral endplates the simulator draws its concave endplates from
 * (test/endplate-concavity.test.ts checks the drawn and voxelised shapes against it). The endplate
 * above a disc (the inferior endplate of the vertebra above) is the more concave one.
 */
const WANG_2012 =
  'Wang, Battie & Videman, Eur Spine J 2012;21:2316-23 (PMC3481085): 591 lumbar endplates of 76 men, mean concavity depth 1.5 mm for the endplate cranial to the disc and 0.7 mm for the caudal one; the central (concave) endplate about 70 % of the whole endplate diameter';

/** Concavity depth of a vertebra's inferior endplate (cranial to the disc below it), mm; the SD is assumed (the source gives means). */
export const INFERIOR_ENDPLATE_CONCAVITY_MM: PublishedMeasure = { mean: 1.5, sd: 0.5, source: WANG_2012 };

/** Concavity depth of a vertebra's superior endplate (caudal to the disc above it), mm; the SD is assumed. */
export const SUPERIOR_ENDPLATE_CONCAVITY_MM: PublishedMeasure = { mean: 0.7, sd: 0.3, source: WANG_2012 };

/** The concave central endplate's diameter as a share of the whole endplate's. */
export const CENTRAL_ENDPLATE_SHARE = { value: 0.7, source: WANG_2012 } as const;
