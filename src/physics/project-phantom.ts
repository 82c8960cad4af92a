import type { DigitalPhantom } from './phantom/digital-phantom.js';
import { castRays } from './phantom/ray-caster.js';
import type { MaterialName } from './material-catalog.js';
import type { ProjectionGeometry } from './projection-geometry.js';
import { projectionRays } from './projection-geometry.js';

/** Line integrals of a phantom on a detector: what Beer-Lambert and the ground truth need. */
export interface MaterialProjection {
  readonly columns: number;
  readonly rows: number;
  readonly materials: readonly MaterialName[];
  /** Areal density (g/cm2) of each material, material-major: areal[m * pixels + p]. */
  readonly arealGPerCm2: Float32Array;
  /** Hydroxyapatite areal mass per pixel, g/cm2 (the quantity DXA reports as aBMD). */
  readonly mineralGPerCm2: Float32Array;
  /** Bit set of the masks the ray crossed, per pixel. */
  readonly maskBits: Uint16Array;
  /** Hydroxyapatite areal mass of the regions `mineralSubset` selected (e.g. cancellous bone), when asked for. */
  readonly subsetMineralGPerCm2?: Float32Array;
}

/**
 * Casts the detector's rays through the phantom and sums, per material, density x path length
 * (the exponent of Beer-Lambert), plus the mineral mass and the masks crossed. `regionFilter`
 * restricts the sums to some regions (a bone-only projection, a DRR of one structure);
 * `mineralSubset` also sums the mineral of some regions on their own, in the same pass.
 */
export function projectPhantom(
  phantom: DigitalPhantom,
  geometry: ProjectionGeometry,
  materials: readonly MaterialName[],
  regionFilter?: (region: number) => boolean,
  mineralSubset?: (region: number) => boolean,
): MaterialProjection {
  const pixels = geometry.columns * geometry.rows;
  const areal = new Float32Array(materials.length * pixels);
  const mineral = new Float32Array(pixels);
  const subsetMineral = mineralSubset === undefined ? undefined : new Float32Array(pixels);
  const inSubset = phantom.regions.map((_, k) => mineralSubset?.(k) ?? false);
  const maskBits = new Uint16Array(pixels);
  // Per region: g/cm3 of each listed material (mm -> cm folded in), mineral g/cm3, mask bits.
  const regionDensity = phantom.regions.map((r) => {
    const d = new Float64Array(materials.length);
    for (const part of r.composition) {
      const m = materials.indexOf(part.material);
      if (m >= 0) d[m]! += part.gPerCm3 / 10;
    }
    return d;
  });
  const regionMineral = phantom.regions.map((r) => r.composition.reduce((s, p) => s + (p.material === 'hydroxyapatite' ? p.gPerCm3 / 10 : 0), 0));
  const regionBits = phantom.regions.map((r) => r.maskBits);
  const included = phantom.regions.map((_, k) => regionFilter === undefined || regionFilter(k));
  const nm = materials.length;
  castRays(phantom, projectionRays(geometry), (i, j, sweep, mmPerT) => {
    const p = j * geometry.columns + i;
    let bits = 0;
    let min = 0;
    let subset = 0;
    sweep.segments((region, from, to) => {
      if (!included[region]) return;
      const lengthMm = (to - from) * mmPerT;
      const density = regionDensity[region]!;
      for (let m = 0; m < nm; m++) areal[m * pixels + p]! += density[m]! * lengthMm;
      min += regionMineral[region]! * lengthMm;
      if (inSubset[region]) subset += regionMineral[region]! * lengthMm;
      bits |= regionBits[region]!;
    });
    mineral[p] = min;
    maskBits[p] = bits;
    if (subsetMineral !== undefined) subsetMineral[p] = subset;
  });
  return {
    columns: geometry.columns,
    rows: geometry.rows,
    materials,
    arealGPerCm2: areal,
    mineralGPerCm2: mineral,
    maskBits,
    ...(subsetMineral === undefined ? {} : { subsetMineralGPerCm2: subsetMineral }),
  };
}

/** The materials a phantom is made of, in first-use order. */
export function phantomMaterials(phantom: DigitalPhantom): MaterialName[] {
  const seen: MaterialName[] = [];
  for (const r of phantom.regions) for (const p of r.composition) if (!seen.includes(p.material)) seen.push(p.material);
  return seen;
}
