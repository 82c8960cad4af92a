/** A square slice image and the parallel-beam geometry that scans it. */
export interface ParallelGeometry {
  /** Pixels per side of the (square) image. */
  size: number;
  pixelMm: number;
  /** Projection angles over 180 degrees. */
  views: number;
  /** Detector bins per view, centred on the rotation axis. */
  bins: number;
  binMm: number;
}

/** The angle of a view, radians (views cover [0, pi)). */
export function viewAngle(geometry: ParallelGeometry, view: number): number {
  return (Math.PI * view) / geometry.views;
}

/**
 * Line integrals of a slice along parallel rays (Joseph's method: step along the ray's dominant
 * axis one pixel at a time, interpolating linearly across the other). Returns a sinogram
 * [views x bins] in image units x cm. The image's centre is the rotation axis; pixel (i, j) has its
 * centre at x = (i - (size - 1) / 2) pixelMm, y = (j - (size - 1) / 2) pixelMm.
 */
export function projectParallel(image: Float32Array | Float64Array, geometry: ParallelGeometry): Float32Array {
  const { size, pixelMm, views, bins, binMm } = geometry;
  const sinogram = new Float32Array(views * bins);
  const half = (size - 1) / 2;
  const at = (i: number, j: number): number => (i < 0 || j < 0 || i >= size || j >= size ? 0 : image[j * size + i]!);
  for (let v = 0; v < views; v++) {
    const theta = viewAngle(geometry, v);
    const c = Math.cos(theta);
    const s = Math.sin(theta);
    // The ray at detector offset t runs along (-s, c) through the point t (c, s).
    const alongY = Math.abs(c) >= Math.abs(s);
    for (let b = 0; b < bins; b++) {
      const tPx = ((b - (bins - 1) / 2) * binMm) / pixelMm;
      let sum = 0;
      if (alongY) {
        // Step over rows j: the ray's x at row y is x = (t - y s) / c.
        for (let j = 0; j < size; j++) {
          const y = j - half;
          const x = (tPx - y * s) / c + half;
          const i0 = Math.floor(x);
          const f = x - i0;
          sum += (1 - f) * at(i0, j) + f * at(i0 + 1, j);
        }
        sum /= Math.abs(c);
      } else {
        for (let i = 0; i < size; i++) {
          const x = i - half;
          const y = (tPx - x * c) / s + half;
          const j0 = Math.floor(y);
          const f = y - j0;
          sum += (1 - f) * at(i, j0) + f * at(i, j0 + 1);
        }
        sum /= Math.abs(s);
      }
      sinogram[v * bins + b] = sum * (pixelMm / 10);
    }
  }
  return sinogram;
}
