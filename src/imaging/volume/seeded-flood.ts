import type { VolumeGrid } from './volume-grid.js';
import { faceNeighbours } from './volume-grid.js';

export interface SeededFloodOptions {
  grid: VolumeGrid;
  /** Seed labels (> 0); 0 = to be decided. Modified in place: flooded voxels get their seed's label. */
  labels: Uint8Array;
  /** Flooding order: higher values are reached first (brightest first, so fronts meet in the dark). */
  height: Float32Array;
  /** Voxels that may be flooded (1). */
  allowed: Uint8Array;
  /** Heights are binned at this step for the bucket queue. */
  stepHeight: number;
}

/**
 * Marker-controlled watershed by priority flooding (Meyer 1994, Beucher and Meyer 1993): labelled
 * fronts grow into allowed voxels, highest first; a voxel belongs to the front that reaches it
 * first, so two fronts meet at the lowest ridge between them (for CT bone: the dark joint space).
 * Returns the number of voxels flooded.
 */
export function seededFlood(o: SeededFloodOptions): number {
  const { labels, height, allowed } = o;
  let lo = Infinity;
  let hi = -Infinity;
  for (let p = 0; p < height.length; p++) {
    if (allowed[p] === 0 && labels[p] === 0) continue;
    lo = Math.min(lo, height[p]!);
    hi = Math.max(hi, height[p]!);
  }
  if (!(hi >= lo)) return 0;
  const bucketOf = (p: number): number => Math.floor((hi - height[p]!) / o.stepHeight);
  const buckets: number[][] = Array.from({ length: bucketOf(height.indexOf(lo)) + 2 }, () => []);
  const queued = new Uint8Array(labels.length);
  const neighbours: number[] = [];
  const seeds: number[] = [];
  for (let p = 0; p < labels.length; p++) {
    if (labels[p] === 0) continue;
    queued[p] = 1;
    seeds.push(p);
  }
  // Seeds first, then their neighbours: a neighbour labelled here must not act as a seed itself.
  for (const p of seeds) {
    for (const q of faceNeighbours(o.grid, p, neighbours)) {
      if (labels[q] !== 0 || allowed[q] === 0 || queued[q] !== 0) continue;
      queued[q] = 1;
      labels[q] = labels[p]!;
      buckets[Math.min(buckets.length - 1, bucketOf(q))]!.push(q);
    }
  }
  let flooded = 0;
  for (let level = 0; level < buckets.length; level++) {
    const bucket = buckets[level]!;
    // The bucket grows while it is drained: neighbours above the current level join it.
    for (let n = 0; n < bucket.length; n++) {
      const p = bucket[n]!;
      flooded++;
      for (const q of faceNeighbours(o.grid, p, neighbours)) {
        if (queued[q] !== 0 || allowed[q] === 0) continue;
        queued[q] = 1;
        labels[q] = labels[p]!;
        buckets[Math.min(buckets.length - 1, Math.max(level, bucketOf(q)))]!.push(q);
      }
    }
    bucket.length = 0;
  }
  return flooded;
}
