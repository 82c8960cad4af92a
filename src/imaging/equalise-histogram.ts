/** Rank-based histogram equalisation of the values where `inside` is set: each becomes its share of values below it, in [0, 1]. */
export function equaliseHistogram(values: Float32Array, inside: Uint8Array): void {
  const indices: number[] = [];
  for (let k = 0; k < values.length; k++) if (inside[k] === 1) indices.push(k);
  indices.sort((a, b) => values[a]! - values[b]!);
  const n = indices.length;
  let start = 0;
  while (start < n) {
    // Ties share the mean rank, so a flat region stays flat.
    let end = start;
    while (end + 1 < n && values[indices[end + 1]!] === values[indices[start]!]) end++;
    const share = n > 1 ? (start + end) / 2 / (n - 1) : 0.5;
    for (let k = start; k <= end; k++) values[indices[k]!] = share;
    start = end + 1;
  }
}
