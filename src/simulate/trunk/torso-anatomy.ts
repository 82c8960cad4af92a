import type { Point3 } from '../../core/geometry.js';
import type { SeededRandom } from '../../core/seeded-random.js';
import type { Composition } from '../../physics/composition.js';
import { dissolved, mineralised } from '../../physics/composition.js';
import type { DigitalPhantom } from '../../physics/phantom/digital-phantom.js';
import { PhantomBuilder, PRIORITY } from '../phantom-builder.js';
import type { SimulatedPerson } from '../person.js';
import { TISSUE, calcification, corticalBone, infiltratedMuscle, trabecularBone } from '../tissues.js';
import type { SpineRegions } from '../spine/spine-anatomy.js';
import { addSpine, along } from '../spine/spine-anatomy.js';
import type { SpineShape, VertebraShape } from '../spine/spine-shape.js';
import { ribArcsDeg } from '../spine/spine-shape.js';
import { TISSUE_CLASS } from './tissue-class.js';
import type { HipRegions } from '../hip/hip-anatomy.js';
import { addHips } from '../hip/hip-anatomy.js';
import { addIliacWings } from './iliac-wings.js';
import { ribCourse } from './rib-course.js';
import type { ArmsDown } from './arms-down.js';
import { addArmsDown } from './arms-down.js';
import type { IvContrast } from './iv-contrast.js';
import type { OralContrast } from './oral-contrast.js';
import { oralIodinePart } from './oral-contrast.js';
import { PORTAL_VENOUS_SHARE, iodinePart } from './iv-contrast.js';
import type { HipShape, PoseAngles } from '../hip/hip-shape.js';

/** A calibration phantom under the patient (DESIGN.md "ct-rods"). */
export interface RodPhantomOptions {
  material: 'HA' | 'K2HPO4';
  rodsMgPerCm3: number[];
  rodDiameterMm: number;
}

export interface TorsoAnatomy {
  readonly phantom: DigitalPhantom;
  readonly spine: SpineRegions;
  /** Region index -> TISSUE_CLASS value. */
  readonly tissueClass: Map<number, number>;
  /** Outer body ellipse (LR and AP semi-axes, centre y) and the back, mm. */
  readonly body: { semiMm: [number, number]; centerYMm: number; backYMm: number; subcutaneousFatMm: number };
  /** Rod centres (x, y) in mm with their concentrations, when a phantom is present. */
  readonly rods: { centerMm: [number, number]; mgPerCm3: number }[];
  readonly aorticCalcifications: number;
  readonly bowelGasPockets: number;
  readonly hip?: HipRegions;
}

/**
 * The trunk of a supine adult around the thoracolumbar spine, for chest/abdomen CT: subcutaneous
 * fat (thicker with BMI, thicker in women), the muscle wall and paraspinal muscles, psoas, visceral
 * soft tissue with visceral fat, liver, spleen, kidneys in perirenal fat, stomach, bowel gas, lung
 * bases above an oblique diaphragm, heart, aorta (wider and calcified with age) and IVC, ribs
 * T6-T12 (T11 and T12 short, floating), the spine, the table, and optionally a rod phantom.
 */
export interface TorsoOptions {
  /** A rod phantom between patient and table (CT). */
  rodPhantom?: RodPhantomOptions;
  /** Multiplies the spine's mineral (the lumbar simulator tunes it to the DXA target). */
  spineMineralScale?: number;
  /** Pelvis, femurs and thighs in a pose, the femurs' mineral scaled (hip simulator). */
  hip?: { shape: HipShape; pose: PoseAngles; femurScale: number; prosthesis?: 'L' | 'R' };
  /** Intravenous contrast (portal-venous phase), or none. */
  ivContrast?: IvContrast;
  /** The arms down beside the trunk (else raised out of the field). */
  armsDown?: ArmsDown;
  /** Positive oral contrast in the stomach and bowel loops, placed by a random stream of its own; or none. */
  oralContrast?: { contrast: OralContrast; random: SeededRandom };
}

/** The least depth of tissue between the lumbar bodies' anterior wall and bowel gas, mm (an aorta's width, 15-25 mm). */
const PREVERTEBRAL_SPACE_MM = 15;

/** Costal cartilage: hyaline cartilage, about 1.1 g/cm3 and soft-tissue-like (as the simulator's discs). */
const COSTAL_CARTILAGE: Composition = [{ material: 'soft-tissue', gPerCm3: 1.1 }];

/**
 * The fat share of the trunk's muscle (see infiltratedMuscle): none in young men, whose paraspinal
 * muscle reads as ICRU-44 muscle; about 5 % in young women (11 HU lower, Lee et al. 2020); rising by
 * 0.15 % a year of age after 35 (about 0.2 HU a year, Jung et al. 2021), so that the muscle of an
 * 80-year-old reads 25-35 HU (Anderson et al. 2013).
 */
export function muscleFatFraction(person: SimulatedPerson): number {
  return (person.sex === 'F' ? 0.05 : 0) + 0.0015 * Math.max(0, person.ageYears - 35);
}

export function buildTorsoAnatomy(
  person: SimulatedPerson,
  spine: SpineShape,
  zRangeMm: [number, number],
  options: TorsoOptions,
  random: SeededRandom,
): TorsoAnatomy {
  const rodPhantom = options.rodPhantom;
  const builder = new PhantomBuilder();
  const tissueClass = new Map<number, number>();
  const region = (name: string, composition: Composition, cls: number): number => {
    const r = builder.region(name, composition);
    tissueClass.set(r, cls);
    return r;
  };
  const female = person.sex === 'F';
  const bmi = person.bmi;
  const muscle = infiltratedMuscle(muscleFatFraction(person));
  const fatMm = Math.max(4, (2 + 1.3 * (bmi - 18) * (female ? 1.4 : 0.9)) * (1 + 0.15 * random.nextNormal()));
  const b = Math.max(80, (108 + 4 * (bmi - 24) + (female ? -5 : 5)) * (1 + 0.05 * random.nextNormal()));
  const a = b * (1.34 + 0.1 * random.nextFloat());
  const l1 = spine.vertebrae.find((v) => v.level === 'L1')!;
  const backY = l1.centerMm[1] + 0.72 * l1.semiMm[1] + 58 + fatMm;
  const cy = backY - 0.93 * b;
  const zMid = (zRangeMm[0] + zRangeMm[1]) / 2;
  const halfZ = (zRangeMm[1] - zRangeMm[0]) / 2 + 60;
  const trunk = (inset: number, cls: number, name: string, composition: Composition, priority: number, clipY?: number): void => {
    builder.add(
      {
        shape: 'tube',
        centerMm: [0, cy, zMid],
        rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        semiAxesMm: [a - inset, b - inset, halfZ],
        clipPlanes: clipY === undefined ? [{ normal: [0, 1, 0], offsetMm: 0.93 * b - inset }] : [{ normal: [0, 1, 0], offsetMm: clipY - cy }],
      },
      region(name, composition, cls),
      priority,
    );
  };
  trunk(0, TISSUE_CLASS.subcutaneousFat, 'subcutaneous fat', TISSUE.fat, PRIORITY.body);
  trunk(fatMm, TISSUE_CLASS.muscle, 'muscle', muscle, PRIORITY.body + 0.5);
  // The visceral cavity ends in front of the spinal canal; behind it the muscle layer is the paraspinal muscle.
  const visceralFat = Math.min(0.45, Math.max(0.05, 0.12 + 0.02 * (bmi - 24) + (female ? -0.03 : 0.05) + 0.04 * random.nextNormal()));
  const viscera: Composition = [
    { material: 'soft-tissue', gPerCm3: 1.04 * (1 - visceralFat) },
    { material: 'adipose', gPerCm3: 0.93 * visceralFat },
  ];
  trunk(fatMm + 11, TISSUE_CLASS.softTissue, 'viscera', viscera, PRIORITY.fat, l1.centerMm[1] + 0.72 * l1.semiMm[1] + 4);
  const zTop = zRangeMm[1] + 60;
  const zBottom = zRangeMm[0] - 60;
  const spineRegions = addSpine(builder, spine, options.spineMineralScale ?? 1);
  for (const r of spineRegions.vertebraCode.keys())
    tissueClass.set(r, spineRegions.cancellousCode.has(r) ? TISSUE_CLASS.cancellousBone : TISSUE_CLASS.corticalBone);
  tissueClass.set(spineRegions.discRegion, TISSUE_CLASS.discOrCanal);
  if (spineRegions.implantRegion !== null) tissueClass.set(spineRegions.implantRegion, TISSUE_CLASS.implant);
  tissueClass.set(builder.region('spinal canal', TISSUE.water), TISSUE_CLASS.discOrCanal);
  const level = (name: string): VertebraShape => spine.vertebrae.find((v) => v.level === name)!;
  const [t8, t10, t11, t12, l2] = ['T8', 'T10', 'T11', 'T12', 'L2'].map(level) as [VertebraShape, VertebraShape, VertebraShape, VertebraShape, VertebraShape];
  // The lowest mobile vertebra (L4, L5 or L6 by the segmentation variant).
  const lowest = spine.vertebrae[spine.vertebrae.length - 1]!;

  // Psoas: from T12/L1 to below L5, widening caudally.
  const psoas = region('psoas', muscle, TISSUE_CLASS.muscle);
  for (const side of [-1, 1]) {
    const top: Point3 = [side * (l1.semiMm[0] + 6), l1.centerMm[1] + 4, l1.centerMm[2] + 10];
    const bottom: Point3 = [side * (lowest.semiMm[0] + 20), lowest.centerMm[1] + 2, lowest.centerMm[2] - 50];
    builder.tube(top, bottom, 15, 13, 0.6, psoas, PRIORITY.muscle);
  }
  // Aorta (left anterior of the bodies) down to L4, IVC (right).
  const blood = region('blood', TISSUE.blood, TISSUE_CLASS.blood);
  const aortaRadius = Math.max(8, 9 + 0.05 * (person.ageYears - 40) + (female ? -1 : 0.5) + 1.2 * random.nextNormal());
  const aortaAt = (v: VertebraShape): Point3 => [v.centerMm[0] + 0.55 * v.semiMm[0], v.centerMm[1] - v.semiMm[1] - aortaRadius - 2, v.centerMm[2]];
  const l4 = level('L4');
  const aortaPoints: Point3[] = [[aortaAt(t8)[0], aortaAt(t8)[1] + 8, zTop], ...[t10, t12, l2, l4].map((v) => aortaAt(v))];
  for (let i = 0; i + 1 < aortaPoints.length; i++) builder.tube(aortaPoints[i]!, aortaPoints[i + 1]!, aortaRadius, aortaRadius, 0, blood, PRIORITY.organ + 0.2);
  for (let i = 1; i + 1 < aortaPoints.length; i++) builder.ellipsoid(aortaPoints[i]!, [aortaRadius, aortaRadius, aortaRadius], blood, PRIORITY.organ + 0.2);
  const ivcAt = (v: VertebraShape): Point3 => [v.centerMm[0] - 0.6 * v.semiMm[0] - 12, v.centerMm[1] - v.semiMm[1] - 12, v.centerMm[2]];
  builder.tube([ivcAt(t10)[0], ivcAt(t10)[1] - 10, zTop], ivcAt(lowest), 12, 8, 0, blood, PRIORITY.organ + 0.2);
  // Calcified plaques in the abdominal aorta, more with age.
  const plaque = region('aortic calcification', calcification(800), TISSUE_CLASS.calcification);
  const plaqueCount = poisson(random, Math.max(0, (person.ageYears - 45) / 6));
  for (let i = 0; i < plaqueCount; i++) {
    const t = random.nextFloat();
    const from = aortaAt(t12);
    const to = aortaAt(l4);
    const angle = 2 * Math.PI * random.nextFloat();
    const c: Point3 = [
      from[0] + t * (to[0] - from[0]) + aortaRadius * Math.cos(angle),
      from[1] + t * (to[1] - from[1]) + aortaRadius * Math.sin(angle),
      from[2] + t * (to[2] - from[2]),
    ];
    builder.ellipsoid(c, [1 + 2 * random.nextFloat(), 1 + 2 * random.nextFloat(), 3 + 8 * random.nextFloat()], plaque, PRIORITY.organ + 0.5);
  }
  // Kidneys in perirenal fat (left higher), liver and spleen under the diaphragm, stomach.
  const organ = region('organ', [{ material: 'soft-tissue', gPerCm3: 1.055 }], TISSUE_CLASS.softTissue);
  const fat = region('visceral fat', TISSUE.fat, TISSUE_CLASS.visceralFat);
  const kidney = region('kidney', [{ material: 'soft-tissue', gPerCm3: 1.055 }], TISSUE_CLASS.softTissue);
  const liver = region('liver', [{ material: 'soft-tissue', gPerCm3: 1.055 }], TISSUE_CLASS.softTissue);
  const spleen = region('spleen', [{ material: 'soft-tissue', gPerCm3: 1.055 }], TISSUE_CLASS.softTissue);
  for (const side of [-1, 1]) {
    const kz = (side > 0 ? l1.centerMm[2] : l2.centerMm[2]) + 5 * random.nextNormal();
    const centre: Point3 = [side * (l1.semiMm[0] + 52), l1.centerMm[1] + 12, kz];
    builder.ellipsoid(centre, [36 + 10 * visceralFat, 34 + 10 * visceralFat, 66], fat, PRIORITY.muscle + 0.5, [0.15 * side, -0.1, 1]);
    builder.ellipsoid(centre, [26, 24, 55], kidney, PRIORITY.organ, [0.15 * side, -0.1, 1]);
  }
  builder.ellipsoid([-0.45 * a, cy - 0.05 * b, t11.centerMm[2] + 10], [0.5 * a, 0.75 * b, 95], liver, PRIORITY.muscle + 0.2);
  builder.ellipsoid([0.6 * a, cy + 0.35 * b, t11.centerMm[2]], [0.22 * a, 0.35 * b, 55], spleen, PRIORITY.muscle + 0.3);
  const gas = region('gas', TISSUE.gas, TISSUE_CLASS.gas);
  const stomach: Point3 = [0.35 * a, cy - 0.45 * b, t12.centerMm[2]];
  builder.ellipsoid(stomach, [0.3 * a, 0.3 * b, 50], organ, PRIORITY.organ - 0.1);
  builder.ellipsoid([stomach[0], stomach[1] - 0.12 * b, stomach[2] + 5], [0.22 * a, 0.14 * b, 35], gas, PRIORITY.gas);
  // Bowel gas pockets in the anterior abdomen between L1 and L5, kept in front of the prevertebral
  // space: the aorta and IVC lie on the lumbar bodies, and the bowel nearest the spine (the third
  // part of the duodenum) crosses in front of them at L3 (Gray's Anatomy, 42nd ed.).
  const pockets = 2 + random.nextInt(8);
  const anteriorWallY = Math.min(...spine.vertebrae.filter((v) => v.level.startsWith('L')).map((v) => v.centerMm[1] - v.semiMm[1]));
  for (let i = 0; i < pockets; i++) {
    const centre: Point3 = [
      (random.nextFloat() * 2 - 1) * 0.6 * a,
      cy - b * (0.1 + 0.6 * random.nextFloat()),
      lowest.centerMm[2] + random.nextFloat() * (l1.centerMm[2] - lowest.centerMm[2]),
    ];
    const semi: Point3 = [6 + 22 * random.nextFloat(), 5 + 14 * random.nextFloat(), 6 + 25 * random.nextFloat()];
    centre[1] = Math.min(centre[1], anteriorWallY - PREVERTEBRAL_SPACE_MM - semi[1]);
    builder.ellipsoid(centre, semi, gas, PRIORITY.gas);
  }
  if (options.oralContrast !== undefined) {
    // Opacified fluid in the stomach's dependent (posterior) part, under its gas, and loops of bowel
    // in the anterior abdomen, clear of the prevertebral space as the gas is.
    const { contrast, random: loopRandom } = options.oralContrast;
    const bowel = region('opacified bowel (oral contrast)', [...TISSUE.water, oralIodinePart(contrast)], TISSUE_CLASS.softTissue);
    builder.ellipsoid([stomach[0], stomach[1] + 0.1 * b, stomach[2]], [0.26 * a, 0.16 * b, 38], bowel, PRIORITY.gas + 0.1);
    for (let i = 0; i < contrast.loops; i++) {
      const radius = 8 + 6 * loopRandom.nextFloat();
      const halfLength = 15 + 25 * loopRandom.nextFloat();
      const angle = Math.PI * loopRandom.nextFloat();
      const centre: Point3 = [
        (loopRandom.nextFloat() * 2 - 1) * 0.55 * a,
        cy - b * (0.1 + 0.6 * loopRandom.nextFloat()),
        lowest.centerMm[2] + loopRandom.nextFloat() * (l1.centerMm[2] - lowest.centerMm[2]),
      ];
      centre[1] = Math.min(centre[1], anteriorWallY - PREVERTEBRAL_SPACE_MM - radius);
      const d: Point3 = [halfLength * Math.cos(angle), 0, halfLength * Math.sin(angle)];
      builder.tube(
        [centre[0] - d[0], centre[1], centre[2] - d[2]],
        [centre[0] + d[0], centre[1], centre[2] + d[2]],
        radius,
        radius,
        0,
        bowel,
        PRIORITY.gas + 0.1,
        [0, 1, 0],
      );
    }
  }
  // Lungs above an oblique diaphragm (higher in front), and the heart between them.
  const lung = region('lung', TISSUE.lung, TISSUE_CLASS.lung);
  const domeZ = t10.centerMm[2] + 10 * random.nextNormal();
  for (const side of [-1, 1]) {
    const semi: [number, number, number] = [0.36 * a, 0.72 * b, (zTop - zBottom) / 2];
    const centre: Point3 = [side * 0.47 * a, cy + 0.1 * b, (zTop + domeZ - 80) / 2 + (zTop - zBottom) / 4];
    // Keep z >= domeZ - 0.45 (y - cy): in the tube's frame, -0.45 y' - z' <= -(domeZ - centre z) + 0.45 (cy - centre y).
    const k = 0.45;
    const n = Math.hypot(k, 1);
    builder.add(
      {
        shape: 'tube',
        centerMm: centre,
        rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1],
        semiAxesMm: semi,
        clipPlanes: [{ normal: [0, k / n, -1 / n], offsetMm: (centre[2] - domeZ - k * (centre[1] - cy)) / n }],
      },
      lung,
      PRIORITY.organ + 0.4,
    );
  }
  builder.ellipsoid([0.12 * a, cy - 0.4 * b, t8.centerMm[2]], [0.42 * a, 0.45 * b, 65], blood, PRIORITY.organ + 0.6);
  // Ribs T6-T12: a chain of tubes from the transverse process round the body wall, falling as the
  // costal margin's surface anatomy says (rib-course.ts), ribs 6-10 ending in costal cartilage.
  const ribCortex = region('rib cortex', corticalBone(900), TISSUE_CLASS.corticalBone);
  const ribMarrow = region('rib marrow', trabecularBone(Math.max(60, l1.trabecularVbmdMgPerCm3), spine.marrowFatFraction), TISSUE_CLASS.cancellousBone);
  const costalCartilage = region('costal cartilage', COSTAL_CARTILAGE, TISSUE_CLASS.softTissue);
  const ra = a - fatMm - 16;
  const rb = b - fatMm - 16;
  const ribArcs = ribArcsDeg(spine.variant);
  // The rib leaves the transverse process's tip; the angle round the body wall is counted from the back.
  const ribStart = (v: VertebraShape, side: number): Point3 => along(v, side * (0.62 * v.semiMm[0] + 22), 0.72 * v.semiMm[1] + 20, 0.3 * v.halfHeightMm);
  const startDeg = (p: Point3): number => (Math.asin(Math.min(0.95, Math.abs(p[0]) / ra)) * 180) / Math.PI;
  const course = ribCourse({
    person,
    spine,
    arcDeg: ribArcs,
    startOf: (name) => {
      const p = ribStart(level(name), 1);
      return { zMm: p[2], deg: startDeg(p) };
    },
  });
  for (const v of spine.vertebrae) {
    const arc = ribArcs[v.level];
    if (arc === undefined) continue;
    for (const side of [-1, 1]) {
      // The head at the body's posterolateral margin near its upper endplate, where the costal facets
      // of T10-T12 lie (Gray's Anatomy, 42nd ed., ch. on the thoracic vertebrae), touching the body's
      // cortex; the neck out to the transverse process's tip; then round the body wall.
      const head = along(v, side * (v.semiMm[0] + 6), 0.5 * v.semiMm[1], 0.45 * v.halfHeightMm);
      const start = ribStart(v, side);
      const deg0 = startDeg(start);
      const points: { p: Point3; deg: number }[] = [
        { p: head, deg: deg0 },
        { p: start, deg: deg0 },
      ];
      const angles: number[] = [];
      for (let deg = deg0 + 12; deg < arc; deg += 18) angles.push(deg);
      if (arc > deg0 + 6) angles.push(arc);
      for (const deg of angles) {
        const t = (deg * Math.PI) / 180;
        points.push({ p: [side * ra * Math.sin(t), cy + rb * Math.cos(t), start[2] - course.dropMm(v.level, deg)], deg });
      }
      for (let i = 0; i + 1 < points.length; i++) {
        const p = points[i]!.p;
        const q = points[i + 1]!.p;
        const d = [q[0] - p[0], q[1] - p[1], q[2] - p[2]];
        const len = Math.hypot(d[0]!, d[1]!, d[2]!);
        const e = 1.5 / len;
        const p2: Point3 = [p[0] - e * d[0]!, p[1] - e * d[1]!, p[2] - e * d[2]!];
        const q2: Point3 = [q[0] + e * d[0]!, q[1] + e * d[1]!, q[2] + e * d[2]!];
        if (course.isCartilage(v.level, (points[i]!.deg + points[i + 1]!.deg) / 2)) {
          builder.tube(p2, q2, 5, 3, 0, costalCartilage, PRIORITY.cortex, [0, 0, 1]);
        } else {
          // A cortex about 1 mm thick round the marrow (assumed; a solid-looking rib outshines the spine in a MIP).
          builder.tube(p2, q2, 6, 3.5, 0, ribCortex, PRIORITY.cortex, [0, 0, 1]);
          builder.tube(p2, q2, 5, 2.5, 0, ribMarrow, PRIORITY.marrow, [0, 0, 1]);
        }
      }
    }
  }
  addIliacWings(builder, region, spine, spine.marrowFatFraction);
  if (options.armsDown !== undefined)
    addArmsDown(builder, region, person, spine, { arms: options.armsDown, trunkSemiXMm: a, trunkCentreYMm: cy, fatMm, muscle });
  if (options.ivContrast !== undefined) {
    const c = options.ivContrast;
    const share = PORTAL_VENOUS_SHARE;
    builder.addToComposition(blood, iodinePart(c, 1));
    builder.addToComposition(kidney, iodinePart(c, share.kidney));
    builder.addToComposition(liver, iodinePart(c, share.liver));
    builder.addToComposition(spleen, iodinePart(c, share.spleen));
    for (const name of ['muscle', 'psoas', ...(options.armsDown === undefined ? [] : ['arm muscle'])])
      builder.addToComposition(region(name, muscle, TISSUE_CLASS.muscle), iodinePart(c, share.muscle));
    for (const r of spineRegions.cancellousCode.keys()) builder.addToComposition(r, iodinePart(c, share.marrow));
  }
  const hip =
    options.hip === undefined
      ? undefined
      : addHips(builder, region, options.hip.shape, options.hip.pose, options.hip.femurScale, fatMm, options.hip.prosthesis);
  // Table, and the calibration phantom between patient and table.
  const rods: TorsoAnatomy['rods'] = [];
  let tableTop = backY + 1;
  if (rodPhantom !== undefined) {
    const height = Math.max(30, rodPhantom.rodDiameterMm + 14);
    const width = Math.max(300, rodPhantom.rodsMgPerCm3.length * (rodPhantom.rodDiameterMm + 22) + 40);
    const centreY = backY + 1 + height / 2;
    builder.add(
      { shape: 'box', centerMm: [0, centreY, zMid], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], semiAxesMm: [width / 2, height / 2, halfZ] },
      region('phantom body', TISSUE.water, TISSUE_CLASS.phantomBody),
      PRIORITY.phantom - 0.5,
    );
    const pitch = rodPhantom.rodDiameterMm + 22;
    const first = -((rodPhantom.rodsMgPerCm3.length - 1) * pitch) / 2;
    rodPhantom.rodsMgPerCm3.forEach((mg, i) => {
      const composition = rodPhantom.material === 'HA' ? mineralised(TISSUE.water, mg) : dissolved(TISSUE.water, 'k2hpo4', mg, 2440);
      const x = first + i * pitch;
      const r = rodPhantom.rodDiameterMm / 2;
      builder.add(
        { shape: 'tube', centerMm: [x, centreY, zMid], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], semiAxesMm: [r, r, halfZ] },
        region(`rod ${i + 1} (${mg} mg/cm3 ${rodPhantom.material})`, composition, TISSUE_CLASS.phantomRod),
        PRIORITY.phantom,
      );
      rods.push({ centerMm: [x, centreY], mgPerCm3: mg });
    });
    tableTop = backY + 1 + height + 1;
  }
  builder.add(
    { shape: 'box', centerMm: [0, tableTop + 9, zMid], rotation: [1, 0, 0, 0, 1, 0, 0, 0, 1], semiAxesMm: [230, 9, halfZ] },
    region('table', [{ material: 'pmma', gPerCm3: 0.35 }], TISSUE_CLASS.table),
    PRIORITY.phantom - 1,
  );
  return {
    phantom: builder.build(),
    spine: spineRegions,
    tissueClass,
    body: { semiMm: [a, b], centerYMm: cy, backYMm: backY, subcutaneousFatMm: fatMm },
    rods,
    aorticCalcifications: plaqueCount,
    bowelGasPockets: pockets,
    ...(hip === undefined ? {} : { hip }),
  };
}

function poisson(random: SeededRandom, lambda: number): number {
  const limit = Math.exp(-lambda);
  let k = 0;
  let p = random.nextFloat();
  while (p > limit && k < 50) {
    k++;
    p *= random.nextFloat();
  }
  return k;
}
