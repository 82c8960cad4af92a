import type { VertebraCount } from './count-vertebrae.js';
import type { LocatedLevel, VertebraLocalisation } from './locate-vertebrae.js';
import { levelNotFound, levelOrderProblem } from './locate-vertebrae.js';
import { PROJECTION_PIXEL_MM } from './spine-projections.js';

/** A network's level and the anatomical count's level of the same name further apart than this along z disagree, mm (about half a vertebra's pitch). */
export const LEVEL_AGREEMENT_MM = 15;

export interface AnatomicalCrossCheck {
  /** The levels after the cross-check: the network's, or the count's where the network found too few. */
  localisation: VertebraLocalisation;
  /** The count names the levels and the network's disagree with it (a transitional vertebra, a rib variant, or a mislabel). */
  disagreement: string | null;
  /** The count's two anchors disagree: the lowest rib-bearing vertebra is not the T12 counted from the sacrum. */
  ribDisagreement: string | null;
  /** The levels were taken from the anatomical count because the network found too few. */
  fromAnatomy: boolean;
  /** What the count found, in words (for reports). */
  summary: string;
}

/** The count's summary line. */
function countSummary(count: VertebraCount): string {
  const named = count.vertebrae.filter((v) => v.level !== null);
  const anchor = count.lowestRibBearing === null ? undefined : count.vertebrae[count.lowestRibBearing]!;
  const ribs =
    anchor === undefined
      ? 'no rib-bearing vertebra at the top of the field'
      : `lowest ribs on the vertebra ${anchor.level === null ? 'left unnamed' : `named ${anchor.level}`}`;
  if (count.problem !== null) return `anatomical count: ${count.discsMm.length} discs, levels not named (${count.problem})`;
  const names = named
    .map((v) => v.level)
    .reverse()
    .join(' ');
  return count.namedFrom === 'sacrum'
    ? `anatomical count: ${count.discsMm.length} discs, lumbosacral disc at z ${count.sacrumTopMm!.toFixed(0)} mm, ${names} counted up from the sacrum; ${ribs}`
    : `anatomical count: ${count.discsMm.length} discs, no sacrum in the field, ${names} counted from the lowest rib-bearing vertebra as T12`;
}

/**
 * Compares the network's levels with the anatomical count. Where the network found fewer than two
 * of T12-L2 and the count names them, the count's levels are used (and said so); where both name a
 * level and they lie more than LEVEL_AGREEMENT_MM apart, the disagreement is reported.
 */
export function crossCheckLevels(localisation: VertebraLocalisation, count: VertebraCount): AnatomicalCrossCheck {
  const counted = new Map(count.vertebrae.filter((v) => v.level !== null).map((v) => [v.level!, v]));
  const summary = countSummary(count);
  const disagreements: string[] = [];
  for (const l of localisation.levels) {
    const c = counted.get(l.level);
    if (l.centreMm === null || c === undefined) continue;
    const dz = l.centreMm[2] - c.centreMm[2];
    if (Math.abs(dz) > LEVEL_AGREEMENT_MM)
      disagreements.push(
        `the network's ${l.level} lies ${Math.abs(dz).toFixed(0)} mm ${dz > 0 ? 'above' : 'below'} the ${l.level} counted from the ${count.namedFrom === 'lowest rib' ? 'lowest rib' : 'sacrum'}`,
      );
  }
  const networkFound = localisation.levels.filter((l) => l.found).length;
  const countable = localisation.levels.filter((l) => counted.has(l.level)).length;
  if (networkFound >= 2 || countable < 2)
    return {
      localisation,
      disagreement: disagreements.length > 0 ? disagreements.join('; ') : null,
      ribDisagreement: count.ribDisagreement,
      fromAnatomy: false,
      summary,
    };
  const levels: LocatedLevel[] = localisation.levels.map((l) => {
    const c = counted.get(l.level);
    if (c === undefined) return levelNotFound(l.level, l.confidence);
    const row = (localisation.coronal.topZMm - c.centreMm[2]) / PROJECTION_PIXEL_MM;
    return {
      ...l,
      found: true,
      centreMm: c.centreMm,
      coronalPoint: [(c.centreMm[0] - localisation.coronal.firstColumnMm) / PROJECTION_PIXEL_MM, row],
      sagittalPoint: [(c.centreMm[1] - localisation.sagittal.firstColumnMm) / PROJECTION_PIXEL_MM, row],
      foundBySpacing: false,
      foundByAnatomy: true,
    };
  });
  return {
    localisation: { ...localisation, levels, orderProblem: levelOrderProblem(levels) },
    disagreement: null,
    ribDisagreement: count.ribDisagreement,
    fromAnatomy: true,
    summary,
  };
}
