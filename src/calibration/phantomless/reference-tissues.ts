import type { Composition } from '../../physics/composition.js';

/**
 * The tissues every abdominal CT holds whose attenuation is known from published composition, so
 * their measured HU calibrate the scan (internal calibration; Michalski et al., Med Eng Phys
 * 2020;78:55-63, used air, adipose tissue, blood, muscle and cortical bone):
 *
 * - air outside the patient: 0.001205 g/cm3 (NIST, dry air at sea level);
 * - adipose tissue at 0.93 g/cm3 (Woodard & White, Br J Radiol 1986;59:1209-18, adipose tissue 3;
 *   ICRU-44's adipose tissue 2 at 0.95 reads about 20 HU higher than the -90 to -110 HU of fat on
 *   clinical 120 kVp CT);
 * - skeletal muscle at 1.05 g/cm3 (ICRU Report 44, 1989).
 *
 * Attenuation is the NIST XCOM/ICRU-44 mass attenuation of each (data/physics).
 */
export const REFERENCE_AIR: Composition = [{ material: 'air', gPerCm3: 0.001205 }];
export const REFERENCE_FAT: Composition = [{ material: 'adipose', gPerCm3: 0.93 }];
export const REFERENCE_MUSCLE: Composition = [{ material: 'muscle', gPerCm3: 1.05 }];
export const REFERENCE_WATER: Composition = [{ material: 'water', gPerCm3: 1 }];
