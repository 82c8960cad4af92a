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

/**
 * How far each reference may read from its composition's HU in a patient (1 sd, HU), the weights of
 * the energy fit. Fat: Woodard & White's adipose tissues 1-3 (0.97-0.93 g/cm3) span about 40 HU at
 * 70 keV, so +/-10. Muscle: 15, one-sided in nature (fat infiltration only lowers it): paraspinal
 * muscle averages 47 HU in young men and 36 in young women (Lee et al., BMC Musculoskelet Disord
 * 2020;21:403) and 20-30 in the very old (Anderson et al., J Gerontol A 2013;68:317-23). Air: 10,
 * its reading outside the patient on a calibrated scanner. These weights were chosen on
 * development cohorts (SIMULATED seed 904) among the spreads the sources allow.
 */
export const REFERENCE_SD_HU = { air: 10, fat: 10, muscle: 15 } as const;

/**
 * A calibrated scanner's HU scale and water offset: water reads 0 +/- 7 HU on a scanner that passes
 * accreditation (ACR CT Accreditation Program phantom testing), taken as 2 sd; the scale, set on
 * water and air, within 1 %.
 */
export const CALIBRATED_SCANNER = { scaleSd: 0.01, offsetSdHu: 3.5 } as const;
