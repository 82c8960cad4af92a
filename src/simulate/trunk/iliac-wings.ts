import type { Point3, Vector3 } from '../../core/geometry.js';
import { normalize, pointAlong } from '../../core/geometry.js';
import type { Composition } from '../../physics/composition.js';
import type { PhantomBuilder } from '../phantom-builder.js';
import { PRIORITY } from '../phantom-builder.js';
import { sacrumGeometry } from '../spine/sacrum-anatomy.js';
import type { SpineShape } from '../spine/spine-shape.js';
import { corticalBone, trabecularBone } from '../tissues.js';
import { TISSUE_CLASS } from './tissue-class.js';

type RegionMaker = (name: string, composition: Composition, cls: number) => number;

/** Tiles along each wing's curve (enough that neighbours overlap into one plate). */
const TILES = 48;
/** The sacroiliac joint space between the sacrum's lateral mass and the ilium, mm (2-4 mm on CT). */
const JOINT_SPACE_MM = 3;
/** Half the width of the ilium's auricular part beside the joint, mm. */
const AURICULAR_BLOCK_HALF_MM = 8;
/** Half the distance between the anterior superior iliac spines of a 170 cm adult, mm (inter-ASIS 220-250 mm). */
const ASIS_HALF_DISTANCE_MM = 118;
/** How far in front of the sacral base's centre the spines lie, mm (supine, the ASIS are level with the pubic symphysis). */
const ASIS_FORWARD_MM = 55;
/** The wing's thickness from the thick posterior ilium behind the joint to the thin iliac fossa and the crest at the spine, mm. */
function thicknessMm(t: number): number {
  return t < 0.25 ? 16 - 36 * t : t < 0.75 ? 7 : 7 + 10 * (t - 0.75);
}

function quadraticBezier(p: readonly number[], c: readonly number[], q: readonly number[], t: number): [number, number] {
  const u = 1 - t;
  return [u * u * p[0]! + 2 * u * t * c[0]! + t * t * q[0]!, u * u * p[1]! + 2 * u * t * c[1]! + t * t * q[1]!];
}

/**
 * The iliac wings: each a plate of cortex round marrow on a curve convex backwards and outwards,
 * from the posterior ilium beside the sacrum's lateral mass (a joint space away, following the
 * sacrum's tilt) round to the anterior superior spine. The crest rises from the posterior and
 * anterior spines to its top at the published height above the sacral base; the plate runs down to
 * the acetabular roof, where the hip simulator's ilium body continues it.
 */
export function addIliacWings(builder: PhantomBuilder, region: RegionMaker, spine: SpineShape, marrowFat: number): void {
  // The lowest mobile vertebra (L4, L5 or L6 by the segmentation variant).
  const lowest = spine.vertebrae[spine.vertebrae.length - 1]!;
  const sacrum = sacrumGeometry(spine);
  const scale = spine.sacrum.interauricularMm / 108.7;
  const base = spine.sacrumTopMm;
  const cortex = region('ilium cortex', corticalBone(850), TISSUE_CLASS.corticalBone);
  const marrow = region('ilium marrow', trabecularBone(Math.max(60, 0.9 * lowest.trabecularVbmdMgPerCm3), marrowFat), TISSUE_CLASS.cancellousBone);
  const crestTop = base[2] + spine.sacrum.iliacCrestAboveBaseMm;
  const bottom = base[2] - 60 * scale;
  for (const mass of sacrum.lateralMasses) {
    const side = mass.centreMm[0] > base[0] ? 1 : -1;
    const jointX = mass.centreMm[0] + side * (mass.semiMm[0] + JOINT_SPACE_MM);
    // The ilium's auricular part: a block beside the lateral mass over the joint's height, a joint space away.
    const blockCentre: Point3 = [jointX + side * AURICULAR_BLOCK_HALF_MM, mass.centreMm[1], mass.centreMm[2]];
    const along = (sign: number, inset: number): Point3 => pointAlong(blockCentre, mass.axis, sign * (mass.semiMm[2] - inset));
    builder.tube(along(-1, 0), along(1, 0), AURICULAR_BLOCK_HALF_MM, 0.9 * mass.semiMm[1], 0, cortex, PRIORITY.cortex, [1, 0, 0]);
    builder.tube(along(-1, 1.5), along(1, 1.5), AURICULAR_BLOCK_HALF_MM - 1.5, 0.9 * mass.semiMm[1] - 1.5, 0, marrow, PRIORITY.marrow - 0.3, [1, 0, 0]);
    // The wing starts behind the block and sweeps round to the anterior superior spine, in front and outside.
    const p = [jointX + side * (AURICULAR_BLOCK_HALF_MM + 2), mass.centreMm[1] + 0.6 * mass.semiMm[1]];
    const q = [base[0] + side * ASIS_HALF_DISTANCE_MM * scale, base[1] - ASIS_FORWARD_MM * scale];
    const c = [q[0]!, p[1]! + 5];
    for (let k = 0; k < TILES; k++) {
      const t = k / (TILES - 1);
      const [x, y] = quadraticBezier(p, c, q, t);
      const [x2, y2] = quadraticBezier(p, c, q, Math.min(1, t + 0.01));
      const [x1, y1] = quadraticBezier(p, c, q, Math.max(0, t - 0.01));
      const tangent: Vector3 = [x2 - x1, y2 - y1, 0];
      const spacing = Math.hypot(tangent[0], tangent[1]) * (1 / 0.02) * (1 / (TILES - 1));
      // The crest: from the posterior spine (S2 level) up to its top about a third of the way round, down to the anterior spine.
      const crest = base[2] - 20 + (crestTop - base[2] + 20) * Math.sin(Math.PI * Math.min(1, t / 0.8)) ** 0.7 - (t > 0.8 ? 25 * (t - 0.8) : 0);
      // Behind, the plate leans with the sacrum (the joint follows the lateral mass); in front it stands upright.
      const lean = Math.max(0, 1 - t / 0.35);
      const unit = normalize([lean * mass.axis[0], lean * mass.axis[1], lean * mass.axis[2] + (1 - lean)]);
      const midZ = (crest + bottom) / 2;
      const half = (crest - bottom) / 2 / unit[2];
      const centre: Point3 = [x, y + (lean > 0 ? (midZ - mass.centreMm[2]) * (unit[1] / unit[2]) : 0), midZ];
      const from = pointAlong(centre, unit, -half);
      const to = pointAlong(centre, unit, half);
      const semiAlong = 0.75 * spacing + 1;
      const semiThick = thicknessMm(t) / 2;
      builder.tube(from, to, semiAlong, semiThick, 0, cortex, PRIORITY.cortex, tangent);
      // The marrow stops 1.2 mm short of each end, so the crest and the lower edge keep their cortex.
      if (semiThick > 2)
        builder.tube(
          pointAlong(centre, unit, 1.2 - half),
          pointAlong(centre, unit, half - 1.2),
          semiAlong,
          semiThick - 1.2,
          0,
          marrow,
          PRIORITY.marrow - 0.3,
          tangent,
        );
    }
  }
}
