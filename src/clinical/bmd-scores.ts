import { type ReferenceTable, ageBandFor } from './reference-table.js';

/** A T- or Z-score with the table and population it was computed against. */
export interface ScoreResult {
  score: number;
  tableId: string;
  referenceMean: number;
  referenceSd: number;
  referenceAgeYears: readonly [number, number];
}

/** T = (BMD - young-adult mean) / young-adult SD; undefined when the table has no young-adult entry. */
export function tScore(value: number, table: ReferenceTable): ScoreResult | undefined {
  const young = table.youngAdult;
  if (young === null) return undefined;
  return { score: (value - young.mean) / young.sd, tableId: table.id, referenceMean: young.mean, referenceSd: young.sd, referenceAgeYears: young.ageYears };
}

/** Z against the age band holding `ageYears`; undefined when the table has no band for that age. */
export function zScore(value: number, ageYears: number, table: ReferenceTable): ScoreResult | undefined {
  const band = ageBandFor(table, ageYears);
  if (band === undefined) return undefined;
  return { score: (value - band.mean) / band.sd, tableId: table.id, referenceMean: band.mean, referenceSd: band.sd, referenceAgeYears: band.ageYears };
}
