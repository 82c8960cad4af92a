import type { Composition } from '../physics/composition.js';
import { mineralised } from '../physics/composition.js';

/**
 * Tissue compositions of the simulated anatomy. Subcutaneous and visceral fat use adipose tissue at
 * 0.93 g/cm3 (Woodard & White 1986, adipose tissue 3; ICRU-44's 0.95 gives about -85 HU, fat
 * in CT reads about -100), skin and cartilage soft tissue, marrow a mix of red (soft tissue) and
 * yellow (adipose) marrow whose fat share rises with age.
 */
export const TISSUE = {
  softTissue: [{ material: 'soft-tissue', gPerCm3: 1.06 }] as Composition,
  muscle: [{ material: 'muscle', gPerCm3: 1.05 }] as Composition,
  fat: [{ material: 'adipose', gPerCm3: 0.93 }] as Composition,
  blood: [{ material: 'blood', gPerCm3: 1.06 }] as Composition,
  lung: [{ material: 'lung', gPerCm3: 0.26 }] as Composition,
  gas: [{ material: 'air', gPerCm3: 0.001205 }] as Composition,
  water: [{ material: 'water', gPerCm3: 1.0 }] as Composition,
} as const;

/**
 * Skeletal muscle with a volume share of fat between and within its fibres (myosteatosis). CT reads
 * such muscle lower: paraspinal muscle at 120 kVp averages 47 HU in men and 36 HU in women of 23-50
 * (Lee et al., BMC Musculoskelet Disord 2020;21:403), and muscle attenuation falls by about 0.4 %
 * a year of age from the third decade (Jung et al., Endocrinol Metab 2021;36:1201-10), to 20-30 HU
 * in the very old (Anderson et al., J Gerontol A 2013;68:317-23).
 */
export function infiltratedMuscle(fatVolumeFraction: number): Composition {
  return [
    { material: 'muscle', gPerCm3: 1.05 * (1 - fatVolumeFraction) },
    { material: 'adipose', gPerCm3: 0.93 * fatVolumeFraction },
  ];
}

/** Marrow: red/yellow mix by mass, fatFraction 0 (child) to about 0.6 (elderly vertebra). */
export function marrow(fatFraction: number): Composition {
  return [
    { material: 'soft-tissue', gPerCm3: 1.03 * (1 - fatFraction) },
    { material: 'adipose', gPerCm3: 0.93 * fatFraction },
  ];
}

/** Trabecular bone: marrow plus HA at the given vBMD. */
export function trabecularBone(vbmdMgPerCm3: number, marrowFatFraction: number): Composition {
  return mineralised(marrow(marrowFatFraction), vbmdMgPerCm3);
}

/** Cortical bone: a soft-tissue (collagen, water) matrix plus HA at cortical mineral density. */
export function corticalBone(mineralMgPerCm3: number): Composition {
  return mineralised(TISSUE.softTissue, mineralMgPerCm3);
}

/** Calcification (aortic plaque, osteophyte mineral), as dense as cortical bone. */
export function calcification(mineralMgPerCm3: number): Composition {
  return mineralised(TISSUE.softTissue, mineralMgPerCm3);
}

/** Scale every HA part of a composition (the person's bone density), keeping the base's share. */
export function scaleMineral(composition: Composition, factor: number): Composition {
  const ha = composition.filter((p) => p.material === 'hydroxyapatite').reduce((s, p) => s + p.gPerCm3 * 1000, 0);
  const base = composition.filter((p) => p.material !== 'hydroxyapatite');
  const before = 1 - ha / 3160;
  const restored = base.map((p) => ({ material: p.material, gPerCm3: before > 0 ? p.gPerCm3 / before : p.gPerCm3 }));
  return mineralised(restored, ha * factor);
}
