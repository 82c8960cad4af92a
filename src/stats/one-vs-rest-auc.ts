import { type AucEstimate, aucWithDeLong } from './delong.js';

/**
 * One-vs-rest AUC per class: class c's members are the cases, everyone else the controls, scored by
 * `scoreFor(c)` (larger = more likely class c). A class without a score (undefined) is skipped.
 */
export function oneVsRestAucs(
  truthClass: readonly number[],
  classCount: number,
  scoreFor: (classIndex: number) => ArrayLike<number> | undefined,
): (AucEstimate | undefined)[] {
  const result: (AucEstimate | undefined)[] = [];
  for (let c = 0; c < classCount; c += 1) {
    const scores = scoreFor(c);
    result.push(
      scores === undefined
        ? undefined
        : aucWithDeLong(
            scores,
            truthClass.map((t) => t === c),
          ),
    );
  }
  return result;
}
