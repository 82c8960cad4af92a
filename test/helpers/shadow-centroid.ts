/** The intensity-weighted centroid [row, column] of a row-major image (a projected voxel's shadow). */
export function shadowCentroid(image: Float32Array, columns: number): [number, number] {
  let [sum, sumRow, sumColumn] = [0, 0, 0];
  for (let p = 0; p < image.length; p++) {
    sum += image[p]!;
    sumRow += image[p]! * Math.floor(p / columns);
    sumColumn += image[p]! * (p % columns);
  }
  return [sumRow / sum, sumColumn / sum];
}
