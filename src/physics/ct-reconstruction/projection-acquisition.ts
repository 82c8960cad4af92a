import type { SeededRandom } from '../../core/seeded-random.js';
import type { CtScannerProfile } from '../ct-scanner-profile.js';
import type { MaterialCatalog } from '../material-catalog.js';
import type { DigitalPhantom } from '../phantom/digital-phantom.js';
import type { VoxelGrid } from '../phantom/voxelise.js';
import { voxelisePhantom } from '../phantom/voxelise.js';
import { kramersSpectrum } from '../x-ray-spectrum.js';
import { basisDensities } from './basis-materials.js';
import type { ParallelGeometry } from './parallel-projection.js';
import { acquirePolychromaticSlice } from './polychromatic-slice.js';

/**
 * Photons per detector bin and view (at the reference dose) that give a 30 cm water cylinder the
 * noise sd of half the scanner's stated noise on the 2x coarser reconstruction grid: 1e5 photons
 * gave 22 HU (256 x 1.6 mm, 360 views, soft kernel, 120 kVp).
 */
const PHOTONS_FOR_22_HU = 1e5;

/** Slices reconstructed on a grid this many times coarser than the series' (for speed), then interpolated back. */
const RECONSTRUCTION_COARSENING = 2;

/**
 * A CT series by projection and reconstruction, slice by slice: each region's attenuation as water
 * plus hydroxyapatite across the scanner's spectrum (Kramers' law through its filtration), the two
 * basis densities voxelised with partial volume and averaged 2 x 2 onto the reconstruction grid,
 * then polychromatic parallel-beam projection with quantum noise, the water beam-hardening
 * correction, filtered back-projection with a soft kernel, bilinear interpolation back to the
 * series' grid, and the scanner's residual HU error. Beam hardening by bone and patient size,
 * cupping residue, streaks and noise texture come from the physics, not from a formula, so a
 * method that assumes one effective energy meets CT it does not model.
 */
export function acquireProjectionCtValues(
  catalog: MaterialCatalog,
  phantom: DigitalPhantom,
  grid: VoxelGrid,
  scanner: CtScannerProfile,
  o: { doseFactor: number; supersample: number; huScale: number; huOffset: number },
  random: SeededRandom,
): Float32Array {
  const spectrum = kramersSpectrum(catalog, { kVp: scanner.kVp, aluminiumMm: scanner.aluminiumMm, binWidthKeV: 2, minimumKeV: 15 });
  const bases = phantom.regions.map((r) => basisDensities(catalog, r.composition, spectrum));
  const voxelised = (basis: keyof (typeof bases)[number]): Float32Array =>
    voxelisePhantom(
      phantom,
      grid,
      Float64Array.from(bases, (b) => b[basis]),
      0,
      o.supersample,
    ).values;
  const water = voxelised('waterGPerCm3');
  const ha = voxelised('hydroxyapatiteGPerCm3');
  const [columns, rows] = [grid.columns, grid.rows];
  const size = Math.ceil(Math.max(columns, rows) / RECONSTRUCTION_COARSENING);
  const pixelMm = grid.spacingMm[0] * RECONSTRUCTION_COARSENING;
  const geometry: ParallelGeometry = { size, pixelMm, views: Math.round(1.4 * size), bins: Math.ceil(size * Math.SQRT2) + 2, binMm: pixelMm };
  const photonsPerRay = PHOTONS_FOR_22_HU * (22 / (0.5 * scanner.noiseSdHu)) ** 2 * o.doseFactor;
  const plane = columns * rows;
  const out = new Float32Array(plane * grid.slices);
  const coarseWater = new Float32Array(size * size);
  const coarseHa = new Float32Array(size * size);
  for (let k = 0; k < grid.slices; k++) {
    coarseWater.fill(0);
    coarseHa.fill(0);
    const share = 1 / RECONSTRUCTION_COARSENING ** 2;
    for (let j = 0; j < rows; j++)
      for (let i = 0; i < columns; i++) {
        const p = k * plane + j * columns + i;
        const q = Math.floor(j / RECONSTRUCTION_COARSENING) * size + Math.floor(i / RECONSTRUCTION_COARSENING);
        coarseWater[q]! += share * water[p]!;
        coarseHa[q]! += share * ha[p]!;
      }
    const hu = acquirePolychromaticSlice(
      catalog,
      { waterGPerCm3: coarseWater, hydroxyapatiteGPerCm3: coarseHa },
      { spectrum, geometry, kernel: 'soft', photonsPerRay, waterCorrection: true },
      random,
    );
    // Back to the series' grid: the coarse pixel (a, b) has its centre at fine (2a + 0.5, 2b + 0.5).
    for (let j = 0; j < rows; j++) {
      const y = Math.min(size - 1, Math.max(0, (j - (RECONSTRUCTION_COARSENING - 1) / 2) / RECONSTRUCTION_COARSENING));
      const j0 = Math.min(size - 2, Math.floor(y));
      const fy = y - j0;
      for (let i = 0; i < columns; i++) {
        const x = Math.min(size - 1, Math.max(0, (i - (RECONSTRUCTION_COARSENING - 1) / 2) / RECONSTRUCTION_COARSENING));
        const i0 = Math.min(size - 2, Math.floor(x));
        const fx = x - i0;
        const v =
          (1 - fy) * ((1 - fx) * hu[j0 * size + i0]! + fx * hu[j0 * size + i0 + 1]!) +
          fy * ((1 - fx) * hu[(j0 + 1) * size + i0]! + fx * hu[(j0 + 1) * size + i0 + 1]!);
        out[k * plane + j * columns + i] = o.huScale * v + o.huOffset;
      }
    }
  }
  return out;
}
