import type { Point3, Vector3 } from '../../core/geometry.js';
import { pointAlong } from '../../core/geometry.js';
import type { ClipPlane } from '../../physics/phantom/solid.js';
import { rotationAlong } from '../../physics/phantom/solid.js';
import type { PhantomBuilder } from '../phantom-builder.js';
import { PRIORITY } from '../phantom-builder.js';
import { TISSUE, corticalBone, trabecularBone } from '../tissues.js';
import type { SpineShape, VertebraShape } from './spine-shape.js';
import type { SpineLevel } from './spine-levels.js';
import { ALL_SPINE_LEVELS, SACRUM_CODE } from './spine-levels.js';
import { addSacrum } from './sacrum-anatomy.js';
import { CENTRAL_ENDPLATE_SHARE } from './endplate-morphometry.js';
import { PEDICLE_SCREW } from './spinal-fixation.js';
import type { SchmorlNode } from './schmorl-nodes.js';

/** What the spine added to the phantom: which regions are which vertebra, and which are cancellous bone. */
export interface SpineRegions {
  /** Region index -> VerSe code of the vertebra it belongs to (body, posterior elements). */
  readonly vertebraCode: Map<number, number>;
  /** Region index -> VerSe code, for the vertebral body only (shell and cancellous bone). */
  readonly bodyCode: Map<number, number>;
  /** Region index -> VerSe code, for the cancellous (trabecular) bone of vertebral bodies only. */
  readonly cancellousCode: Map<number, number>;
  /** Region index -> HA mg/cm3, for cancellous regions (the QCT truth is their voxel mean). */
  readonly cancellousHaMgPerCm3: Map<number, number>;
  /** Regions holding any spine mineral (for bone-only projections). */
  readonly boneRegions: Set<number>;
  readonly discRegion: number;
  /** The pedicle screws and rods of a posterior fixation, when the spine has one. */
  readonly implantRegion: number | null;
}

/** The mask bit of a level's vertebral body in projections (bit = index in ALL_SPINE_LEVELS). */
export function spineLevelMaskBit(level: SpineLevel): number {
  return 1 << ALL_SPINE_LEVELS.indexOf(level);
}

/**
 * How far a disc reaches into the bodies above and below it, mm: wedged endplates tilt away from
 * a disc's flat ends by up to 2 mm at the rim (the bodies win where they overlap).
 */
const DISC_OVERLAP_MM = 2.5;

/** The intervertebral disc (and a Schmorl node's herniated disc). */
const DISC_MATERIAL = [{ material: 'soft-tissue', gPerCm3: 1.1 }] as const;

/** Depth of the flat posterior wall of a body, as a share of its AP semi-axis. */
const POSTERIOR_WALL = 0.72;

/**
 * Adds the vertebrae (cortical shell, trabecular body with a slightly less dense core, pedicles,
 * laminae, spinous and transverse processes), the discs, the spinal canal and the sacrum to a
 * phantom. `mineralScale` multiplies every spine mineral density (the person's bone density as the
 * lumbar simulator tunes it to a DXA target; 1 builds the shape's own vBMD).
 */
export function addSpine(builder: PhantomBuilder, shape: SpineShape, mineralScale: number): SpineRegions {
  const vertebraCode = new Map<number, number>();
  const cancellousCode = new Map<number, number>();
  const bodyCode = new Map<number, number>();
  const cancellousHa = new Map<number, number>();
  const boneRegions = new Set<number>();
  const disc = builder.region('intervertebral disc', DISC_MATERIAL);
  const canal = builder.region('spinal canal', TISSUE.water);
  for (const v of shape.vertebrae) {
    const trabecularHa = v.trabecularVbmdMgPerCm3 * mineralScale;
    // The core is 8 % less dense than the rim, scaled so the body's mean stays at the shape's vBMD.
    const rimHa = trabecularHa * 1.03;
    const coreHa = trabecularHa * 0.95;
    const cortexHa = bodyCortexHaMgPerCm3(v, mineralScale);
    // Posterior elements: a dense cortical shell round cancellous bone (a solid of their mean density
    // reads dull in a MIP, where the real arches' walls are the brightest bone of the spine).
    const posteriorCortexHa = (700 + 2 * v.trabecularVbmdMgPerCm3) * mineralScale;
    const bit = spineLevelMaskBit(v.level);
    const cortex = builder.region(`${v.level} cortical shell`, corticalBone(cortexHa), bit);
    const rim = builder.region(`${v.level} cancellous bone`, trabecularBone(rimHa, shape.marrowFatFraction), bit);
    const core = builder.region(`${v.level} cancellous core`, trabecularBone(coreHa, shape.marrowFatFraction), bit);
    const posterior = builder.region(`${v.level} posterior elements`, corticalBone(posteriorCortexHa));
    const posteriorCancellous = builder.region(`${v.level} posterior elements' cancellous bone`, trabecularBone(trabecularHa, shape.marrowFatFraction));
    for (const r of [cortex, rim, core, posterior, posteriorCancellous]) {
      vertebraCode.set(r, v.code);
      boneRegions.add(r);
    }
    for (const r of [cortex, rim, core]) bodyCode.set(r, v.code);
    cancellousCode.set(rim, v.code);
    cancellousCode.set(core, v.code);
    cancellousHa.set(rim, rimHa);
    cancellousHa.set(core, coreHa);
    addVertebralBody(builder, v, { cortex, rim, core, disc, canal });
    addPosteriorElements(builder, v, posterior, posteriorCancellous);
    // Disc below this body, and the canal behind body and disc.
    const below = along(v, 0, 0, -v.halfHeightMm - v.discBelowMm / 2);
    builder.add(
      {
        shape: 'tube',
        centerMm: below,
        rotation: rotationAlong(v.axis, [1, 0, 0]),
        semiAxesMm: [v.semiMm[0] * 0.98, v.semiMm[1] * 0.98, v.discBelowMm / 2 + DISC_OVERLAP_MM],
        clipPlanes: [{ normal: [0, 1, 0], offsetMm: POSTERIOR_WALL * v.semiMm[1] }],
      },
      disc,
      PRIORITY.organ,
    );
    const canalCentre = along(v, 0, v.semiMm[1] * POSTERIOR_WALL + 9, -v.discBelowMm / 2);
    builder.add(
      { shape: 'tube', centerMm: canalCentre, rotation: rotationAlong(v.axis, [1, 0, 0]), semiAxesMm: [10.5, 8, v.halfHeightMm + v.discBelowMm / 2 + 0.5] },
      canal,
      PRIORITY.organ,
    );
  }
  for (const o of shape.osteophytes) {
    const v = shape.vertebrae.find((x) => x.level === o.level);
    if (v !== undefined) {
      const spur = builder.region(`${v.level} osteophyte`, corticalBone(700 * mineralScale));
      boneRegions.add(spur);
      vertebraCode.set(spur, v.code);
      const z = (o.endplate === 'superior' ? 1 : -1) * (v.halfHeightMm - 0.3 * o.sizeMm);
      const x = o.side === 'left' ? v.semiMm[0] + 0.3 * o.sizeMm : o.side === 'right' ? -v.semiMm[0] - 0.3 * o.sizeMm : 0;
      const y = o.side === 'anterior' ? -v.semiMm[1] - 0.3 * o.sizeMm : 0;
      builder.add(
        {
          shape: 'ellipsoid',
          centerMm: along(v, x, y, z),
          rotation: rotationAlong(v.axis, [1, 0, 0]),
          semiAxesMm: [o.sizeMm, 0.8 * o.sizeMm, 0.55 * o.sizeMm],
        },
        spur,
        PRIORITY.cortex - 0.5,
      );
    }
  }
  for (const node of shape.schmorlNodes) {
    const v = shape.vertebrae.find((x) => x.level === node.level);
    if (v === undefined) continue;
    const bit = spineLevelMaskBit(v.level);
    // Disc material inside a sclerotic rim: part of the body's outline, not of its cancellous bone (the QCT truth).
    const rim = builder.region(`${v.level} Schmorl node's sclerotic rim`, corticalBone(bodyCortexHaMgPerCm3(v, mineralScale)), bit);
    const herniation = builder.region(`${v.level} Schmorl node (disc material)`, DISC_MATERIAL, bit);
    for (const r of [rim, herniation]) {
      vertebraCode.set(r, v.code);
      bodyCode.set(r, v.code);
    }
    boneRegions.add(rim);
    addSchmorlNode(builder, v, node, rim, herniation);
  }
  const implantRegion = shape.instrumented.length > 0 ? addPosteriorFixation(builder, shape) : null;
  for (const r of addSacrum(builder, shape, mineralScale)) {
    vertebraCode.set(r, SACRUM_CODE);
    boneRegions.add(r);
  }
  // The lumbosacral disc fills the wedge between the lowest mobile vertebra's inferior endplate and the tilted S1 endplate (both bones override it).
  const l5 = shape.vertebrae[shape.vertebrae.length - 1];
  if (l5 !== undefined) {
    const upper = along(l5, 0, 0, -l5.halfHeightMm + 2);
    const lower = pointAlong(shape.sacrumTopMm, shape.sacrumAxis, -4);
    builder.tube(
      upper,
      lower,
      l5.semiMm[0] * 0.98,
      l5.semiMm[1] * 1.05,
      0,
      disc,
      PRIORITY.organ,
      [1, 0, 0],
      [{ normal: [0, 1, 0], offsetMm: l5.centerMm[1] + POSTERIOR_WALL * l5.semiMm[1] - (upper[1] + lower[1]) / 2 }],
    );
  }
  return { vertebraCode, bodyCode, cancellousCode, cancellousHaMgPerCm3: cancellousHa, boneRegions, discRegion: disc, implantRegion };
}

/** A point given in the body's local frame (x left, y posterior, z along the axis), mm. */
export function along(v: VertebraShape, x: number, y: number, z: number): Point3 {
  const r = rotationAlong(v.axis, [1, 0, 0]);
  return [
    v.centerMm[0] + r[0]! * x + r[1]! * y + r[2]! * z,
    v.centerMm[1] + r[3]! * x + r[4]! * y + r[5]! * z,
    v.centerMm[2] + r[6]! * x + r[7]! * y + r[8]! * z,
  ];
}

/** The HA of a body's cortical shell and endplates, mg/cm3 (denser bone, denser cortex). */
function bodyCortexHaMgPerCm3(v: VertebraShape, mineralScale: number): number {
  return (500 + 2.5 * v.trabecularVbmdMgPerCm3) * mineralScale;
}

/** The body's side of its superior (sign 1) or inferior (-1) endplate plane, tilted by half the wedging, for a solid centred on that plane. */
function endplateBodySide(v: VertebraShape, sign: 1 | -1): ClipPlane[] {
  const tw = halfWedgeTangent(v);
  return [{ normal: [0, -tw / Math.hypot(tw, 1), sign / Math.hypot(tw, 1)], offsetMm: 0 }];
}

/** tan of half the body's sagittal wedging: each endplate tilts by half the angle. */
function halfWedgeTangent(v: VertebraShape): number {
  return Math.tan((v.wedgeDeg * Math.PI) / 360);
}

/** Slabs a body is built of along its axis, so that its walls can waist between the endplates. */
const BODY_SLABS = 4;

/**
 * The body's planes in the frame of a solid centred at `offset` (body frame): the flat posterior
 * wall, the endplates tilted by half the sagittal wedging each (z <= h + y tan(w/2) on top, y
 * posterior), and a fracture-like wedge that lowers the anterior top endplate. `inset` moves every
 * plane inwards (the shell's thickness).
 */
function bodyPlanes(v: VertebraShape, inset: number, offset: Vector3): ClipPlane[] {
  const [, b] = v.semiMm;
  const h = v.halfHeightMm;
  const shifted = (normal: Vector3, offsetMm: number): ClipPlane => ({
    normal,
    offsetMm: offsetMm - (normal[0] * offset[0] + normal[1] * offset[1] + normal[2] * offset[2]),
  });
  const tw = halfWedgeTangent(v);
  const n = Math.hypot(tw, 1);
  const planes: ClipPlane[] = [
    shifted([0, 1, 0], POSTERIOR_WALL * b - inset),
    shifted([0, -tw / n, 1 / n], (h - inset) / n),
    shifted([0, -tw / n, -1 / n], (h - inset) / n),
  ];
  if (v.anteriorHeightRatio < 1) {
    // A wedge fracture hinges at the posterior wall: z <= h - k (wall - y), the anterior wall (y = -b)
    // down to anteriorHeightRatio of the height, the posterior wall whole (Genant's wedge).
    const wall = POSTERIOR_WALL * b;
    const k = ((1 - v.anteriorHeightRatio) * 2 * h) / (wall + b);
    const m = Math.hypot(k, 1);
    planes.push(shifted([0, -k / m, 1 / m], (h - inset - k * wall) / m));
  }
  return planes;
}

/**
 * The body's size at height z over its size at the endplates, a parabola from the waist at
 * mid-height to 1 at z = +-h: the width's share, and the AP semi-axis's share that gives the whole
 * AP length (1.72 semi-axes, the posterior wall flat) the same waist.
 */
function waistProfile(v: VertebraShape, z: number): { width: number; ap: number } {
  const width = v.waistShare + (1 - v.waistShare) * (z / v.halfHeightMm) ** 2;
  return { width, ap: 1 - (1 - width) * (1 + POSTERIOR_WALL) };
}

/** The regions a vertebral body is built of, and those of the disc and canal it borders. */
interface BodyRegions {
  cortex: number;
  rim: number;
  core: number;
  disc: number;
  canal: number;
}

/**
 * AP semi-axis of the elliptic cylinder that indents the posterior wall (the canal's front), mm, and
 * its LR semi-axis as a share of the body's: a 2.5 mm indentation spans about the middle 45 % of
 * the body's width, between the pedicles (at 62 %).
 */
const CANAL_FRONT_SEMI_MM = 8;
const CANAL_FRONT_WIDTH_SHARE = 0.6;

function addVertebralBody(builder: PhantomBuilder, v: VertebraShape, regions: BodyRegions): void {
  const { cortex, rim, core, disc } = regions;
  const rotation = rotationAlong(v.axis, [1, 0, 0]);
  const [a, b] = v.semiMm;
  const h = v.halfHeightMm;
  // The tallest wall of a wedged body reaches past +-h; the endplate planes trim each slab.
  const reach = h + Math.abs(halfWedgeTangent(v)) * b + 0.5;
  const t = v.corticalShellMm;
  for (let i = 0; i < BODY_SLABS; i++) {
    const z0 = -reach + (2 * reach * i) / BODY_SLABS;
    const z1 = z0 + (2 * reach) / BODY_SLABS;
    const zc = (z0 + z1) / 2;
    const s0 = waistProfile(v, z0);
    const s1 = waistProfile(v, z1);
    const sx = (s0.width + s1.width) / 2;
    const sy = (s0.ap + s1.ap) / 2;
    const centre = along(v, 0, 0, zc);
    // A truncated elliptic cone: the semi-axes scale by (1 + taper z / c) from one end's size to the other's.
    const taper = (s1.width - s0.width) / (s1.width + s0.width);
    const half = (z1 - z0) / 2 + 0.05;
    builder.add(
      { shape: 'tube', centerMm: centre, rotation, semiAxesMm: [a * sx, b * sy, half], taper, clipPlanes: bodyPlanes(v, 0, [0, 0, zc]) },
      cortex,
      PRIORITY.cortex,
    );
    builder.add(
      {
        shape: 'tube',
        centerMm: centre,
        rotation,
        semiAxesMm: [a * sx - t, b * sy - t, half],
        taper,
        clipPlanes: bodyPlanes(v, Math.max(t, v.endplateMm), [0, 0, zc]),
      },
      rim,
      PRIORITY.marrow,
    );
  }
  builder.add(
    {
      shape: 'ellipsoid',
      centerMm: along(v, 0, -0.1 * b, 0),
      rotation,
      semiAxesMm: [0.6 * a * v.waistShare, 0.55 * b * waistProfile(v, 0).ap, 0.55 * h],
      clipPlanes: bodyPlanes(v, Math.max(t, v.endplateMm) + 1, [0, -0.1 * b, 0]),
    },
    core,
    PRIORITY.marrow + 0.5,
  );
  addPosteriorConcavity(builder, v, regions);
  // Concave endplates: the disc bulges into the central part of each endplate, lined by the
  // endplate's cortex (a wedge-deformed top endplate stays as the deformity left it).
  const concavities: { sign: 1 | -1; depthMm: number }[] = [{ sign: -1, depthMm: v.inferiorConcavityMm }];
  if (v.anteriorHeightRatio >= 1) concavities.push({ sign: 1, depthMm: v.superiorConcavityMm });
  for (const { sign, depthMm } of concavities) {
    const centre = along(v, 0, 0, sign * h);
    // Keep the body's side of the endplate plane, tilted by the wedging like the endplate.
    const bodySide = endplateBodySide(v, sign);
    const [ca, cb] = [CENTRAL_ENDPLATE_SHARE.value * a, CENTRAL_ENDPLATE_SHARE.value * b];
    const e = v.endplateMm;
    builder.add(
      { shape: 'ellipsoid', centerMm: centre, rotation, semiAxesMm: [ca + e, cb + e, depthMm + e], clipPlanes: bodySide },
      cortex,
      ENDPLATE_LINER_PRIORITY,
    );
    builder.add({ shape: 'ellipsoid', centerMm: centre, rotation, semiAxesMm: [ca, cb, depthMm], clipPlanes: bodySide }, disc, ENDPLATE_DOME_PRIORITY);
  }
}

/**
 * The kidney shape: the canal's front, an elliptic cylinder along the body's axis, sunk
 * `posteriorConcavityMm` into the posterior wall at the midline, lined by the body's cortex; both
 * stay inside the body (its posterior wall and endplate planes), so the pedicles and canal are
 * untouched.
 */
function addPosteriorConcavity(builder: PhantomBuilder, v: VertebraShape, regions: BodyRegions): void {
  const depth = v.posteriorConcavityMm;
  if (depth < 0.2) return;
  const rotation = rotationAlong(v.axis, [1, 0, 0]);
  const reach = v.halfHeightMm + Math.abs(halfWedgeTangent(v)) * v.semiMm[1] + 0.5;
  const y = POSTERIOR_WALL * v.semiMm[1] + CANAL_FRONT_SEMI_MM - depth;
  const width = CANAL_FRONT_WIDTH_SHARE * v.semiMm[0];
  const planes = bodyPlanes(v, 0, [0, y, 0]);
  const t = v.corticalShellMm;
  builder.add(
    { shape: 'tube', centerMm: along(v, 0, y, 0), rotation, semiAxesMm: [width + t, CANAL_FRONT_SEMI_MM + t, reach], clipPlanes: planes },
    regions.cortex,
    POSTERIOR_LINER_PRIORITY,
  );
  builder.add(
    { shape: 'tube', centerMm: along(v, 0, y, 0), rotation, semiAxesMm: [width, CANAL_FRONT_SEMI_MM, reach], clipPlanes: planes },
    regions.canal,
    POSTERIOR_CONCAVITY_PRIORITY,
  );
}

/** The posterior concavity's liner overrides the marrow; the canal's front overrides everything in the body. */
const POSTERIOR_LINER_PRIORITY = PRIORITY.marrow + 0.6;
const POSTERIOR_CONCAVITY_PRIORITY = PRIORITY.marrow + 0.95;

/** The concave endplate's cortical liner and the disc inside it override the body's marrow. */
const ENDPLATE_LINER_PRIORITY = PRIORITY.marrow + 0.7;
const ENDPLATE_DOME_PRIORITY = PRIORITY.marrow + 0.8;
/** A Schmorl node's rim lies under the endplate's dome (no bone in the disc's concavity); the herniated disc breaks through everything. */
const SCHMORL_RIM_PRIORITY = PRIORITY.marrow + 0.75;
const SCHMORL_NODE_PRIORITY = PRIORITY.marrow + 0.9;

/**
 * A Schmorl node: a half-ellipsoid of disc material sunk from the endplate's plane into the body
 * (its width at the endplate, its depth along the axis), inside a rim of sclerotic bone.
 */
function addSchmorlNode(builder: PhantomBuilder, v: VertebraShape, node: SchmorlNode, rim: number, herniation: number): void {
  const rotation = rotationAlong(v.axis, [1, 0, 0]);
  const sign = node.endplate === 'superior' ? 1 : -1;
  const x = node.offsetShare[0] * v.semiMm[0];
  const y = node.offsetShare[1] * v.semiMm[1];
  // The endplate's plane at (x, y), tilted by half the wedging: z = sign (h + y tan(w / 2)).
  const tw = halfWedgeTangent(v);
  const centre = along(v, x, y, sign * (v.halfHeightMm + y * tw));
  const bodySide = endplateBodySide(v, sign);
  const radius = node.widthMm / 2;
  builder.add(
    { shape: 'ellipsoid', centerMm: centre, rotation, semiAxesMm: [radius + node.rimMm, radius + node.rimMm, node.depthMm + node.rimMm], clipPlanes: bodySide },
    rim,
    SCHMORL_RIM_PRIORITY,
  );
  builder.add(
    { shape: 'ellipsoid', centerMm: centre, rotation, semiAxesMm: [radius, radius, node.depthMm], clipPlanes: bodySide },
    herniation,
    SCHMORL_NODE_PRIORITY,
  );
}

/** Length of a pedicle from the body's posterior wall, mm. */
function pedicleLengthMm(v: VertebraShape): number {
  return v.level.startsWith('L') ? 18 : 14;
}

/** The back end of a pedicle in the body's frame (side +1 left, -1 right): where a pedicle screw enters. */
function pedicleEntry(v: VertebraShape, side: number): Point3 {
  return [side * 0.62 * v.semiMm[0], POSTERIOR_WALL * v.semiMm[1] + pedicleLengthMm(v), 0.15 * v.halfHeightMm];
}

/**
 * Bilateral pedicle screws in each instrumented level (through the pedicle, converging medially into
 * the body's front half), their heads, and a rod down each side joining the heads. Steel at the
 * implant priority, so it replaces the bone it passes through.
 */
function addPosteriorFixation(builder: PhantomBuilder, shape: SpineShape): number {
  const steel = builder.region('pedicle screws and rods (steel)', [{ material: 'steel', gPerCm3: 7.9 }]);
  const levels = shape.vertebrae.filter((v) => shape.instrumented.includes(v.level));
  const angle = (PEDICLE_SCREW.medialConvergenceDeg * Math.PI) / 180;
  for (const side of [-1, 1]) {
    const heads: Point3[] = [];
    for (const v of levels) {
      const [x, y, z] = pedicleEntry(v, side);
      const tip: Point3 = [x - side * PEDICLE_SCREW.lengthMm * Math.sin(angle), y - PEDICLE_SCREW.lengthMm * Math.cos(angle), z];
      builder.tube(along(v, x, y, z), along(v, ...tip), PEDICLE_SCREW.radiusMm, PEDICLE_SCREW.radiusMm, 0, steel, PRIORITY.implant, [0, 0, 1]);
      const head = along(v, x, y + 0.6 * PEDICLE_SCREW.headRadiusMm, z);
      const r = PEDICLE_SCREW.headRadiusMm;
      builder.ellipsoid(head, [r, r, r], steel, PRIORITY.implant);
      heads.push(head);
    }
    for (let i = 1; i < heads.length; i++)
      builder.tube(heads[i - 1]!, heads[i]!, PEDICLE_SCREW.rodRadiusMm, PEDICLE_SCREW.rodRadiusMm, 0, steel, PRIORITY.implant, [1, 0, 0]);
  }
  return steel;
}

/**
 * Cortical wall of the posterior elements, mm (assumed: pedicle and laminar walls are 1-2 mm thick,
 * the lateral pedicle wall the thinner).
 */
const POSTERIOR_CORTEX_MM = 1.2;

/**
 * The arch's cancellous bone lies under the cortex's priority of the body (so it never takes the
 * body's own cancellous voxels, the QCT truth) but over the arch's cortex, so where two of its tubes
 * meet their interiors join.
 */
const ARCH_CANCELLOUS_PRIORITY = PRIORITY.cortex + 0.5;

/** Pedicles, laminae, spinous process and transverse processes, as tubes of cancellous bone in a cortical wall. */
function addPosteriorElements(builder: PhantomBuilder, v: VertebraShape, region: number, cancellous: number): void {
  const [a, b] = v.semiMm;
  const lumbar = v.level.startsWith('L');
  const back = POSTERIOR_WALL * b;
  const pedicleLength = pedicleLengthMm(v);
  const spinousLength = lumbar ? 30 : 36;
  const transverseReach = lumbar ? (v.level === 'L3' ? 38 : 30) : 24;
  const z = 0.15 * v.halfHeightMm;
  const tube = (p: Point3, q: Point3, semiA: number, semiB: number, hint: Vector3 = [0, 0, 1]): void => {
    builder.tube(along(v, ...p), along(v, ...q), semiA, semiB, 0, region, PRIORITY.cortex, hint);
    const [ia, ib] = [semiA - POSTERIOR_CORTEX_MM, semiB - POSTERIOR_CORTEX_MM];
    const length = Math.hypot(q[0] - p[0], q[1] - p[1], q[2] - p[2]);
    if (ia < 0.5 || ib < 0.5 || length < 4 * POSTERIOR_CORTEX_MM) return;
    // The interior stops a wall's thickness short of each end, so the tube's ends are capped too.
    const inset = (from: Point3, to: Point3): Point3 => [0, 1, 2].map((a) => from[a]! + ((to[a]! - from[a]!) * POSTERIOR_CORTEX_MM) / length) as Point3;
    builder.tube(along(v, ...inset(p, q)), along(v, ...inset(q, p)), ia, ib, 0, cancellous, ARCH_CANCELLOUS_PRIORITY, hint);
  };
  for (const side of [-1, 1]) {
    const root: Point3 = [side * 0.62 * a, back - 2, z];
    const end: Point3 = [side * 0.62 * a, back + pedicleLength, z];
    tube(root, end, 6.5, 4 + 0.05 * a);
    tube(end, [0, back + pedicleLength + 9, z - 2], 7, 3.2);
    const tip: Point3 = [side * (0.62 * a + transverseReach), back + pedicleLength + (lumbar ? 2 : 8), z];
    tube(end, tip, lumbar ? 5.5 : 5, lumbar ? 3.5 : 4);
  }
  const root: Point3 = [0, back + pedicleLength + 9, z - 2];
  tube(root, [0, back + pedicleLength + 9 + spinousLength, z - (lumbar ? 8 : 26)], 3, lumbar ? 9 : 6, [1, 0, 0]);
}
