import type { LocatorLevel, LumbarView } from './lumbar-networks.js';
import { LOCATOR_LEVELS, ROI_LEVELS } from './lumbar-networks.js';
import type { BodyBox } from './vertebral-body-boxes.js';

/**
 * Adult lumbar vertebral bodies on a radiograph (magnified about 1.1-1.3 x): heights 20-40 mm,
 * AP widths 35-60 mm, lateral depths 28-45 mm (Gilad & Nissan, Spine 1986; Zhou et al., Eur Spine J
 * 2000), centre-to-centre 30-48 mm with the discs. The bounds below are those ranges widened by a
 * third on each side: outside them a box is not a vertebral body, whatever its label.
 */
const BODY_HEIGHT_MM: [number, number] = [13, 55];
const BODY_WIDTH_MM: Record<LumbarView, [number, number]> = { ap: [22, 85], lat: [18, 65] };
const LEVEL_STEP_MM: [number, number] = [18, 65];
/** Consecutive steps differ by less than this factor along a healthy or fractured lumbar spine. */
const STEP_RATIO_MAX = 1.7;

export type LevelProblem = 'levels-missing' | 'levels-out-of-order' | 'level-geometry-implausible' | 'level-count-uncertain';

export interface LevelCheck {
  problems: LevelProblem[];
  /** Each problem in words, naming the levels. */
  notes: string[];
}

/**
 * The model-free check of a labelling (no network involved): L1-L4 all found; the levels in order
 * from head to feet (rows grow caudally in a radiograph displayed as acquired); each body of a
 * vertebral body's size; consecutive centres a vertebra apart and evenly spaced.
 */
export function checkLevels(bodies: readonly BodyBox[], pixelMm: number, view: LumbarView): LevelCheck {
  const problems = new Set<LevelProblem>();
  const notes: string[] = [];
  const found = new Map(bodies.map((b) => [b.level, b]));
  const missing = ROI_LEVELS.filter((l) => !found.has(l));
  if (missing.length > 0) {
    problems.add('levels-missing');
    notes.push(`${missing.join(', ')} not found on the ${view === 'ap' ? 'AP' : 'lateral'} view`);
  }
  const ordered = LOCATOR_LEVELS.flatMap((l) => {
    const b = found.get(l);
    return b === undefined ? [] : [{ level: l, b, y: (b.y0 + b.y1) / 2, x: (b.x0 + b.x1) / 2 }];
  });
  for (let k = 1; k < ordered.length; k++) {
    if (!(ordered[k]!.y > ordered[k - 1]!.y)) {
      problems.add('levels-out-of-order');
      notes.push(`${ordered[k]!.level} is not below ${ordered[k - 1]!.level}`);
    }
  }
  for (const { level, b } of ordered) {
    const heightMm = (b.y1 - b.y0) * pixelMm;
    const widthMm = (b.x1 - b.x0) * pixelMm;
    const [wLow, wHigh] = BODY_WIDTH_MM[view];
    if (heightMm < BODY_HEIGHT_MM[0] || heightMm > BODY_HEIGHT_MM[1] || widthMm < wLow || widthMm > wHigh) {
      problems.add('level-geometry-implausible');
      notes.push(`${level} measures ${widthMm.toFixed(0)} x ${heightMm.toFixed(0)} mm`);
    }
  }
  const steps: { from: LocatorLevel; to: LocatorLevel; mm: number }[] = [];
  for (let k = 1; k < ordered.length; k++) {
    const a = ordered[k - 1]!;
    const c = ordered[k]!;
    const apart = LOCATOR_LEVELS.indexOf(c.level) - LOCATOR_LEVELS.indexOf(a.level);
    steps.push({ from: a.level, to: c.level, mm: (Math.hypot(c.x - a.x, c.y - a.y) * pixelMm) / apart });
  }
  for (const s of steps) {
    if (s.mm < LEVEL_STEP_MM[0] || s.mm > LEVEL_STEP_MM[1]) {
      problems.add('level-geometry-implausible');
      notes.push(`${s.from} to ${s.to}: ${s.mm.toFixed(0)} mm a level`);
    }
  }
  for (let k = 1; k < steps.length; k++) {
    const ratio = steps[k]!.mm / steps[k - 1]!.mm;
    if (ratio > STEP_RATIO_MAX || ratio < 1 / STEP_RATIO_MAX) {
      problems.add('level-geometry-implausible');
      notes.push(`uneven spacing at ${steps[k]!.from}`);
    }
  }
  return { problems: [...problems], notes };
}
