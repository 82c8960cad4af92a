import type { SeededRandom } from '../core/seeded-random.js';
import { gaussianBlurAnisotropic2D } from '../imaging/gaussian-blur.js';

/**
 * The trabecular pattern of a vertebral body on a projection radiograph. Cancellous bone is a
 * lattice of plates and rods (lumbar trabecular separation about 0.8 mm, bone volume fraction
 * about 0.08-0.15 in adults: Hildebrand et al., J Bone Miner Res 1999), so the mineral a ray
 * crosses varies from pixel to pixel around the body's mean. How much follows from counting
 * statistics: a ray crossing L mm of a random two-phase medium of volume fraction f and correlation
 * length c sees a relative SD of its bone path of about sqrt((1 - f) / f * c / L). Sparse bone
 * therefore looks coarser, and as horizontal trabeculae are lost first (Mosekilde, Bone 1988) the
 * pattern of an osteoporotic body turns into vertical striations (Saville, Arthritis Rheum 1967,
 * grades 1-3). Modelled as a zero-mean Gaussian random field on the detector, correlated over
 * c / 2 across and `verticalElongation` times that along the spine, scaled per pixel by the
 * formula above and by the cancellous mineral the ray crossed. Zero mean, so the body's mean
 * mineral, and DXA's truth, stay as they were.
 */
export interface ProjectedTextureParameters {
  /** Cancellous bone volume fraction (vBMD over the tissue's mineral density). */
  boneVolumeFraction: number;
  /** Trabecular separation, mm (the field's correlation length across the spine). */
  grainMm: number;
  /** Correlation along the spine over that across it (1: isotropic; larger: vertical striation). */
  verticalElongation: number;
}

/**
 * Mineral density of trabecular bone tissue itself, g HA/cm3 (assumed about 1.05: micro-CT tissue
 * mineral densities of human trabecular bone lie near 1 g/cm3), so f = vBMD / 1.05 g/cm3.
 */
export const TRABECULAR_TISSUE_HA_G_PER_CM3 = 1.05;
/** Adult lumbar trabecular separation at f = 0.10, mm (Hildebrand et al. 1999: about 0.8-0.9 mm). */
const SEPARATION_AT_F10_MM = 0.8;
/** Relative SD cap: beyond it the field would often push a pixel's bone below zero. */
const MAX_RELATIVE_SD = 0.5;

/**
 * Texture parameters from the cancellous vBMD: spacing grows as the lattice thins (about 1/sqrt(f)
 * for rods of constant thickness, bounded 0.5-2 mm); the vertical elongation rises from 1.5 in
 * dense bone (f >= 0.15) to 3 in sparse bone (f <= 0.05) (assumed, after Mosekilde 1988's loss of
 * horizontal trabeculae).
 */
export function textureFromVbmd(vbmdMgPerCm3: number): ProjectedTextureParameters {
  const f = Math.min(0.5, Math.max(0.01, vbmdMgPerCm3 / 1000 / TRABECULAR_TISSUE_HA_G_PER_CM3));
  const grainMm = Math.min(2, Math.max(0.5, SEPARATION_AT_F10_MM * Math.sqrt(0.1 / f)));
  const verticalElongation = 1.5 + 1.5 * Math.min(1, Math.max(0, (0.15 - f) / 0.1));
  return { boneVolumeFraction: f, grainMm, verticalElongation };
}

/** Relative SD of the bone path seen by a ray crossing `pathMm` of cancellous bone. */
export function relativePathSd(p: ProjectedTextureParameters, pathMm: number): number {
  if (!(pathMm > 0)) return 0;
  const f = p.boneVolumeFraction;
  return Math.min(MAX_RELATIVE_SD, Math.sqrt(((1 - f) / f) * (p.grainMm / pathMm)));
}

/**
 * The mineral (g/cm2 of hydroxyapatite) to add to each pixel of a projection so its vertebral bodies
 * show their trabecular pattern: `cancellousGPerCm2` is the projected mineral of the cancellous
 * regions alone, `cancellousHaGPerCm3` their mean mineral density (so the path length is their
 * ratio). Rows run along the spine.
 */
export function projectedTrabecularTexture(o: {
  cancellousGPerCm2: Float32Array;
  cancellousHaGPerCm3: number;
  columns: number;
  rows: number;
  pixelSpacingMm: number;
  texture: ProjectedTextureParameters;
  random: SeededRandom;
}): Float32Array {
  const { columns, rows, texture } = o;
  const n = columns * rows;
  const out = new Float32Array(n);
  // The field is needed only over the bodies' bounding box (plus the blur's reach).
  let [i0, j0, i1, j1] = [columns, rows, -1, -1];
  for (let p = 0; p < n; p++) {
    if (o.cancellousGPerCm2[p]! <= 0) continue;
    const i = p % columns;
    const j = (p - i) / columns;
    i0 = Math.min(i0, i);
    i1 = Math.max(i1, i);
    j0 = Math.min(j0, j);
    j1 = Math.max(j1, j);
  }
  if (i1 < 0) return out;
  const sigmaX = texture.grainMm / 2 / o.pixelSpacingMm;
  const sigmaY = sigmaX * texture.verticalElongation;
  const margin = Math.ceil(3 * sigmaY) + 1;
  const x0 = Math.max(0, i0 - margin);
  const y0 = Math.max(0, j0 - margin);
  const width = Math.min(columns - 1, i1 + margin) - x0 + 1;
  const height = Math.min(rows - 1, j1 + margin) - y0 + 1;
  const field = new Float32Array(width * height);
  for (let q = 0; q < field.length; q++) field[q] = o.random.nextNormal();
  gaussianBlurAnisotropic2D(field, width, height, sigmaX, sigmaY);
  // Back to unit SD, measured (the blur's variance reduction depends on both sigmas).
  let squares = 0;
  for (const v of field) squares += v * v;
  const unit = 1 / Math.sqrt(squares / field.length || 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y + y0) * columns + (x + x0);
      const mineral = o.cancellousGPerCm2[p]!;
      if (mineral <= 0) continue;
      const pathMm = (10 * mineral) / o.cancellousHaGPerCm3;
      out[p] = Math.max(-mineral, mineral * relativePathSd(texture, pathMm) * unit * field[y * width + x]!);
    }
  }
  return out;
}
