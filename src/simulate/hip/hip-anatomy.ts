import type { Matrix3, Point3, Vector3 } from '../../core/geometry.js';
import type { Composition } from '../../physics/composition.js';
import { multiplyRotations, rotationAbout } from '../../physics/phantom/solid.js';
import type { PhantomBuilder } from '../phantom-builder.js';
import { PRIORITY } from '../phantom-builder.js';
import { mineralised } from '../../physics/composition.js';
import { TISSUE, corticalBone, marrow, trabecularBone } from '../tissues.js';
import { TISSUE_CLASS } from '../trunk/tissue-class.js';
import type { HipShape, PoseAngles } from './hip-shape.js';
import { unit } from './hip-shape.js';
import { addHipProsthesis } from './hip-prosthesis.js';

/** Landmarks of the target femur in the posed phantom, mm. */
export interface FemurLandmarks {
  headCentre: Point3;
  /** Where the neck axis meets the shaft axis. */
  neckJunction: Point3;
  neckAxis: Vector3;
  shaftDown: Vector3;
  lesserTrochanter: Point3;
  /** The proximal-femur region ends at this plane (10 mm below the lesser trochanter), normal pointing distally. */
  pfCutPoint: Point3;
}

export interface HipRegions {
  /** Regions of the femur that DXA and the PF-DRR measure (the target side). */
  readonly targetFemur: Set<number>;
  /** Every femur region (both sides). */
  readonly femurs: Set<number>;
  /** Region -> HA mg/cm3 for the target femur (QCT truth). */
  readonly targetHaMgPerCm3: Map<number, number>;
  readonly target: FemurLandmarks;
}

type RegionMaker = (name: string, composition: Composition, cls: number) => number;

/**
 * Adds the pelvis around the hips (acetabula, ilium bodies, pubic rami, ischia) and both proximal
 * femurs (head, neck, greater and lesser trochanters, intertrochanteric region, shaft with its
 * medullary canal) with the thighs, the femurs posed by rotations about the hip centres.
 * `femurScale` multiplies the femurs' mineral (tuned to the person's total-hip aBMD).
 */
export function addHips(
  builder: PhantomBuilder,
  region: RegionMaker,
  shape: HipShape,
  pose: PoseAngles,
  femurScale: number,
  fatMm: number,
  prosthesis?: 'L' | 'R',
): HipRegions {
  const cls = TISSUE_CLASS;
  const femurs = new Set<number>();
  const targetFemur = new Set<number>();
  const targetHa = new Map<number, number>();
  const pelvis = region('pelvis bone', corticalBone(480), cls.corticalBone);
  const cartilage = region('joint cartilage', TISSUE.softTissue, cls.softTissue);
  const fat = region('subcutaneous fat', TISSUE.fat, cls.subcutaneousFat);
  const muscle = region('muscle', TISSUE.muscle, cls.muscle);
  let target: FemurLandmarks | undefined;
  for (const sideName of ['L', 'R'] as const) {
    const side = sideName === 'L' ? 1 : -1;
    const h0 = shape.leftHipCentreMm;
    const H: Point3 = [side * h0[0], h0[1], h0[2]];
    const isTarget = sideName === shape.targetSide;
    // Pelvis: acetabular cup (the head and a cartilage layer override its inside), ilium body, rami, ischium.
    const rh = shape.headRadiusMm;
    builder.add(
      {
        shape: 'ellipsoid',
        centerMm: H,
        rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        semiAxesMm: [rh + 5, rh + 5, rh + 5],
        clipPlanes: [{ normal: unit([side * 0.8, 0, -0.6]), offsetMm: 4 }],
      },
      pelvis,
      PRIORITY.cortex - 0.5,
    );
    builder.ellipsoid(H, [rh + 1.5, rh + 1.5, rh + 1.5], cartilage, PRIORITY.cortex - 0.3);
    const wing: Point3 = [side * (Math.abs(H[0]) - 5), H[1] + 20, H[2] + 60];
    builder.tube([H[0] + side * 4, H[1] + 8, H[2] + 12], wing, 15, 11, 0, pelvis, PRIORITY.cortex - 0.5, [0, 1, 0]);
    const symphysis: Point3 = [side * 4, H[1] - 48, H[2] - 28];
    const tuberosity: Point3 = [side * (Math.abs(H[0]) - 35), H[1] + 18, H[2] - 62];
    builder.tube([H[0] - side * 14, H[1] - 12, H[2] - 6], symphysis, 8, 7, 0, pelvis, PRIORITY.cortex - 0.5, [0, 0, 1]);
    builder.tube([symphysis[0], symphysis[1] + 2, symphysis[2] - 14], tuberosity, 7, 6, 0, pelvis, PRIORITY.cortex - 0.5, [0, 0, 1]);
    builder.tube([H[0] - side * 2, H[1] + 12, H[2] - 16], tuberosity, 12, 10, 0, pelvis, PRIORITY.cortex - 0.5, [1, 0, 0]);

    // Femur in its neutral frame, then posed about H.
    const alpha = (7 * Math.PI) / 180;
    const beta = ((shape.neckShaftAngleDeg - 90 + 7) * Math.PI) / 180;
    const gamma = (shape.antetorsionDeg * Math.PI) / 180;
    const d: Vector3 = [-side * Math.sin(alpha), 0, -Math.cos(alpha)];
    const v: Vector3 = [-side * Math.cos(beta) * Math.cos(gamma), -Math.cos(beta) * Math.sin(gamma), Math.sin(beta)];
    const J: Point3 = [H[0] - shape.neckLengthMm * v[0], H[1] - shape.neckLengthMm * v[1], H[2] - shape.neckLengthMm * v[2]];
    const R = poseRotation(pose, side);
    const at = (p: Point3): Point3 => {
      const q = apply(R, [p[0] - H[0], p[1] - H[1], p[2] - H[2]]);
      return [H[0] + q[0], H[1] + q[1], H[2] + q[2]];
    };
    const dir = (u: Vector3): Vector3 => apply(R, u);
    const along = (p: Point3, u: Vector3, t: number): Point3 => [p[0] + t * u[0], p[1] + t * u[1], p[2] + t * u[2]];
    const s = femurScale;
    const tb = shape.trabecularMgPerCm3;
    const name = (part: string): string => `${sideName} femur ${part}`;
    const cortexHa = 1050 * s;
    const parts = {
      cortex: region(name('cortex'), corticalBone(cortexHa), cls.corticalBone),
      head: region(name('head'), trabecularBone(tb.head * s, shape.marrowFatFraction), cls.cancellousBone),
      neck: region(name('neck'), trabecularBone(tb.neck * s, shape.marrowFatFraction), cls.cancellousBone),
      trochanter: region(name('trochanter'), trabecularBone(tb.trochanter * s, shape.marrowFatFraction), cls.cancellousBone),
      canal: region(name('medullary canal'), mineralised(marrow(Math.min(0.9, shape.marrowFatFraction + 0.2)), 15 * s), cls.cancellousBone),
    };
    for (const r of Object.values(parts)) {
      femurs.add(r);
      if (isTarget) targetFemur.add(r);
    }
    if (isTarget) {
      targetHa.set(parts.cortex, cortexHa);
      targetHa.set(parts.head, tb.head * s);
      targetHa.set(parts.neck, tb.neck * s);
      targetHa.set(parts.trochanter, tb.trochanter * s);
      targetHa.set(parts.canal, 15 * s);
    }
    const shaftUp: Vector3 = [-d[0], -d[1], -d[2]];
    const lateral: Vector3 = [side, 0, 0];
    const pair = (centre: Point3, semi: [number, number, number], shell: number, inner: number, axis: Vector3, hint: Vector3, innerPriority: number): void => {
      builder.ellipsoid(at(centre), semi, parts.cortex, PRIORITY.cortex, dir(axis), dir(hint));
      builder.ellipsoid(at(centre), [semi[0] - shell, semi[1] - shell, semi[2] - shell], inner, innerPriority, dir(axis), dir(hint));
    };
    // Head (a sphere with a thin shell), neck (tapered tube, wider at the shaft), trochanters, shaft.
    pair(H, [rh, rh, rh], 1.2, parts.head, [0, 0, 1], [1, 0, 0], PRIORITY.marrow + 0.3);
    const [na, nb] = shape.neckSemiMm;
    builder.tube(at(H), at(J), na, nb, 0.3, parts.cortex, PRIORITY.cortex, dir([0, 0, 1]));
    builder.tube(at(H), at(J), na - shape.neckCortexMm, nb - shape.neckCortexMm, 0.3, parts.neck, PRIORITY.marrow, dir([0, 0, 1]));
    const gt = along(along(along(J, lateral, 16), shaftUp, 6), [0, 1, 0], 5);
    pair(gt, [12, 14, 21], 1.5, parts.trochanter, shaftUp, [1, 0, 0], PRIORITY.marrow + 0.1);
    pair(along(J, d, 16), [18, 15, 27], 2, parts.trochanter, shaftUp, [1, 0, 0], PRIORITY.marrow);
    const lt = along(along(along(J, d, 40), lateral, -14), [0, 1, 0], 9);
    pair(lt, [9, 8, 12], 1.5, parts.trochanter, shaftUp, [1, 0, 0], PRIORITY.marrow + 0.1);
    const shaftTop = along(J, d, 24);
    const shaftBottom = along(J, d, 400);
    const r = shape.shaftRadiusMm;
    builder.tube(at(shaftTop), at(shaftBottom), r, r, 0, parts.cortex, PRIORITY.cortex, dir([1, 0, 0]));
    builder.tube(at(shaftTop), at(shaftBottom), r - shape.shaftCortexMm, r - shape.shaftCortexMm, 0, parts.canal, PRIORITY.marrow, dir([1, 0, 0]));
    // Thigh around the femur: muscle in a fat layer.
    const thighTop = along(H, [side, 0, 0], 12);
    builder.tube(at(thighTop), at(along(H, d, 430)), 66 + fatMm, 64 + fatMm, -0.1, fat, PRIORITY.body, dir([1, 0, 0]));
    builder.tube(at(thighTop), at(along(H, d, 430)), 66, 64, -0.1, muscle, PRIORITY.body + 0.5, dir([1, 0, 0]));
    if (prosthesis === sideName) addHipProsthesis(builder, region, { headCentreMm: H, neckJunctionMm: at(J), shaftDown: dir(d), headRadiusMm: rh, side });
    if (isTarget) {
      target = { headCentre: H, neckJunction: at(J), neckAxis: dir(v), shaftDown: dir(d), lesserTrochanter: at(lt), pfCutPoint: at(along(J, d, 40 + 12 + 10)) };
    }
  }
  return { targetFemur, femurs, targetHaMgPerCm3: targetHa, target: target! };
}

/** Femur rotation for a pose: external rotation about the vertical, then abduction about the AP axis. */
export function poseRotation(pose: PoseAngles, side: 1 | -1): Matrix3 {
  const external = rotationAbout('z', (side * pose.externalRotationDeg * Math.PI) / 180);
  const abduction = rotationAbout('y', (-side * pose.abductionDeg * Math.PI) / 180);
  return multiplyRotations(abduction, external);
}

function apply(m: Matrix3, v: Vector3): Vector3 {
  return [m[0] * v[0] + m[1] * v[1] + m[2] * v[2], m[3] * v[0] + m[4] * v[1] + m[5] * v[2], m[6] * v[0] + m[7] * v[1] + m[8] * v[2]];
}
