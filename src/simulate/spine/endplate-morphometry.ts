import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';
import type { PublishedMeasure } from './sacropelvic-morphometry.js';

/**
 * Published shape of the lumbar vertebral endplates the simulator draws its concave endplates from,
 * from data/simulate/trunk-anatomy.json (Wang, Battie & Videman 2012; test/endplate-concavity.test.ts
 * checks the drawn and voxelised shapes against it). The endplate above a disc (the inferior
 * endplate of the vertebra above) is the more concave one.
 */
const ENDPLATES = loadTrunkAnatomyMeasures().endplates;

/** Concavity depth of a vertebra's inferior endplate (cranial to the disc below it), mm; the SD is assumed (the source gives means). */
export const INFERIOR_ENDPLATE_CONCAVITY_MM: PublishedMeasure = ENDPLATES.inferiorConcavityMm;

/** Concavity depth of a vertebra's superior endplate (caudal to the disc above it), mm; the SD is assumed. */
export const SUPERIOR_ENDPLATE_CONCAVITY_MM: PublishedMeasure = ENDPLATES.superiorConcavityMm;

/** The concave central endplate's diameter as a share of the whole endplate's. */
export const CENTRAL_ENDPLATE_SHARE = ENDPLATES.centralShare;
