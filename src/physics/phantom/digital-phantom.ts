import type { Composition } from '../composition.js';
import type { Solid } from './solid.js';

/** What a region of the phantom is: its name, composition and the masks it belongs to. */
export interface PhantomRegion {
  readonly name: string;
  readonly composition: Composition;
  /** Bit set of the masks (segmentation labels) this region counts towards; 0 for none. */
  readonly maskBits: number;
}

/**
 * A digital phantom: convex solids (ellipsoids, tubes, boxes, clipped) that say which region fills
 * each point, the higher priority winning where they overlap. Ray casting gives exact line
 * integrals (radiographs, DRRs, ground truth); voxelising it gives CT volumes and 3-D masks.
 * Outside every solid is air.
 */
export interface DigitalPhantom {
  readonly regions: readonly PhantomRegion[];
  readonly solids: readonly Solid[];
}
