import type * as tfTypes from '../../nn/tfjs-types.js';
import type { TensorFlow } from '../../nn/tfjs-runtime.js';
import type { Image2D } from '../../core/image2d.js';
import type { BmdInput, LumbarCovariates } from './bmd-network-io.js';
import { fusionVector } from './bmd-network-io.js';
import { bodyOverDiscContrasts } from './body-disc-contrast.js';
import type { LumbarView, RoiLevel } from './lumbar-networks.js';
import type { ViewLocation } from './locate-lumbar-levels.js';
import { locateLumbarLevels } from './locate-lumbar-levels.js';
import { viewCrops } from './roi-crops.js';

/** What the locators found on a study's views, and the BMD network's input where L1-L4 were found in order. */
export interface LocatedStudy {
  locations: Partial<Record<LumbarView, ViewLocation>>;
  input: BmdInput;
}

/**
 * Locates L1-L4 on each view and crops seed 004's ROIs. A view whose levels are missing or out of
 * order gets no crops (its location says why); the caller decides whether the study can go on.
 */
export function locateStudy(
  tf: TensorFlow,
  o: {
    locators: Partial<Record<LumbarView, tfTypes.LayersModel>>;
    images: Partial<Record<LumbarView, Image2D>>;
    covariates: LumbarCovariates;
    useCovariates: boolean;
    /** Whether the BMD network fuses the body-over-disc contrasts (models since 2026-12-05). */
    bodyContrast: boolean;
  },
): LocatedStudy {
  const locations: LocatedStudy['locations'] = {};
  const crops: BmdInput['crops'] = {};
  const contrasts: Partial<Record<LumbarView, Partial<Record<RoiLevel, number>>>> = {};
  for (const view of ['ap', 'lat'] as const) {
    const image = o.images[view];
    const locator = o.locators[view];
    if (image === undefined || locator === undefined) continue;
    // The lateral view takes the AP view's count from the last rib (the same spine; ribs are not told apart on a lateral).
    const location = locateLumbarLevels(tf, locator, image, view, { ribShift: view === 'lat' ? locations.ap?.ribShift : undefined });
    locations[view] = location;
    const usable = !location.check.problems.includes('levels-missing') && !location.check.problems.includes('levels-out-of-order');
    if (!usable) continue;
    crops[view] = viewCrops(image, location.rois, location.greyLevels);
    if (o.bodyContrast) contrasts[view] = bodyOverDiscContrasts({ image, bodies: location.bodies, rois: location.rois, levels: location.greyLevels });
  }
  return { locations, input: { crops, covariates: fusionVector(o.covariates, o.useCovariates, o.bodyContrast ? contrasts : undefined) } };
}
