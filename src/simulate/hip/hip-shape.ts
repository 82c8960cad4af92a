import type { Point3, Vector3 } from '../../core/geometry.js';
import type { SeededRandom } from '../../core/seeded-random.js';
import type { SimulatedPerson } from '../person.js';
import type { SpineShape } from '../spine/spine-shape.js';

/** Radiograph poses of seed 001, as femur and pelvis rotations (degrees). */
export const HIP_POSES = ['standing', 'supine', 'abduction', 'adduction'] as const;
export type HipPose = (typeof HIP_POSES)[number];

export interface PoseAngles {
  /** Femur abduction (+) or adduction (-) in the coronal plane, about the hip centre. */
  abductionDeg: number;
  /** Femur external (+) or internal (-) rotation about the vertical through the hip centre. */
  externalRotationDeg: number;
  /** Pelvis (and whole trunk) tilt about the left-right axis through the hips; standing tilts forwards. */
  pelvicTiltDeg: number;
}

/** One person's pelvis and proximal femurs (both sides mirror one another). */
export interface HipShape {
  /** Hip joint centre of the left femur (patient's left, +x); the right is mirrored in x. */
  readonly leftHipCentreMm: Point3;
  readonly headRadiusMm: number;
  /** Head centre to the shaft axis along the neck, mm. */
  readonly neckLengthMm: number;
  readonly neckShaftAngleDeg: number;
  readonly antetorsionDeg: number;
  readonly neckSemiMm: [number, number];
  readonly shaftRadiusMm: number;
  readonly shaftCortexMm: number;
  readonly neckCortexMm: number;
  /** Trabecular vBMD of the femoral head, neck and trochanteric region before the person's scale. */
  readonly trabecularMgPerCm3: { head: number; neck: number; trochanter: number };
  readonly marrowFatFraction: number;
  /** The side DXA measured and the PF-DRR is made of. */
  readonly targetSide: 'L' | 'R';
  readonly poses: Record<HipPose, PoseAngles>;
}

/**
 * Draws a person's hip geometry: head radius, neck length and neck-shaft angle scaled by stature
 * and sex with person-to-person spread (adult means: head radius about 23 mm, NSA about 128
 * degrees, anteversion about 12), trabecular density around the person's proximal-femur vBMD, and
 * the four poses with per-person jitter (standing: slight pelvic tilt; supine: the feet fall into
 * external rotation; abduction; adduction).
 */
export function drawHipShape(person: SimulatedPerson, spine: SpineShape, random: SeededRandom): HipShape {
  const size = (person.heightCm / (person.sex === 'F' ? 158 : 170)) * (person.sex === 'F' ? 0.92 : 1) * (1 + 0.04 * random.nextNormal());
  const s = spine.sacrumTopMm;
  const vbmd = person.targets.hipVbmd ?? 180;
  const jitter = (sd: number): number => sd * random.nextNormal();
  return {
    leftHipCentreMm: [s[0] + 88 * size + jitter(3), s[1] - 38 * size, s[2] - 95 * size + jitter(4)],
    headRadiusMm: 23.5 * size * (1 + 0.04 * random.nextNormal()),
    neckLengthMm: 50 * size * (1 + 0.06 * random.nextNormal()),
    neckShaftAngleDeg: 128 + jitter(4),
    antetorsionDeg: 12 + jitter(5),
    neckSemiMm: [15.5 * size, 12.5 * size],
    shaftRadiusMm: 14 * size,
    shaftCortexMm: Math.max(2.5, 5.2 * size * (0.75 + 0.25 * (vbmd / 180)) + jitter(0.4)),
    neckCortexMm: Math.max(1, 2 * (0.7 + 0.3 * (vbmd / 180))),
    trabecularMgPerCm3: { head: vbmd * 1.45, neck: vbmd * 0.85, trochanter: vbmd * 0.7 },
    marrowFatFraction: spine.marrowFatFraction,
    targetSide: random.nextFloat() < 0.5 ? 'L' : 'R',
    poses: {
      standing: { abductionDeg: 3 + jitter(2), externalRotationDeg: 5 + jitter(5), pelvicTiltDeg: 6 + jitter(3) },
      supine: { abductionDeg: 2 + jitter(2), externalRotationDeg: 15 + jitter(6), pelvicTiltDeg: jitter(2) },
      abduction: { abductionDeg: 22 + jitter(5), externalRotationDeg: 10 + jitter(6), pelvicTiltDeg: jitter(2) },
      adduction: { abductionDeg: -8 + jitter(3), externalRotationDeg: 5 + jitter(5), pelvicTiltDeg: jitter(2) },
    },
  };
}

/** The DXA positioning: supine, feet taped in about 15 degrees of internal rotation. */
export const DXA_POSE: PoseAngles = { abductionDeg: 0, externalRotationDeg: -15, pelvicTiltDeg: 0 };
/** The CT is taken supine in neutral. */
export const CT_POSE: PoseAngles = { abductionDeg: 0, externalRotationDeg: 0, pelvicTiltDeg: 0 };

export function unit(v: Vector3): Vector3 {
  const n = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / n, v[1] / n, v[2] / n];
}
