/**
 * A heat map's colour for a value in [0, 1]: dark blue, cyan, yellow, red (a perceptually ordered
 * ramp that stays readable over a grey radiograph), as 8-bit RGB.
 */
const STOPS: readonly (readonly [number, number, number, number])[] = [
  [0, 0, 0, 140],
  [0.35, 0, 200, 255],
  [0.7, 255, 230, 0],
  [1, 255, 20, 0],
];

export function heatColour(value: number): [number, number, number] {
  const v = Math.max(0, Math.min(1, value));
  for (let k = 1; k < STOPS.length; k++) {
    const [v1, r1, g1, b1] = STOPS[k]!;
    if (v <= v1) {
      const [v0, r0, g0, b0] = STOPS[k - 1]!;
      const t = (v - v0) / (v1 - v0);
      return [Math.round(r0 + t * (r1 - r0)), Math.round(g0 + t * (g1 - g0)), Math.round(b0 + t * (b1 - b0))];
    }
  }
  return [255, 20, 0];
}

/** heatColour at `levels` evenly spaced values of [0, 1], packed RGB: a per-pixel lookup instead of a per-pixel ramp. */
export function heatColourTable(levels = 1024): Uint8Array {
  const table = new Uint8Array(3 * levels);
  for (let k = 0; k < levels; k++) table.set(heatColour(k / (levels - 1)), 3 * k);
  return table;
}
