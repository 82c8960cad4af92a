import type { Volume3D } from '../../core/volume3d.js';

/** How sharp the series is: the Gaussian blur of its edges, read off the anterior skin-air boundary. */
export interface EdgeBlur {
  /** Gaussian sigma, mm (the 25-75 % rise of a blurred step is 1.349 sigma). */
  sigmaMm: number;
  /** Profiles measured. */
  profiles: number;
}

/** Air and tissue must differ by this much across a usable profile, HU (air -1000, skin and fat -100 to 50). */
const MIN_STEP_HU = 600;
/** The boundary's midpoint threshold, HU. */
const BODY_HU = -500;
/** Fewest profiles for an estimate. */
const MIN_PROFILES = 10;

/** Median of a list (NaN when empty). */
function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * The series' edge blur, model-free: along the anterior midline of the middle half of the slices,
 * the skin-air boundary is a step of about 900 HU whose normal runs along y; the distance over
 * which it rises from 25 % to 75 % is 1.349 sigma of a Gaussian blur. It takes in the scanner's
 * kernel, the reconstruction grid and the pixel size, so it says how far the cortex's blur reaches
 * into the cancellous bone. Null when too few clean profiles are found (a field that cuts the body).
 */
export function estimateEdgeBlur(volume: Volume3D): EdgeBlur | null {
  const [nx, ny, nz] = volume.size;
  const sy = volume.spacingMm[1];
  const widths: number[] = [];
  const levelN = Math.max(2, Math.round(6 / sy));
  const sliceStep = Math.max(1, Math.round(nz / 40));
  for (let k = Math.floor(nz / 4); k < Math.ceil((3 * nz) / 4); k += sliceStep) {
    // The body's centre column in this slice (mean x of the voxels denser than BODY_HU, every 4th row and column).
    let sum = 0;
    let count = 0;
    for (let j = 0; j < ny; j += 4)
      for (let i = 0; i < nx; i += 4)
        if (volume.data[i + nx * (j + ny * k)]! > BODY_HU) {
          sum += i;
          count++;
        }
    if (count < 50) continue;
    const centre = Math.round(sum / count);
    for (let di = -6; di <= 6; di += 3) {
      const i = centre + di;
      if (i < 0 || i >= nx) continue;
      const at = (j: number): number => volume.data[i + nx * (j + ny * k)]!;
      let edge = -1;
      for (let j = 0; j < ny; j++)
        if (at(j) > BODY_HU) {
          edge = j;
          break;
        }
      if (edge < 3 * levelN || edge + 3 * levelN >= ny) continue;
      const air = median(Array.from({ length: 2 * levelN }, (_, q) => at(edge - 3 * levelN + q)));
      const tissue = median(Array.from({ length: 2 * levelN }, (_, q) => at(edge + levelN + q)));
      if (!(tissue - air > MIN_STEP_HU)) continue;
      const crossing = (share: number): number => {
        const t = air + share * (tissue - air);
        for (let j = edge - 3 * levelN + 1; j < edge + 3 * levelN; j++) if (at(j) >= t) return j - 1 + (t - at(j - 1)) / (at(j) - at(j - 1));
        return Number.NaN;
      };
      const width = (crossing(0.75) - crossing(0.25)) * sy;
      if (Number.isFinite(width) && width > 0) widths.push(width / 1.349);
    }
  }
  if (widths.length < MIN_PROFILES) return null;
  return { sigmaMm: median(widths), profiles: widths.length };
}
