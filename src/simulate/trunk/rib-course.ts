import { SeededRandom, seedFromText } from '../../core/seeded-random.js';
import type { SimulatedPerson } from '../person.js';
import { along } from '../spine/spine-anatomy.js';
import type { SpineShape } from '../spine/spine-shape.js';
import type { SpineLevel } from '../spine/spine-levels.js';
import { drawMeasure } from '../spine/sacropelvic-morphometry.js';
import { loadTrunkAnatomyMeasures } from '../trunk-anatomy-measures.js';

/**
 * How far the ribs descend round the body wall, from the surface anatomy of the costal margin in
 * data/simulate/trunk-anatomy.json (Gray's Anatomy): the seventh costal cartilage meets the
 * sternum level with T9, the ninth cartilage's tip lies at the lower endplate of L1, the tenth's
 * lowest point at L3. Each rib falls linearly with the angle it has run round the body from its
 * transverse process to the end of its cartilage; ribs 11 and 12 (and a lumbar rib), which have no
 * landmark, fall at the tenth rib's rate per degree. test/trunk-morphometry.test.ts checks the ribs'
 * front ends against these landmarks.
 */
const RIBS = loadTrunkAnatomyMeasures().ribs;

/** Ribs whose front end is costal cartilage (6-10); 11 and 12 float. */
const CARTILAGE_RIBS: readonly SpineLevel[] = ['T6', 'T7', 'T8', 'T9', 'T10'];

/** How much a person's ribs fall beyond the landmarks' typical course, as a share (assumed: the landmarks vary by about half a level). */
const DROP_SPREAD = 0.08;

export interface RibCourse {
  /** How far the rib of a level has fallen below its start (the transverse process's tip) when it has run `deg` round the body, mm. */
  dropMm(level: SpineLevel, deg: number): number;
  /** The z the rib of a level reaches at its front end (for the tests), mm. */
  endZMm(level: SpineLevel): number;
  /** Whether the rib of a level is costal cartilage at `deg` round the body (its last stretch, ribs 6-10). */
  isCartilage(level: SpineLevel, deg: number): boolean;
}

export interface RibCourseOptions {
  person: SimulatedPerson;
  spine: SpineShape;
  /** Each rib's start: its z (at the transverse process's tip) and the angle round the body there, degrees from the back. */
  startOf: (level: SpineLevel) => { zMm: number; deg: number };
  /** How far round the body each rib reaches, degrees from the back (cartilage included). */
  arcDeg: Partial<Record<SpineLevel, number>>;
}

export function ribCourse(o: RibCourseOptions): RibCourse {
  // Each rib's start, worked out once (every point of every rib asks for it).
  const starts = new Map<SpineLevel, { zMm: number; deg: number }>();
  const startOf = (level: SpineLevel): { zMm: number; deg: number } => {
    const known = starts.get(level);
    if (known !== undefined) return known;
    const start = o.startOf(level);
    starts.set(level, start);
    return start;
  };
  const random = new SeededRandom(seedFromText(`${o.person.patientId}:ribs`));
  const cartilageArcDeg = Math.max(10, drawMeasure(RIBS.costalCartilageArcDeg, random));
  const spread = 1 + DROP_SPREAD * Math.max(-2.5, Math.min(2.5, random.nextNormal()));
  const landmarkZ = (landmark: { level: string; heightShare: number }): number | null => {
    const v = o.spine.vertebrae.find((x) => x.level === landmark.level);
    return v === undefined ? null : along(v, 0, 0, landmark.heightShare * v.halfHeightMm)[2];
  };
  const sternal = landmarkZ(RIBS.seventhCartilageSternal);
  const ninth = landmarkZ(RIBS.ninthCartilageTip);
  const tenth = landmarkZ(RIBS.tenthCartilageLowest);
  const span = (level: SpineLevel): number => Math.max(1, (o.arcDeg[level] ?? 0) - startOf(level).deg);
  // The front end's z for the ribs with a landmark (the eighth halfway between the seventh and ninth).
  const endZ = new Map<SpineLevel, number>();
  if (sternal !== null) for (const level of ['T6', 'T7'] as const) endZ.set(level, sternal);
  if (ninth !== null) endZ.set('T9', ninth);
  if (tenth !== null) endZ.set('T10', tenth);
  const z7 = endZ.get('T7');
  const z9 = endZ.get('T9');
  if (z7 !== undefined && z9 !== undefined) endZ.set('T8', (z7 + z9) / 2);
  const dropOf = (level: SpineLevel): number | null => {
    const z = endZ.get(level);
    return z === undefined || o.arcDeg[level] === undefined ? null : Math.max(0, startOf(level).zMm - z) * spread;
  };
  const tenthDrop = dropOf('T10');
  const tenthRate = tenthDrop === null ? 0 : tenthDrop / span('T10');
  return {
    dropMm(level, deg) {
      const run = Math.max(0, deg - startOf(level).deg);
      const drop = dropOf(level);
      return drop === null ? tenthRate * run : (drop * run) / span(level);
    },
    endZMm(level) {
      return startOf(level).zMm - this.dropMm(level, o.arcDeg[level] ?? 0);
    },
    isCartilage(level, deg) {
      return CARTILAGE_RIBS.includes(level) && deg > (o.arcDeg[level] ?? 0) - cartilageArcDeg;
    },
  };
}
