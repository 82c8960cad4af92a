import type { Point3, Vector3 } from '../../core/geometry.js';
import { SeededRandom, seedFromText } from '../../core/seeded-random.js';
import type { SimulatedPerson } from '../person.js';
import {
  AURICULAR_HEIGHT_MM,
  ILIAC_CREST_ABOVE_SACRAL_BASE_MM,
  INTERAURICULAR_DISTANCE_MM,
  S1_BODY_WIDTH_MM,
  SACRAL_HEIGHT_MM,
  SACRAL_SLOPE_DEG,
  drawMeasure,
} from './sacropelvic-morphometry.js';
import type { PublishedMeasure } from './sacropelvic-morphometry.js';
import type { SegmentationVariant } from './segmentation-variants.js';
import { INFERIOR_ENDPLATE_CONCAVITY_MM, SUPERIOR_ENDPLATE_CONCAVITY_MM } from './endplate-morphometry.js';
import { WAIST_SHARE, drawPosteriorConcavityMm, drawWedgingDeg } from './vertebral-body-morphometry.js';
import { drawFixedLevels } from './spinal-fixation.js';
import type { SchmorlNode } from './schmorl-nodes.js';
import { drawSchmorlNodes } from './schmorl-nodes.js';
import type { VertebralFracture } from './vertebral-fracture.js';
import { drawVertebralFracture, fracturedBodyShape } from './vertebral-fracture.js';
import type { SpineLevel } from './spine-levels.js';
import { ALL_SPINE_LEVELS, SPINE_LEVELS, verseCode } from './spine-levels.js';
import { HYPOPLASTIC_RIB_ARC_DEG, LUMBAR_RIB_ARC_DEG, TYPICAL_SEGMENTATION, drawSegmentationVariant } from './segmentation-variants.js';

/**
 * Adult vertebral body size by level, mm (LR semi-axis, AP semi-axis, height at its centre), for a
 * 170 cm person. L5 is Cook & Baker's CT measure (data/simulate/trunk-anatomy.json: endplate depth
 * 33.3 mm in women and 37.1 in men, mid-depth height 27.6 and 28.8; the body's depth is 1.72 AP
 * semi-axes, its posterior wall flat at 0.72); the other levels keep the simulator's earlier
 * ratios to L5 (bodies widen and deepen caudally; lumbar bodies are about 25-29 mm tall, thoracic
 * 18-23 mm), their depths scaled with L5's.
 */
const BODY_SIZE_MM: Record<SpineLevel, [number, number, number]> = {
  T6: [14, 15.7, 18],
  T7: [14.5, 16.4, 18.5],
  T8: [15, 17, 19],
  T9: [15.5, 17.6, 20],
  T10: [16.5, 18.2, 21],
  T11: [17.5, 18.8, 22],
  T12: [19, 19.4, 23],
  L1: [20, 20, 25],
  L2: [21, 20.6, 26],
  L3: [22.5, 21.2, 27],
  L4: [23.5, 21.2, 27],
  L5: [24.5, 21.2, 29],
  L6: [24.5, 21.2, 29],
};

/** Disc height below each level, mm (thoracic discs thin, lumbar discs about 9-11 mm). */
const DISC_BELOW_MM: Record<SpineLevel, number> = {
  T6: 4.5,
  T7: 4.5,
  T8: 5,
  T9: 5,
  T10: 5.5,
  T11: 6,
  T12: 7,
  L1: 8.5,
  L2: 9.5,
  L3: 10,
  L4: 10.5,
  L5: 9,
  L6: 9,
};

/** Levels whose ribs are built in the typical spine (rib-bearing vertebrae), and how far round the body each rib reaches, degrees from the back. */
export const RIB_ARC_DEG: Partial<Record<SpineLevel, number>> = { T6: 160, T7: 158, T8: 155, T9: 150, T10: 140, T11: 105, T12: 70 };

/** The ribs of one spine: the typical ones, the twelfth shortened when hypoplastic, and a lumbar rib on L1 when present. */
export function ribArcsDeg(variant: SegmentationVariant): Partial<Record<SpineLevel, number>> {
  return {
    ...RIB_ARC_DEG,
    ...(variant.twelfthRib === 'hypoplastic' ? { T12: HYPOPLASTIC_RIB_ARC_DEG } : {}),
    ...(variant.lumbarRib ? { L1: LUMBAR_RIB_ARC_DEG } : {}),
  };
}

export interface VertebraShape {
  readonly level: SpineLevel;
  readonly code: number;
  /** Centre of the vertebral body, mm (patient frame, LPS). */
  readonly centerMm: Point3;
  /** Unit cranial direction of the body's axis (follows the spine's curves). */
  readonly axis: Vector3;
  /** LR and AP semi-axes of the body, mm. */
  readonly semiMm: [number, number];
  readonly halfHeightMm: number;
  readonly corticalShellMm: number;
  readonly endplateMm: number;
  /** Depth of the central concavity of the superior and inferior endplates, mm (endplate-morphometry.ts gives the source). */
  readonly superiorConcavityMm: number;
  readonly inferiorConcavityMm: number;
  /** Anterior height over posterior height: 1 intact, < 0.8 a wedge fracture. */
  readonly anteriorHeightRatio: number;
  /** An osteoporotic fracture of this body, by Genant's type and grade (vertebral-fracture.ts), or none. */
  readonly fracture: VertebralFracture | null;
  /** Sagittal wedging of the intact body, degrees between its endplates (positive: anterior wall the lower; vertebral-body-morphometry.ts gives the source). */
  readonly wedgeDeg: number;
  /** The body's semi-axes at mid-height over those at its endplates (the waist of its walls). */
  readonly waistShare: number;
  /** How far the posterior wall is indented at the midline, mm (the kidney-shaped axial section). */
  readonly posteriorConcavityMm: number;
  /** Mean trabecular vBMD the body is built to before the person's scale, mg/cm3. */
  readonly trabecularVbmdMgPerCm3: number;
  readonly discBelowMm: number;
}

export interface SpineShape {
  /** The mobile vertebrae above the sacrum, cranial first (T6-L4, T6-L5 or T6-L6 by the variant). */
  readonly vertebrae: readonly VertebraShape[];
  /** The number of presacral vertebrae and the rib variants (segmentation-variants.ts gives the source). */
  readonly variant: SegmentationVariant;
  /** Top of the sacrum (centre of the S1 endplate), mm. */
  readonly sacrumTopMm: Point3;
  /** Unit normal of the S1 endplate (cranial and anterior, tilted from +z by the sacral slope). */
  readonly sacrumAxis: Vector3;
  readonly sacrum: SacrumShape;
  readonly marrowFatFraction: number;
  /** Vertebra with a fracture-like deformity, if any. */
  readonly fractured: SpineLevel | null;
  /** Marginal osteophytes (bony spurs at endplate rims), a DXA confounder of the elderly spine. */
  readonly osteophytes: readonly Osteophyte[];
  /** Levels holding bilateral pedicle screws of a posterior fixation (empty: none; spinal-fixation.ts). */
  readonly instrumented: readonly SpineLevel[];
  /** Disc herniated through an endplate into a lumbar body (schmorl-nodes.ts; empty: none). */
  readonly schmorlNodes: readonly SchmorlNode[];
}

/** The sacrum's and iliac crests' dimensions (sacropelvic-morphometry.ts gives their sources). */
export interface SacrumShape {
  readonly slopeDeg: number;
  /** Base to apex along the anterior surface, mm. */
  readonly heightMm: number;
  readonly s1BodyWidthMm: number;
  /** Between the sacroiliac joint surfaces, mm. */
  readonly interauricularMm: number;
  readonly auricularHeightMm: number;
  /** The iliac crests' top above the sacral base's centre, mm. */
  readonly iliacCrestAboveBaseMm: number;
}

export interface Osteophyte {
  readonly level: SpineLevel;
  /** Where on the rim: anterior, or lateral to the patient's left or right. */
  readonly side: 'anterior' | 'left' | 'right';
  readonly endplate: 'superior' | 'inferior';
  readonly sizeMm: number;
}

export interface SpineShapeOptions {
  /** Chance that one of T12-L2 has an osteoporotic fracture (wedge, biconcave or crush; vertebral-fracture.ts). */
  fractureShare: number;
  /** Chance, at age 80 (scaled linearly from 0 at age 40), that the lumbar spine has osteophytes. */
  osteophyteShare?: number;
  /** Draw 23 or 25 presacral vertebrae and rib variants at their published prevalence (else every spine is typical). */
  segmentationVariants?: boolean;
  /** Chance that the spine carries a posterior fixation with pedicle screws (spinal-fixation.ts; 0 when absent). */
  pedicleScrewShare?: number;
  /** Draw lumbar Schmorl nodes at their published prevalence (schmorl-nodes.ts; else none). */
  schmorlNodes?: boolean;
}

/** The mobile levels of a variant: L5 part of the sacrum with 23 presacral vertebrae, L6 added with 25. */
export function mobileLevels(variant: SegmentationVariant): readonly SpineLevel[] {
  if (variant.presacralVertebrae === 23) return SPINE_LEVELS.filter((l) => l !== 'L5');
  if (variant.presacralVertebrae === 25) return ALL_SPINE_LEVELS;
  return SPINE_LEVELS;
}

/**
 * Draws one person's thoracolumbar spine: body sizes scaled by stature with per-level jitter,
 * lordosis and kyphosis of person-dependent amplitude, a slight scoliosis, per-level trabecular
 * vBMD around the person's L1-L2 target (denser cranially, about 2 % per level, as QCT shows),
 * and in a share of people an osteoporotic fracture of T12, L1 or L2 (Genant's types and grades). L1's body centre is at the origin.
 */
export function drawSpineShape(person: SimulatedPerson, options: SpineShapeOptions, random: SeededRandom): SpineShape {
  const stature = (person.heightCm / (person.sex === 'F' ? 160 : 172)) * (person.sex === 'F' ? 0.93 : 1) * (1 + 0.04 * random.nextNormal());
  const girth = stature * (1 + 0.05 * random.nextNormal());
  const targetVbmd = person.targets.spineVbmd ?? 130;
  const lordosisMm = 18 + 8 * random.nextNormal();
  const kyphosisMm = 14 + 6 * random.nextNormal();
  const scoliosisMm = 4 * random.nextNormal();
  const fractured: SpineLevel | null = random.nextFloat() < options.fractureShare ? (['T12', 'L1', 'L1', 'L2'] as const)[random.nextInt(4)]! : null;
  // The fracture's type and grade draw from a stream of their own, so the rest of the spine is drawn as before they existed.
  const fracture = fractured === null ? null : drawVertebralFracture(new SeededRandom(seedFromText(`${person.patientId}:fracture`)));
  const fractureShape = fracturedBodyShape(fracture);
  const variant =
    options.segmentationVariants === true ? drawSegmentationVariant(new SeededRandom(seedFromText(`${person.patientId}:segmentation`))) : TYPICAL_SEGMENTATION;
  const levels = mobileLevels(variant);
  // Stack from the lowest mobile level upwards along z, then shift so that L1 sits at z = 0.
  const stacked: { level: SpineLevel; z: number; half: number; disc: number; semi: [number, number] }[] = [];
  let z = 0;
  for (let index = levels.length - 1; index >= 0; index--) {
    const level = levels[index]!;
    const [a, b, h] = BODY_SIZE_MM[level];
    const jitter = 1 + 0.03 * random.nextNormal();
    const heightRatio = level === fractured ? fractureShape.heightRatio : 1;
    const half = (h * stature * jitter * heightRatio) / 2;
    const disc = DISC_BELOW_MM[level] * stature * (1 + 0.08 * random.nextNormal());
    z += disc + half;
    stacked.unshift({ level, z, half, disc, semi: [a * girth * jitter, b * girth * jitter] });
    z += half;
  }
  const zL1 = stacked.find((s) => s.level === 'L1')!.z;
  const zL3 = stacked.find((s) => s.level === 'L3')!.z - zL1;
  const zT7 = stacked.find((s) => s.level === 'T7')!.z - zL1;
  // Lordosis pulls the lumbar spine forwards (-y), kyphosis pushes the thoracic spine back (+y).
  const curveY = (zz: number): number => -lordosisMm * Math.exp(-(((zz - zL3) / 90) ** 2)) + kyphosisMm * Math.exp(-(((zz - zT7) / 120) ** 2));
  const curveX = (zz: number): number => scoliosisMm * Math.sin((Math.PI * zz) / 220);
  const y0 = curveY(0);
  const x0 = curveX(0);
  const centreAt = (zz: number): Point3 => [curveX(zz) - x0, curveY(zz) - y0, zz];
  const axisAt = (zz: number): Vector3 => {
    const a = centreAt(zz - 5);
    const b = centreAt(zz + 5);
    const n = Math.hypot(b[0] - a[0], b[1] - a[1], b[2] - a[2]);
    return [(b[0] - a[0]) / n, (b[1] - a[1]) / n, (b[2] - a[2]) / n];
  };
  const indexOfL1 = levels.indexOf('L1');
  // Cranial levels are denser; the mean of L1 and L2 factors is 0.99, so scale the target to meet it.
  const levelFactor = (index: number): number => 1 + 0.02 * (indexOfL1 - index);
  // The endplates' concavity draws from a stream of its own, so the rest of the spine is drawn as before it existed.
  const endplateRandom = new SeededRandom(seedFromText(`${person.patientId}:endplates`));
  const concavity = (m: PublishedMeasure): number => Math.max(0.1, drawMeasure(m, endplateRandom));
  // So do the bodies' wedging and waist.
  const bodyRandom = new SeededRandom(seedFromText(`${person.patientId}:body-shape`));
  // And the posterior wall's concavity.
  const kidneyRandom = new SeededRandom(seedFromText(`${person.patientId}:kidney-shape`));
  const vertebrae: VertebraShape[] = stacked.map((s, index) => {
    const zz = s.z - zL1;
    const isFractured = s.level === fractured;
    // Compacted trabeculae: a fractured body reads denser.
    const sclerosis = isFractured ? 1.25 : 1;
    // The draw that once set a wedge's anterior height, kept so that the draws after it stay as they were.
    if (isFractured) random.nextFloat();
    const cave = isFractured ? fractureShape.centralCaveShare * s.half : 0;
    return {
      level: s.level,
      code: verseCode(s.level),
      centerMm: centreAt(zz),
      axis: axisAt(zz),
      semiMm: s.semi,
      halfHeightMm: s.half,
      corticalShellMm: 0.7 + 0.3 * random.nextFloat(),
      endplateMm: 0.8 + 0.4 * random.nextFloat(),
      superiorConcavityMm: Math.max(cave, concavity(SUPERIOR_ENDPLATE_CONCAVITY_MM)),
      inferiorConcavityMm: Math.max(cave, concavity(INFERIOR_ENDPLATE_CONCAVITY_MM)),
      anteriorHeightRatio: isFractured ? fractureShape.anteriorHeightRatio : 1,
      fracture: isFractured ? fracture : null,
      wedgeDeg: drawWedgingDeg(s.level, person.sex, bodyRandom),
      waistShare: Math.min(1, drawMeasure(WAIST_SHARE, bodyRandom)),
      posteriorConcavityMm: drawPosteriorConcavityMm(s.level, kidneyRandom),
      trabecularVbmdMgPerCm3: Math.max(15, ((targetVbmd * levelFactor(index)) / 0.99) * (1 + 0.03 * random.nextNormal()) * sclerosis),
      discBelowMm: s.disc,
    };
  });
  const osteophytes: Osteophyte[] = [];
  if (random.nextFloat() < (options.osteophyteShare ?? 0) * Math.min(1.2, Math.max(0, (person.ageYears - 40) / 40))) {
    const count = 1 + random.nextInt(4);
    for (let i = 0; i < count; i++) {
      osteophytes.push({
        level: (['L1', 'L2', 'L3', 'L4', 'L5'] as const)[1 + random.nextInt(4)]!,
        side: (['anterior', 'left', 'right'] as const)[random.nextInt(3)]!,
        endplate: random.nextFloat() < 0.5 ? 'superior' : 'inferior',
        sizeMm: 3 + 5 * random.nextFloat(),
      });
    }
  }
  const lowest = vertebrae[vertebrae.length - 1]!;
  const sacrumZ = lowest.centerMm[2] - lowest.halfHeightMm - lowest.discBelowMm;
  const sacrumTop: Point3 = [lowest.centerMm[0], lowest.centerMm[1] + 6, sacrumZ];
  // The pelvis draws from a stream of its own, so the rest of the person is drawn as before it existed.
  const pelvisRandom = new SeededRandom(seedFromText(`${person.patientId}:sacrum`));
  const drawn = (m: PublishedMeasure, scale: number): number => scale * drawMeasure(m, pelvisRandom);
  const pelvisScale = stature / (person.sex === 'F' ? 0.93 : 1);
  const sacrum: SacrumShape = {
    slopeDeg: drawn(SACRAL_SLOPE_DEG, 1),
    heightMm: drawn(SACRAL_HEIGHT_MM, pelvisScale * (person.sex === 'F' ? 0.97 : 1.03)),
    s1BodyWidthMm: drawn(S1_BODY_WIDTH_MM, girth / (person.sex === 'F' ? 0.93 : 1)),
    interauricularMm: drawn(INTERAURICULAR_DISTANCE_MM, pelvisScale),
    auricularHeightMm: drawn(AURICULAR_HEIGHT_MM, pelvisScale),
    iliacCrestAboveBaseMm: drawn(ILIAC_CREST_ABOVE_SACRAL_BASE_MM, 1) + (person.sex === 'F' ? -3 : 3),
  };
  const slope = (sacrum.slopeDeg * Math.PI) / 180;
  return {
    vertebrae,
    variant,
    sacrumTopMm: sacrumTop,
    sacrumAxis: [0, -Math.sin(slope), Math.cos(slope)],
    sacrum,
    marrowFatFraction: Math.min(0.75, Math.max(0.15, 0.2 + 0.0065 * (person.ageYears - 20) + 0.05 * random.nextNormal())),
    fractured,
    osteophytes,
    instrumented: drawFixedLevels(levels, options.pedicleScrewShare ?? 0, new SeededRandom(seedFromText(`${person.patientId}:fixation`))),
    schmorlNodes:
      options.schmorlNodes === true
        ? drawSchmorlNodes({
            sex: person.sex,
            levels,
            excluded: fractured === null ? [] : [fractured],
            random: new SeededRandom(seedFromText(`${person.patientId}:schmorl`)),
          })
        : [],
  };
}
