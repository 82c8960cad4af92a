import { SeededRandom, seedFromText } from '../../core/seeded-random.js';
import type { SimulatedPerson } from '../person.js';
import { ageInRange, loadHandAnatomyMeasures } from '../hand-anatomy-measures.js';

/** The random shape of one child's hand and forearm and where the step wedge lies, mm. */
export interface ForearmShape {
  /** Growth factor: 1 for an adult-sized hand. */
  size: number;
  ageYears: number;
  sex: 'F' | 'M';
  /**
   * Where the child's skeletal maturity lies among children of its age, 0 (earliest) to 1 (latest):
   * every ossification centre appears, and the physis closes, at this point of its published age span.
   */
  maturityTempo: number;
  /** Wrist (distal radius physis) position on the detector and the forearm's in-plane angle. */
  wristXMm: number;
  wristYMm: number;
  armAngleRad: number;
  forearmHalfWidthMm: number;
  forearmDepthRatio: number;
  fatMm: number;
  /** The diaphysis's half-width; the distal metaphysis widens to radiusFlare times it at the physis. */
  radiusHalfWidthMm: number;
  radiusFlare: number;
  radiusCortexMm: number;
  ulnaHalfWidthMm: number;
  metaphysisLengthMm: number;
  /** The distal radial physis's cartilage, mm along the bone: 0 once it has closed. */
  physisGapMm: number;
  /** Bone mineral before scaling to the target: trabecular vBMD and cortical mineral, mg/cm3. */
  trabecularMgPerCm3: number;
  corticalMgPerCm3: number;
  fingerSpread: number;
  limb: LimbCrossSection;
  wedge: WedgePose;
}

/**
 * Limb cross-section families: 'round', close to the ellipse; 'flattened', the forearm resting on
 * the detector with its soft tissue spread over a broader, flatter base (a second, lower lobe)
 * and skewed to one side. A method that models the limb as an ellipse fails the second.
 */
export const LIMB_FAMILIES = ['round', 'flattened'] as const;
export type LimbFamily = (typeof LIMB_FAMILIES)[number];

export interface LimbCrossSection {
  family: LimbFamily;
  /** Height of the lower lobe's centre as a share of the limb's depth (0: no lobe). */
  lobeShare: number;
  /** The lobe's extra half-width and its shift across the limb, as shares of the limb's half-width. */
  lobeWidening: number;
  lobeShift: number;
}

export interface WedgePose {
  centerXMm: number;
  centerYMm: number;
  angleRad: number;
}

export interface StepWedgeGeometry {
  stepThicknessesMm: number[];
  stepLengthMm: number;
  widthMm: number;
  haMgPerCm3: number;
}

/**
 * The limb's cross-section, drawn from a stream of the person's own (so adding it changed no other
 * draw of a cohort) in one of the allowed families.
 */
export function drawLimbCrossSection(person: SimulatedPerson, families: readonly LimbFamily[]): LimbCrossSection {
  const random = new SeededRandom(seedFromText(`${person.patientId}:limb`));
  const family = families[random.nextInt(families.length)] ?? 'round';
  if (family === 'round') return { family, lobeShare: 0, lobeWidening: 0, lobeShift: 0 };
  return { family, lobeShare: 0.45 + 0.2 * random.nextFloat(), lobeWidening: 0.04 + 0.12 * random.nextFloat(), lobeShift: 0.25 * (random.nextFloat() - 0.5) };
}

export function drawForearmShape(
  person: SimulatedPerson,
  field: { widthMm: number; heightMm: number },
  wedge: StepWedgeGeometry,
  maxWedgeRotationDeg: number,
  random: SeededRandom,
  limbFamilies: readonly LimbFamily[] = LIMB_FAMILIES,
): ForearmShape {
  const jitter = (sd: number): number => 1 + sd * random.nextNormal();
  const size = Math.min(1.05, (person.heightCm / 165) ** 1.1) * jitter(0.04);
  const maturity = drawSkeletalMaturity(person, size);
  const forearmHalfWidthMm = 28 * size * jitter(0.06) * (0.9 + 0.012 * (person.bmi - 15));
  const fatMm = Math.min(12, Math.max(1.2, 1.5 + 0.55 * (person.bmi - 14) * jitter(0.25)));
  const wristXMm = field.widthMm * (0.42 + 0.06 * (random.nextFloat() - 0.5));
  const wristYMm = field.heightMm * (0.6 + 0.08 * (random.nextFloat() - 0.5));
  const armAngleRad = ((random.nextFloat() - 0.5) * 10 * Math.PI) / 180;
  // The wedge lies on the radial (thumb, image-right) side, 2-3 cm from the wrist's edge.
  const wedgeLength = wedge.stepThicknessesMm.length * wedge.stepLengthMm;
  const gap = 20 + 10 * random.nextFloat();
  const centerXMm = Math.min(field.widthMm - wedge.widthMm, wristXMm + forearmHalfWidthMm + gap + wedge.widthMm / 2);
  const centerYMm = Math.min(field.heightMm - wedgeLength / 2 - 10, Math.max(wedgeLength / 2 + 10, wristYMm + 30 * (random.nextFloat() - 0.3)));
  const angleRad = ((2 * random.nextFloat() - 1) * maxWedgeRotationDeg * Math.PI) / 180;
  const radiusFlare = 1.45 * jitter(0.05);
  return {
    size,
    ageYears: person.ageYears,
    sex: person.sex,
    maturityTempo: maturity.tempo,
    wristXMm,
    wristYMm,
    armAngleRad,
    forearmHalfWidthMm,
    forearmDepthRatio: 0.68 * jitter(0.06),
    fatMm,
    radiusHalfWidthMm: maturity.physisSemiWidthMm / radiusFlare,
    radiusFlare,
    radiusCortexMm: Math.max(0.5, (0.6 + 0.05 * person.ageYears) * jitter(0.1)),
    ulnaHalfWidthMm: 5 * size * jitter(0.06),
    metaphysisLengthMm: 24 * size * jitter(0.08),
    physisGapMm: maturity.physisGapMm,
    trabecularMgPerCm3: 180 * jitter(0.08),
    corticalMgPerCm3: 950 * jitter(0.04),
    fingerSpread: 0.9 + 0.25 * random.nextFloat(),
    limb: drawLimbCrossSection(person, limbFamilies),
    wedge: { centerXMm, centerYMm, angleRad },
  };
}

/** The depth of the distal radius's cross-section at the physis as a share of its width (the tube's second semi-axis). */
export const RADIUS_PHYSIS_DEPTH_SHARE = 0.78;

/** A child's skeletal maturity and the distal radial physis it implies. */
export interface SkeletalMaturity {
  tempo: number;
  /** The physis's half-width across the image, mm (its area the published one, scaled with size squared). */
  physisSemiWidthMm: number;
  physisGapMm: number;
}

/**
 * The child's maturity tempo and distal radial physis, from a stream of the person's own (so these
 * draws change no other): the physis's area from its published distribution (scaled with the
 * square of the child's size), closed once the child is past its closure age, thin in the year of
 * closing, otherwise open.
 */
export function drawSkeletalMaturity(person: SimulatedPerson, size: number): SkeletalMaturity {
  const random = new SeededRandom(seedFromText(`${person.patientId}:maturity`));
  const tempo = random.nextFloat();
  const physis = loadHandAnatomyMeasures().distalRadiusPhysis;
  const area = physis.areaMm2;
  const areaMm2 = Math.min(area.range[1], Math.max(area.range[0], area.mean + area.sd * random.nextNormal())) * size * size;
  const physisSemiWidthMm = Math.sqrt(areaMm2 / (Math.PI * RADIUS_PHYSIS_DEPTH_SHARE));
  const closure = ageInRange((person.sex === 'F' ? physis.closureYearsGirls : physis.closureYearsBoys).range, tempo);
  const openGapMm = 1.6 * (1 + 0.1 * random.nextNormal());
  const physisGapMm = person.ageYears >= closure ? 0 : person.ageYears >= closure - physis.closingYears.value ? 0.7 : openGapMm;
  return { tempo, physisSemiWidthMm, physisGapMm };
}
