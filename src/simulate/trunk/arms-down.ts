import type { Point3 } from '../../core/geometry.js';
import type { SeededRandom } from '../../core/seeded-random.js';
import type { Composition } from '../../physics/composition.js';
import type { PhantomBuilder } from '../phantom-builder.js';
import { PRIORITY } from '../phantom-builder.js';
import type { SimulatedPerson } from '../person.js';
import { TISSUE, corticalBone, trabecularBone } from '../tissues.js';
import type { SpineShape } from '../spine/spine-shape.js';
import { TISSUE_CLASS } from './tissue-class.js';
import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';

/**
 * Segment heights as shares of stature (Drillis & Contini 1966, in data/simulate/trunk-anatomy.json):
 * shoulder, elbow, greater trochanter, wrist. The arms hang from the shoulder past the elbow to the
 * wrist beside the greater trochanter, so an abdomen-pelvis field holds the elbows and the forearms.
 */
const SHARES = loadTrunkAnatomyMeasures().segmentHeightShares;
export const SEGMENT_HEIGHT_SHARE = {
  shoulder: SHARES.shoulder.value,
  elbow: SHARES.elbow.value,
  greaterTrochanter: SHARES.greaterTrochanter.value,
  wrist: SHARES.wrist.value,
} as const;
/** The greater trochanter below the sacral base, as a share of stature (the simulator's hip centre, 95 mm below at 170 cm). */
const TROCHANTER_BELOW_SACRAL_BASE_SHARE = 0.056;

/** Arms by the sides: how far from the trunk and how far forwards, mm. */
export interface ArmsDown {
  readonly gapMm: number;
  readonly forwardMm: number;
  /** Soft-tissue radius of the upper arm, mm (about 48 mm at a BMI of 25: a 30 cm mid-upper-arm circumference; assumed to grow with the square root of BMI). */
  readonly upperArmRadiusMm: number;
}

export function drawArmsDown(person: SimulatedPerson, random: SeededRandom): ArmsDown {
  return {
    gapMm: 3 + 30 * random.nextFloat(),
    forwardMm: 20 * random.nextFloat(),
    upperArmRadiusMm: 48 * Math.sqrt(person.bmi / 25) * (1 + 0.06 * random.nextNormal()),
  };
}

export interface ArmsDownPlacement {
  readonly arms: ArmsDown;
  /** The trunk's LR semi-axis and centre y, mm. */
  readonly trunkSemiXMm: number;
  readonly trunkCentreYMm: number;
  readonly fatMm: number;
  readonly muscle: Composition;
}

/** Heights of the shoulder, elbow and wrist, mm (patient frame z), from stature and the sacral base. */
export function armJointHeightsMm(person: SimulatedPerson, spine: SpineShape): { shoulder: number; elbow: number; wrist: number } {
  const statureMm = 10 * person.heightCm;
  const trochanter = spine.sacrumTopMm[2] - TROCHANTER_BELOW_SACRAL_BASE_SHARE * statureMm;
  const above = (share: number): number => trochanter + (share - SEGMENT_HEIGHT_SHARE.greaterTrochanter) * statureMm;
  return { shoulder: above(SEGMENT_HEIGHT_SHARE.shoulder), elbow: above(SEGMENT_HEIGHT_SHARE.elbow), wrist: above(SEGMENT_HEIGHT_SHARE.wrist) };
}

/**
 * Both arms hanging beside the trunk: upper arm (fat round muscle round the humerus, cortex round
 * fatty marrow) from the shoulder to the elbow, forearm (radius and ulna side by side) to the wrist.
 */
export function addArmsDown(
  builder: PhantomBuilder,
  region: (name: string, composition: Composition, cls: number) => number,
  person: SimulatedPerson,
  spine: SpineShape,
  o: ArmsDownPlacement,
): void {
  const { shoulder, elbow, wrist } = armJointHeightsMm(person, spine);
  const fat = region('arm fat', TISSUE.fat, TISSUE_CLASS.subcutaneousFat);
  const muscle = region('arm muscle', o.muscle, TISSUE_CLASS.muscle);
  const cortex = region('arm bone cortex', corticalBone(1100), TISSUE_CLASS.corticalBone);
  // Adult long-bone shafts hold yellow (fatty) marrow.
  const marrow = region('arm bone marrow', trabecularBone(20, 0.85), TISSUE_CLASS.cancellousBone);
  const female = person.sex === 'F';
  const ru = o.arms.upperArmRadiusMm;
  const rf = 0.72 * ru;
  const fatMm = Math.min(0.4 * ru, 0.8 * o.fatMm + 2);
  for (const side of [-1, 1]) {
    const x = side * (o.trunkSemiXMm + o.arms.gapMm + ru);
    const y = o.trunkCentreYMm - o.arms.forwardMm;
    const at = (z: number, dx = 0): Point3 => [x + side * dx, y, z];
    // Upper arm and forearm soft tissue, the fat a layer under the skin.
    builder.tube(at(shoulder), at(elbow), ru, ru, 0, fat, PRIORITY.fat);
    builder.tube(at(shoulder), at(elbow), ru - fatMm, ru - fatMm, 0, muscle, PRIORITY.muscle);
    builder.tube(at(elbow + 5), at(wrist), rf, 0.85 * rf, 0, fat, PRIORITY.fat);
    builder.tube(at(elbow + 5), at(wrist), rf - fatMm, 0.85 * (rf - fatMm), 0, muscle, PRIORITY.muscle);
    // Humerus: a shaft of 22 mm (men) or 20 mm (women) with a 4 mm cortex; radius and ulna 12 and 11 mm with 2.5 mm.
    const humerus = female ? 10 : 11;
    builder.tube(at(shoulder), at(elbow + 10), humerus, humerus, 0, cortex, PRIORITY.cortex);
    builder.tube(at(shoulder), at(elbow + 10), humerus - 4, humerus - 4, 0, marrow, PRIORITY.marrow);
    for (const [offset, r] of [
      [-7, 6],
      [7, 5.5],
    ] as const) {
      builder.tube(at(elbow, offset), at(wrist, offset), r, r, 0, cortex, PRIORITY.cortex);
      builder.tube(at(elbow, offset), at(wrist, offset), r - 2.5, r - 2.5, 0, marrow, PRIORITY.marrow);
    }
  }
}
