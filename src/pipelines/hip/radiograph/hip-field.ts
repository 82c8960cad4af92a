import type { Image2D } from '../../../core/image2d.js';
import type { HipSide } from '../ct/segment-femur.js';

/**
 * The part of a pelvis radiograph the decomposition network reads for one hip: 112 x 176 pixels of
 * 2 mm (224 x 352 mm at the detector), centred on that side's half of the image, mirrored for the
 * right hip so that every hip is seen as a left one (the lateral side toward the right edge, as a
 * left hip is hung). 2 mm keeps the femoral neck at about 15 pixels across and trains on 2 cores;
 * 224 mm is half an AP pelvis detector, 352 mm holds the iliac crest to below the lesser trochanter.
 */
export const HIP_FIELD = { rows: 176, columns: 112, pixelMm: 2 } as const;

/** Where a hip's field lies on the image: its centre (image pixels), image pixels per field pixel, and whether it is mirrored. */
export interface HipFieldPlacement {
  side: HipSide;
  centreRowPx: number;
  centreColumnPx: number;
  /** Image pixels per field pixel along rows and along columns. */
  stepPx: readonly [number, number];
  /** The right hip's field runs right to left across the image. */
  mirrored: boolean;
}

/**
 * The field of one hip: the centre of that side's half of the image (the patient's left is on the
 * image's right in an AP view as hung), at the image's own pixel spacing.
 */
export function hipFieldPlacement(o: { image: Pick<Image2D, 'size' | 'spacingMm'>; side: HipSide }): HipFieldPlacement {
  const [columns, rows] = o.image.size;
  const [columnMm, rowMm] = o.image.spacingMm;
  return {
    side: o.side,
    centreRowPx: (rows - 1) / 2,
    centreColumnPx: o.side === 'left' ? (3 * columns) / 4 - 0.5 : columns / 4 - 0.5,
    stepPx: [HIP_FIELD.pixelMm / rowMm, HIP_FIELD.pixelMm / columnMm],
    mirrored: o.side === 'right',
  };
}

/** The image position (row, column; pixels) of a field pixel's centre. */
export function fieldToImagePx(p: HipFieldPlacement, fieldRow: number, fieldColumn: number): [number, number] {
  const along = fieldColumn - (HIP_FIELD.columns - 1) / 2;
  return [p.centreRowPx + (fieldRow - (HIP_FIELD.rows - 1) / 2) * p.stepPx[0], p.centreColumnPx + (p.mirrored ? -along : along) * p.stepPx[1]];
}

/**
 * The field's values: each field pixel the mean of the image pixels whose centres fall within its
 * footprint (at least the nearest one); beyond the image's edge, the edge's value.
 */
export function sampleHipField(image: Pick<Image2D, 'size' | 'data'>, p: HipFieldPlacement): Float32Array {
  const [columns, rows] = image.size;
  const out = new Float32Array(HIP_FIELD.rows * HIP_FIELD.columns);
  const halfRow = p.stepPx[0] / 2;
  const halfColumn = p.stepPx[1] / 2;
  const clampRow = (r: number): number => Math.min(rows - 1, Math.max(0, r));
  const clampColumn = (c: number): number => Math.min(columns - 1, Math.max(0, c));
  for (let fr = 0; fr < HIP_FIELD.rows; fr++) {
    for (let fc = 0; fc < HIP_FIELD.columns; fc++) {
      const [r, c] = fieldToImagePx(p, fr, fc);
      const r0 = Math.ceil(r - halfRow);
      const r1 = Math.max(r0, Math.ceil(r + halfRow) - 1);
      const c0 = Math.ceil(c - halfColumn);
      const c1 = Math.max(c0, Math.ceil(c + halfColumn) - 1);
      let sum = 0;
      let n = 0;
      for (let rr = r0; rr <= r1; rr++) {
        const row = clampRow(rr) * columns;
        for (let cc = c0; cc <= c1; cc++) {
          sum += Number(image.data[row + clampColumn(cc)]);
          n++;
        }
      }
      out[fr * HIP_FIELD.columns + fc] = sum / n;
    }
  }
  return out;
}

/**
 * The network's input scale: the field's 1st percentile -> 0, its 99th -> 1 (radiographs differ in
 * exposure and processing). Chosen on the dev cohort over the 1st-50th percentiles (the generator
 * learnt no structure: gradient correlation 0.03 on held-out persons) and over histogram
 * equalisation (structure as well learnt, 0.26, but the bone's brightness, which carries its
 * density, gone: femoral-neck r 0.07 against 0.69).
 */
export function normaliseHipField(values: Float32Array): Float32Array {
  const sorted = Float32Array.from(values).sort();
  const low = sorted[Math.floor(0.01 * (sorted.length - 1))]!;
  const high = sorted[Math.ceil(0.99 * (sorted.length - 1))]!;
  const range = high > low ? high - low : 1;
  return values.map((v) => (v - low) / range);
}

/** Mirrors a field's columns (a right hip's rendering into the left-hip frame, and back). */
export function mirrorFieldColumns(values: Float32Array): Float32Array {
  const out = new Float32Array(values.length);
  const w = HIP_FIELD.columns;
  for (let r = 0; r < HIP_FIELD.rows; r++) for (let c = 0; c < w; c++) out[r * w + c] = values[r * w + (w - 1 - c)]!;
  return out;
}
