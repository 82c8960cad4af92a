/**
 * Gaussian smoothing of a 2-D float image, in place, separable. Small sigmas use a sampled kernel
 * (truncated at 3 sigma, edges clamped); large ones three box passes (running sums, cost independent
 * of sigma), whose result is within a few percent of a Gaussian of the same variance.
 */
export function gaussianBlur2D(data: Float32Array, columns: number, rows: number, sigmaPixels: number): void {
  if (!(sigmaPixels > 0)) return;
  if (sigmaPixels <= 4) {
    const kernel = gaussianKernel(sigmaPixels);
    convolveRows(data, columns, rows, kernel);
    convolveColumns(data, columns, rows, kernel);
    return;
  }
  // Three boxes of width w have variance 3 (w^2 - 1) / 12.
  const width = Math.max(1, Math.round(Math.sqrt(4 * sigmaPixels * sigmaPixels + 1)) | 1);
  for (let pass = 0; pass < 3; pass++) {
    boxRows(data, columns, rows, width);
    boxColumns(data, columns, rows, width);
  }
}

/** Gaussian smoothing with its own sigma along rows (x) and columns (y), in place, sampled kernels (meant for sigmas of a few pixels). */
export function gaussianBlurAnisotropic2D(data: Float32Array, columns: number, rows: number, sigmaXPixels: number, sigmaYPixels: number): void {
  if (sigmaXPixels > 0) convolveRows(data, columns, rows, gaussianKernel(sigmaXPixels));
  if (sigmaYPixels > 0) convolveColumns(data, columns, rows, gaussianKernel(sigmaYPixels));
}

function gaussianKernel(sigma: number): Float32Array {
  const radius = Math.max(1, Math.ceil(3 * sigma));
  const k = new Float32Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k[i + radius] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}

function convolveRows(data: Float32Array, columns: number, rows: number, kernel: Float32Array): void {
  const radius = (kernel.length - 1) >> 1;
  const line = new Float32Array(columns);
  const interiorEnd = columns - radius;
  for (let j = 0; j < rows; j++) {
    const base = j * columns;
    line.set(data.subarray(base, base + columns));
    for (let i = 0; i < columns; i++) {
      let s = 0;
      if (i >= radius && i < interiorEnd) {
        // Interior: no clamping needed.
        for (let k = 0, x = i - radius; k < kernel.length; k++, x++) s += kernel[k]! * line[x]!;
      } else {
        for (let k = -radius; k <= radius; k++) {
          const x = i + k < 0 ? 0 : i + k >= columns ? columns - 1 : i + k;
          s += kernel[k + radius]! * line[x]!;
        }
      }
      data[base + i] = s;
    }
  }
}

/** Vertical pass row by row (contiguous memory), summing in double precision. */
function convolveColumns(data: Float32Array, columns: number, rows: number, kernel: Float32Array): void {
  const radius = (kernel.length - 1) >> 1;
  const source = data.slice();
  const sum = new Float64Array(columns);
  for (let j = 0; j < rows; j++) {
    sum.fill(0);
    for (let k = -radius; k <= radius; k++) {
      const y = j + k < 0 ? 0 : j + k >= rows ? rows - 1 : j + k;
      const w = kernel[k + radius]!;
      const offset = y * columns;
      for (let i = 0; i < columns; i++) sum[i] = sum[i]! + w * source[offset + i]!;
    }
    data.set(sum, j * columns);
  }
}

function boxLine(line: Float32Array, out: Float32Array, width: number): void {
  const n = line.length;
  const r = width >> 1;
  let sum = 0;
  for (let k = -r; k <= r; k++) sum += line[Math.min(n - 1, Math.max(0, k))]!;
  for (let i = 0; i < n; i++) {
    out[i] = sum / width;
    sum += line[Math.min(n - 1, i + r + 1)]! - line[Math.max(0, i - r)]!;
  }
}

function boxRows(data: Float32Array, columns: number, rows: number, width: number): void {
  const line = new Float32Array(columns);
  const out = new Float32Array(columns);
  for (let j = 0; j < rows; j++) {
    line.set(data.subarray(j * columns, (j + 1) * columns));
    boxLine(line, out, width);
    data.set(out, j * columns);
  }
}

function boxColumns(data: Float32Array, columns: number, rows: number, width: number): void {
  const line = new Float32Array(rows);
  const out = new Float32Array(rows);
  for (let i = 0; i < columns; i++) {
    for (let j = 0; j < rows; j++) line[j] = data[j * columns + i]!;
    boxLine(line, out, width);
    for (let j = 0; j < rows; j++) data[j * columns + i] = out[j]!;
  }
}
