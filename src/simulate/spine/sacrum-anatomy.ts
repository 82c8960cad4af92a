import type { Point3, Vector3 } from '../../core/geometry.js';
import { normalize, pointAlong } from '../../core/geometry.js';
import type { PhantomBuilder } from '../phantom-builder.js';
import { PRIORITY } from '../phantom-builder.js';
import { TISSUE, corticalBone, trabecularBone } from '../tissues.js';
import { ALAR_MINERAL_FLOOR_MG_PER_CM3, ALAR_MINERAL_SHARE } from './sacropelvic-morphometry.js';
import type { SpineShape } from './spine-shape.js';
import { SACRUM_MASK_BIT } from './spine-levels.js';

/** One fused sacral segment along the sacrum's curve. */
export interface SacralSegment {
  readonly name: 'S1' | 'S2' | 'S3' | 'S4' | 'S5';
  /** Centre of the segment's body, mm. */
  readonly centreMm: Point3;
  /** Unit cranial direction of the segment's axis. */
  readonly axis: Vector3;
  readonly halfHeightMm: number;
  /** LR and AP semi-axes of the body, mm. */
  readonly semiMm: [number, number];
}

/** The sacrum's lateral masses (alae down to the sacroiliac joints), one per side. */
export interface SacralLateralMass {
  readonly centreMm: Point3;
  readonly axis: Vector3;
  /** LR, AP and along-axis semi-axes, mm. */
  readonly semiMm: [number, number, number];
}

export interface SacrumGeometry {
  readonly segments: readonly SacralSegment[];
  /** Left (+x) and right lateral masses. */
  readonly lateralMasses: readonly [SacralLateralMass, SacralLateralMass];
}

/** Share of the sacral height per segment, S1 to S5 (the segments shorten towards the apex). */
const SEGMENT_SHARE = [0.27, 0.23, 0.2, 0.17, 0.13] as const;
/** The body's width and depth per segment against S1's (the sacrum tapers to its apex). */
const SEGMENT_TAPER = [1, 0.82, 0.66, 0.5, 0.36] as const;
/** S1's depth (AP) against its width: about 34 of 46 mm. */
const S1_DEPTH_SHARE = 0.72;
/** The sacral curve: each segment's axis turns forwards by this much from the one above, degrees (the concave anterior surface). */
const SEGMENT_TURN_DEG = 11;
const CORTEX_MM = 1.1;
/** The lateral mass is this much wider at the alae than at its middle, and narrower at S3 (tube taper). */
const LATERAL_MASS_TAPER = 0.15;

function rotateAboutX(v: Vector3, deg: number): Vector3 {
  const t = (deg * Math.PI) / 180;
  const [c, s] = [Math.cos(t), Math.sin(t)];
  return [v[0], c * v[1] - s * v[2], s * v[1] + c * v[2]];
}

/**
 * The sacrum's shape: five segments from the S1 endplate (tilted by the sacral slope) down a curve
 * concave forwards, and the lateral masses from S1 down the auricular height, reaching the
 * sacroiliac joints at half the interauricular distance.
 */
export function sacrumGeometry(shape: SpineShape): SacrumGeometry {
  const s = shape.sacrum;
  const segments: SacralSegment[] = [];
  let top = shape.sacrumTopMm;
  // Cranial axis of S1 is the endplate normal; lower segments turn so the apex points down and forwards.
  let axis = shape.sacrumAxis;
  const s1Semi: [number, number] = [s.s1BodyWidthMm / 2, (S1_DEPTH_SHARE * s.s1BodyWidthMm) / 2];
  (['S1', 'S2', 'S3', 'S4', 'S5'] as const).forEach((name, i) => {
    const half = (SEGMENT_SHARE[i]! * s.heightMm) / 2;
    // Each segment's centre lies half its height down its axis from its top.
    segments.push({
      name,
      centreMm: pointAlong(top, axis, -half),
      axis,
      halfHeightMm: half,
      semiMm: [s1Semi[0] * SEGMENT_TAPER[i]!, s1Semi[1] * SEGMENT_TAPER[i]!],
    });
    top = pointAlong(top, axis, -2 * half);
    // Turning the cranial axis towards +y (less forwards-leaning) makes the next segment run less backwards as it descends.
    axis = rotateAboutX(axis, -SEGMENT_TURN_DEG);
  });
  const s1 = segments[0]!;
  const s2 = segments[1]!;
  const unitAxis = normalize([s1.axis[0] + s2.axis[0], s1.axis[1] + s2.axis[1], s1.axis[2] + s2.axis[2]]);
  const halfHeight = s.auricularHeightMm / 2;
  const t = shape.sacrumTopMm;
  // From the body's side (60 % of its half-width in) out to the joint; 3 mm of the ala rises above the endplate.
  const inner = 0.6 * s1Semi[0];
  const outer = s.interauricularMm / 2;
  // The tube tapers, so its upper part (the alae) reaches the joint.
  const semiX = (outer - inner) / 2 / (1 + LATERAL_MASS_TAPER * 0.7);
  const mass = (side: 1 | -1): SacralLateralMass => ({
    centreMm: pointAlong([t[0] + side * (inner + semiX), t[1] + 0.35 * s1Semi[1], t[2]], unitAxis, -(halfHeight - 3)),
    axis: unitAxis,
    semiMm: [semiX, 1.1 * s1Semi[1], halfHeight],
  });
  return { segments, lateralMasses: [mass(1), mass(-1)] };
}

/**
 * Adds the sacrum: cortical shells round cancellous segments (S1 as dense as L5, S2 lower, S3-S5
 * lower still), the lateral masses with the alae's fatty, mineral-poor marrow, the sacral canal and
 * the fused posterior arches behind it.
 */
/** Returns every sacral region (for labels and bone-only projections). */
export function addSacrum(builder: PhantomBuilder, shape: SpineShape, mineralScale: number): number[] {
  const geometry = sacrumGeometry(shape);
  const l5Ha = (shape.vertebrae[shape.vertebrae.length - 1]?.trabecularVbmdMgPerCm3 ?? 120) * mineralScale;
  const fat = shape.marrowFatFraction;
  const cortex = builder.region('sacrum cortex', corticalBone(500 + 2.5 * l5Ha), SACRUM_MASK_BIT);
  const body = builder.region('sacrum body', trabecularBone(0.97 * l5Ha, fat), SACRUM_MASK_BIT);
  const lower = builder.region('sacrum lower segments', trabecularBone(0.82 * l5Ha, fat), SACRUM_MASK_BIT);
  const alaHa = ALAR_MINERAL_SHARE * Math.max(0, 0.97 * l5Ha - ALAR_MINERAL_FLOOR_MG_PER_CM3);
  const ala = builder.region('sacrum ala', trabecularBone(alaHa, Math.min(0.9, fat + 0.1)), SACRUM_MASK_BIT);
  const canal = builder.region('sacral canal', TISSUE.water);
  const posterior = builder.region('sacrum posterior arches', corticalBone(300 + 1.6 * l5Ha), SACRUM_MASK_BIT);
  geometry.segments.forEach((seg, i) => {
    const [a, b] = seg.semiMm;
    const tube = (semiA: number, semiB: number, half: number, offsetY: number, region: number, priority: number): void => {
      // Behind the body: along the segment's posterior direction, perpendicular to its axis.
      const c = pointAlong(seg.centreMm, [0, seg.axis[2], -seg.axis[1]], offsetY);
      builder.tube(pointAlong(c, seg.axis, -half), pointAlong(c, seg.axis, half), semiA, semiB, 0, region, priority, [1, 0, 0]);
    };
    // Segments overlap by 1 mm so the fused sacrum has no gap; the S1 endplate is the top.
    const half = seg.halfHeightMm + (i === 0 ? 0 : 1);
    tube(a, b, half, 0, cortex, PRIORITY.cortex);
    tube(a - CORTEX_MM, b - CORTEX_MM, half - (i === 0 ? CORTEX_MM : 0), 0, i < 1 ? body : lower, PRIORITY.marrow);
    // Canal and posterior arches behind the body (the canal narrows towards the apex).
    const canalSemi: [number, number] = [Math.max(4, 0.45 * a), Math.max(2.5, 0.3 * b)];
    tube(canalSemi[0], canalSemi[1], half, b + canalSemi[1] + 0.5, canal, PRIORITY.organ);
    tube(0.8 * a, 3, half, b + 2 * canalSemi[1] + 3.5, posterior, PRIORITY.cortex);
  });
  // Each lateral mass narrows from the alae down to S3: a tube tapering downwards, its top the alar surface.
  for (const m of geometry.lateralMasses) {
    const end = (sign: number, inset: number): Point3 => pointAlong(m.centreMm, m.axis, sign * (m.semiMm[2] - inset));
    builder.tube(end(-1, 0), end(1, 0), m.semiMm[0], m.semiMm[1], LATERAL_MASS_TAPER, cortex, PRIORITY.cortex);
    builder.tube(end(-1, CORTEX_MM), end(1, CORTEX_MM), m.semiMm[0] - CORTEX_MM, m.semiMm[1] - CORTEX_MM, LATERAL_MASS_TAPER, ala, PRIORITY.marrow - 0.2);
  }
  return [cortex, body, lower, ala, posterior];
}
