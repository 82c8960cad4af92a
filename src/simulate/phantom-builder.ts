import type { Point3, Vector3 } from '../core/geometry.js';
import type { Composition, CompositionPart } from '../physics/composition.js';
import { OpenBmdError } from '../core/errors.js';
import type { DigitalPhantom, PhantomRegion } from '../physics/phantom/digital-phantom.js';
import type { ClipPlane, Solid } from '../physics/phantom/solid.js';
import { rotationAlong } from '../physics/phantom/solid.js';

/** Layers of a phantom, low to high priority: inner structures override what contains them. */
export const PRIORITY = { body: 1, fat: 2, muscle: 3, organ: 4, gas: 5, cortex: 6, marrow: 7, implant: 9, phantom: 10 } as const;

/** Collects regions and solids; regions are shared by name. */
export class PhantomBuilder {
  private readonly regions: PhantomRegion[] = [];
  private readonly solids: Solid[] = [];
  private readonly index = new Map<string, number>();

  region(name: string, composition: Composition, maskBits = 0): number {
    const existing = this.index.get(name);
    if (existing !== undefined) return existing;
    this.regions.push({ name, composition, maskBits });
    this.index.set(name, this.regions.length - 1);
    return this.regions.length - 1;
  }

  add(solid: Omit<Solid, 'region' | 'priority'>, region: number, priority: number): void {
    this.solids.push({ ...solid, region, priority });
  }

  /** A tube (elliptic, tapered) from point a to point b. */
  tube(
    a: Point3,
    b: Point3,
    semiA: number,
    semiB: number,
    taper: number,
    region: number,
    priority: number,
    xHint: Vector3 = [1, 0, 0],
    clipPlanes?: readonly ClipPlane[],
  ): void {
    const axis: Vector3 = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
    const half = Math.hypot(axis[0], axis[1], axis[2]) / 2;
    this.add(
      {
        shape: 'tube',
        centerMm: [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2, (a[2] + b[2]) / 2],
        rotation: rotationAlong(axis, xHint),
        semiAxesMm: [semiA, semiB, half],
        taper,
        ...(clipPlanes === undefined ? {} : { clipPlanes }),
      },
      region,
      priority,
    );
  }

  ellipsoid(
    center: Point3,
    semi: readonly [number, number, number],
    region: number,
    priority: number,
    zAxis: Vector3 = [0, 0, 1],
    xHint: Vector3 = [1, 0, 0],
  ): void {
    this.add({ shape: 'ellipsoid', centerMm: center, rotation: rotationAlong(zAxis, xHint), semiAxesMm: [semi[0], semi[1], semi[2]] }, region, priority);
  }

  /** Adds a part to a region's composition (iodine carried into a tissue by the blood, for one). */
  addToComposition(region: number, part: CompositionPart): void {
    const r = this.regions[region];
    if (r === undefined) throw new OpenBmdError('INTERNAL', `phantom builder: no region ${region}`);
    this.regions[region] = { ...r, composition: [...r.composition, part] };
  }

  build(): DigitalPhantom {
    return { regions: this.regions.slice(), solids: this.solids.slice() };
  }
}
