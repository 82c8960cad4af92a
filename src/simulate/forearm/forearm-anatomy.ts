import type { Point3 } from '../../core/geometry.js';
import type { DigitalPhantom } from '../../physics/phantom/digital-phantom.js';
import { mineralised } from '../../physics/composition.js';
import { PRIORITY, PhantomBuilder } from '../phantom-builder.js';
import { TISSUE, corticalBone, trabecularBone } from '../tissues.js';
import type { CarpalBone, OssificationCentre } from '../hand-anatomy-measures.js';
import { ageInRange, loadHandAnatomyMeasures } from '../hand-anatomy-measures.js';
import type { ForearmShape, StepWedgeGeometry } from './forearm-shape.js';
import { RADIUS_PHYSIS_DEPTH_SHARE } from './forearm-shape.js';

/** Mask bits of the forearm phantom. */
export const FOREARM_MASK = { body: 1, wedge: 2, radius: 4, ulna: 8, handBone: 16 } as const;

export interface ForearmAnatomy {
  phantom: DigitalPhantom;
  /** Regions that belong to the radius (for the mineral projection of the ground truth). */
  radiusRegions: Set<number>;
  /** The two distal-radius key points (radial edge first), at the bone's mid-depth, mm. */
  keyPointsMm: [Point3, Point3];
  /** Unit vector in the detector plane from the wrist towards the elbow. */
  proximalDirection: [number, number];
  /** Centre of each wedge step on its top surface, mm, first step first. */
  stepCentersMm: Point3[];
  /** Corners of the wedge footprint on the detector, mm. */
  wedgeCornersMm: Point3[];
}

/**
 * Hand and distal forearm of a child lying palm down on the detector, plus the step wedge beside
 * it. Frame: x along detector columns (image right = radial side of a left hand), y along rows
 * (towards the elbow), z up towards the source; the detector is the plane z = 0.
 */
export function buildForearmAnatomy(shape: ForearmShape, wedge: StepWedgeGeometry, mineralScale: number): ForearmAnatomy {
  const b = new PhantomBuilder();
  const s = shape.size;
  const theta = shape.armAngleRad;
  const u: [number, number] = [Math.sin(theta), Math.cos(theta)];
  const w: [number, number] = [Math.cos(theta), -Math.sin(theta)];
  const at = (across: number, along: number, height: number): Point3 => [
    shape.wristXMm + across * w[0] + along * u[0],
    shape.wristYMm + across * w[1] + along * u[1],
    height,
  ];
  const depth = shape.forearmHalfWidthMm * shape.forearmDepthRatio;
  const boneHeight = depth * 0.95;
  const xHint: [number, number, number] = [w[0], w[1], 0];

  const skin = b.region('skin', TISSUE.softTissue, FOREARM_MASK.body);
  const fat = b.region('subcutaneous-fat', TISSUE.fat, FOREARM_MASK.body);
  const muscle = b.region('muscle', TISSUE.muscle, FOREARM_MASK.body);
  const cartilage = b.region('cartilage', TISSUE.softTissue, FOREARM_MASK.body);
  const fhw = shape.forearmHalfWidthMm;

  // Forearm: skin, subcutaneous fat, muscle, widening towards the elbow.
  const armFrom = at(0, -8 * s, depth);
  const armTo = at(0, 260, depth);
  b.tube(armFrom, armTo, fhw, depth, 0.18, skin, PRIORITY.body, xHint);
  b.tube(armFrom, armTo, fhw - 1.2, depth - 1.2, 0.18, fat, PRIORITY.fat, xHint);
  b.tube(armFrom, armTo, fhw - 1.2 - shape.fatMm, depth - 1.2 - shape.fatMm * 0.8, 0.2, muscle, PRIORITY.muscle, xHint);
  const lobe = shape.limb;
  if (lobe.lobeShare > 0) {
    // The lower lobe: the same layers over a broader, flatter base that rests on the detector.
    const lobeDepth = depth * lobe.lobeShare;
    const lobeHalf = fhw * (1 + lobe.lobeWidening);
    const shift = lobe.lobeShift * fhw;
    const from = at(shift, -8 * s, lobeDepth);
    const to = at(shift, 260, lobeDepth);
    b.tube(from, to, lobeHalf, lobeDepth, 0.18, skin, PRIORITY.body, xHint);
    b.tube(from, to, lobeHalf - 1.2, lobeDepth - 1.2, 0.18, fat, PRIORITY.fat, xHint);
    b.tube(from, to, Math.max(1, lobeHalf - 1.2 - shape.fatMm * 1.3), Math.max(1, lobeDepth - 1.2 - shape.fatMm * 0.8), 0.2, muscle, PRIORITY.muscle, xHint);
  }

  // Hand: palm, four fingers, thumb (soft tissue with a fat layer).
  const palmDepth = depth * 0.72;
  b.ellipsoid(at(0, -50 * s, palmDepth), [fhw * 1.2, 47 * s, palmDepth], skin, PRIORITY.body, [0, 0, 1], xHint);
  b.ellipsoid(
    at(0, -50 * s, palmDepth),
    [fhw * 1.2 - 1.5 - shape.fatMm * 0.6, 47 * s - 2, palmDepth - 1.5 - shape.fatMm * 0.5],
    muscle,
    PRIORITY.muscle,
    [0, 0, 1],
    xHint,
  );
  const fingerAcross = [-0.78, -0.27, 0.22, 0.7].map((f) => f * fhw * 1.1);
  const fingerLength = [52, 66, 72, 65].map((l) => l * s);
  const corticalMineral = shape.corticalMgPerCm3 * mineralScale;
  const trabecular = shape.trabecularMgPerCm3 * mineralScale;
  const handCortex = b.region('hand-bone-cortex', corticalBone(corticalMineral), FOREARM_MASK.body | FOREARM_MASK.handBone);
  const handMarrow = b.region('hand-bone-marrow', trabecularBone(trabecular * 0.6, 0.2), FOREARM_MASK.body | FOREARM_MASK.handBone);
  const longBone = (from: Point3, to: Point3, radius: number): void => {
    b.tube(from, to, radius, radius * 0.9, -0.1, handCortex, PRIORITY.cortex, xHint);
    const inner = Math.max(0.4, radius - Math.max(0.5, radius * 0.35));
    b.tube(from, to, inner, inner * 0.9, -0.1, handMarrow, PRIORITY.marrow, xHint);
  };
  fingerAcross.forEach((across, f) => {
    const spread = (across / fhw) * 0.12 * shape.fingerSpread;
    const base = at(across, -92 * s, palmDepth * 0.8);
    const length = fingerLength[f]!;
    const tipAcross = across + Math.sin(spread) * length;
    const tip = at(tipAcross, -92 * s - length, palmDepth * 0.6);
    const radius = 8.5 * s;
    b.tube(base, tip, radius, radius * 0.85, -0.2, skin, PRIORITY.body, xHint);
    // Metacarpal, then proximal, middle and distal phalanges with joint gaps.
    longBone(at(across * 0.8, -30 * s, boneHeight * 0.7), at(across, -88 * s, palmDepth * 0.8), 3.6 * s);
    const parts = [0.42, 0.3, 0.2];
    let start = 0.02;
    parts.forEach((share, k) => {
      const t0 = start;
      const t1 = start + share - 0.025;
      const lerp = (t: number): Point3 => [base[0] + t * (tip[0] - base[0]), base[1] + t * (tip[1] - base[1]), base[2] + t * (tip[2] - base[2])];
      longBone(lerp(t0), lerp(t1), (3.2 - 0.5 * k) * s);
      start += share;
    });
  });
  const thumbBase = at(fhw * 1.05, -35 * s, palmDepth * 0.8);
  const thumbTip = at(fhw * 1.05 + 45 * s, -35 * s - 48 * s, palmDepth * 0.7);
  b.tube(thumbBase, thumbTip, 10 * s, 9 * s, -0.25, skin, PRIORITY.body, xHint);
  const thumbAt = (t: number): Point3 => [
    thumbBase[0] + t * (thumbTip[0] - thumbBase[0]),
    thumbBase[1] + t * (thumbTip[1] - thumbBase[1]),
    thumbBase[2] + t * (thumbTip[2] - thumbBase[2]),
  ];
  longBone(at(fhw * 0.55, -26 * s, boneHeight * 0.8), thumbAt(0.25), 4 * s);
  longBone(thumbAt(0.3), thumbAt(0.62), 3.3 * s);
  longBone(thumbAt(0.67), thumbAt(0.92), 2.8 * s);

  // Carpals, each ossified from its published age of appearance at the child's maturity tempo.
  const onsets = loadHandAnatomyMeasures().ossificationOnsetYears;
  const onsetYears = (centre: OssificationCentre): number => ageInRange(onsets[centre].range, shape.maturityTempo);
  const carpals: [CarpalBone, number, number, number][] = [
    // [bone, across (x fhw), along (x s), size]
    ['capitate', 0.0, -24, 1.1],
    ['hamate', -0.38, -23, 1.0],
    ['triquetrum', -0.42, -13, 0.85],
    ['lunate', 0.02, -12, 0.9],
    ['trapezium', 0.62, -22, 0.85],
    ['trapezoid', 0.3, -25, 0.75],
    ['scaphoid', 0.45, -12, 1.0],
    ['pisiform', -0.62, -10, 0.6],
  ];
  for (const [bone, across, along, size] of carpals) {
    const onset = onsetYears(bone);
    if (shape.ageYears < onset) continue;
    const maturity = Math.min(1, 0.35 + (shape.ageYears - onset) / 6);
    const r = 5.2 * s * size * maturity;
    b.ellipsoid(at(across * fhw, along * s, boneHeight * 0.8), [r, r * 0.9, r * 0.85], handCortex, PRIORITY.cortex, [0, 0, 1], xHint);
    b.ellipsoid(at(across * fhw, along * s, boneHeight * 0.8), [r - 0.6, r * 0.9 - 0.6, r * 0.85 - 0.6], handMarrow, PRIORITY.marrow, [0, 0, 1], xHint);
  }

  // Radius and ulna: epiphysis, physis (cartilage gap), flared metaphysis, diaphysis.
  const radiusRegions = new Set<number>();
  const forearmBone = (
    name: string,
    bit: number,
    across: number,
    halfWidth: number,
    flare: number,
    cortexMm: number,
    epiphysisOnsetYears: number,
    offsetAlong: number,
  ): { semiAt: (along: number) => number } => {
    const cortex = b.region(`${name}-cortex`, corticalBone(corticalMineral), FOREARM_MASK.body | bit);
    const core = b.region(`${name}-trabecular`, trabecularBone(trabecular, 0.1), FOREARM_MASK.body | bit);
    const medulla = b.region(`${name}-medulla`, trabecularBone(trabecular * 0.35, 0.3), FOREARM_MASK.body | bit);
    if (name === 'radius') [cortex, core, medulla].forEach((r) => radiusRegions.add(r));
    const length = shape.metaphysisLengthMm;
    const centreSemi = (halfWidth * (1 + flare)) / 2;
    const taper = (1 - flare) / (1 + flare);
    const from = at(across, offsetAlong, boneHeight);
    const to = at(across, offsetAlong + length, boneHeight);
    b.tube(from, to, centreSemi, centreSemi * RADIUS_PHYSIS_DEPTH_SHARE, taper, cortex, PRIORITY.cortex, xHint);
    b.tube(from, to, centreSemi - cortexMm, centreSemi * RADIUS_PHYSIS_DEPTH_SHARE - cortexMm, taper, core, PRIORITY.marrow, xHint);
    const shaftEnd = at(across, 300, boneHeight);
    b.tube(to, shaftEnd, halfWidth, halfWidth * 0.8, 0.05, cortex, PRIORITY.cortex, xHint);
    const shaftCortex = Math.min(halfWidth * 0.55, cortexMm * 2.2);
    b.tube(to, shaftEnd, halfWidth - shaftCortex, halfWidth * 0.8 - shaftCortex, 0.05, medulla, PRIORITY.marrow, xHint);
    if (shape.ageYears >= epiphysisOnsetYears) {
      const maturity = Math.min(1, 0.45 + (shape.ageYears - epiphysisOnsetYears) / 9);
      const semiAlong = 4 * s * maturity;
      const centre = at(across + (name === 'radius' ? 0.8 : 0), offsetAlong - shape.physisGapMm - semiAlong, boneHeight);
      const semi: [number, number, number] = [halfWidth * flare * 0.95 * Math.max(0.6, maturity), semiAlong, halfWidth * flare * 0.7 * Math.max(0.6, maturity)];
      b.ellipsoid(centre, semi, cortex, PRIORITY.cortex, [0, 0, 1], xHint);
      b.ellipsoid(centre, [semi[0] - 0.5, semi[1] - 0.5, semi[2] - 0.5], core, PRIORITY.marrow, [0, 0, 1], xHint);
    }
    if (shape.physisGapMm > 0)
      b.tube(
        at(across, offsetAlong - shape.physisGapMm, boneHeight),
        from,
        halfWidth * flare,
        halfWidth * flare * RADIUS_PHYSIS_DEPTH_SHARE,
        0,
        cartilage,
        PRIORITY.muscle,
        xHint,
      );
    return {
      semiAt: (along: number) => {
        const q = (2 * (along - offsetAlong)) / length - 1;
        return centreSemi * (1 + taper * q);
      },
    };
  };
  const radiusAcross = 0.4 * fhw;
  const radius = forearmBone(
    'radius',
    FOREARM_MASK.radius,
    radiusAcross,
    shape.radiusHalfWidthMm,
    shape.radiusFlare,
    shape.radiusCortexMm,
    onsetYears('distalRadius'),
    0,
  );
  forearmBone(
    'ulna',
    FOREARM_MASK.ulna,
    -0.48 * fhw,
    shape.ulnaHalfWidthMm,
    1.25,
    shape.radiusCortexMm * 0.9,
    onsetYears(shape.sex === 'F' ? 'distalUlnaGirls' : 'distalUlnaBoys'),
    4 * s,
  );

  // Key points: the radius's radial and ulnar edges where the distal metaphysis starts.
  const keyAlong = 2;
  const half = radius.semiAt(keyAlong);
  const keyPointsMm: [Point3, Point3] = [at(radiusAcross + half, keyAlong, boneHeight), at(radiusAcross - half, keyAlong, boneHeight)];

  // Step wedge: HA in soft-tissue-equivalent epoxy, steps side by side along its axis.
  const phi = shape.wedge.angleRad;
  const axis: [number, number] = [Math.sin(phi), Math.cos(phi)];
  const across: [number, number] = [Math.cos(phi), -Math.sin(phi)];
  const n = wedge.stepThicknessesMm.length;
  const stepCentersMm: Point3[] = [];
  const wedgeRegion = b.region('step-wedge', mineralised(TISSUE.softTissue, wedge.haMgPerCm3), FOREARM_MASK.wedge);
  wedge.stepThicknessesMm.forEach((thickness, i) => {
    const offset = (i - (n - 1) / 2) * wedge.stepLengthMm;
    const cx = shape.wedge.centerXMm + offset * axis[0];
    const cy = shape.wedge.centerYMm + offset * axis[1];
    b.add(
      {
        shape: 'box',
        centerMm: [cx, cy, thickness / 2],
        rotation: [across[0], axis[0], 0, across[1], axis[1], 0, 0, 0, 1],
        semiAxesMm: [wedge.widthMm / 2, wedge.stepLengthMm / 2, thickness / 2],
      },
      wedgeRegion,
      PRIORITY.phantom,
    );
    stepCentersMm.push([cx, cy, thickness]);
  });
  const halfLength = (n * wedge.stepLengthMm) / 2;
  const wedgeCornersMm: Point3[] = [
    [-1, -1],
    [1, -1],
    [1, 1],
    [-1, 1],
  ].map(([sa, sl]) => [
    shape.wedge.centerXMm + sa! * (wedge.widthMm / 2) * across[0] + sl! * halfLength * axis[0],
    shape.wedge.centerYMm + sa! * (wedge.widthMm / 2) * across[1] + sl! * halfLength * axis[1],
    0,
  ]);
  return { phantom: b.build(), radiusRegions, keyPointsMm, proximalDirection: u, stepCentersMm, wedgeCornersMm };
}
