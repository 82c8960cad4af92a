import type { Solid } from './solid.js';

/**
 * A solid prepared for ray casting: the world-to-local transform folded with the semi-axes, so a
 * ray is mapped once to the unit shape and intersected in closed form.
 */
export class PreparedSolid {
  readonly region: number;
  readonly priority: number;
  private readonly shape: 0 | 1 | 2;
  private readonly m: Float64Array; // rows: scaled local axes (R^T / s)
  private readonly center: Float64Array;
  private readonly taper: number;
  private readonly planes: Float64Array; // [nx, ny, nz, d] per plane, in scaled local coordinates

  constructor(solid: Solid) {
    this.region = solid.region;
    this.priority = solid.priority;
    this.shape = solid.shape === 'ellipsoid' ? 0 : solid.shape === 'tube' ? 1 : 2;
    this.taper = solid.taper ?? 0;
    this.center = Float64Array.from(solid.centerMm);
    const s = solid.semiAxesMm;
    const r = solid.rotation;
    this.m = new Float64Array(9);
    for (let row = 0; row < 3; row++) {
      // Local coordinate `row` = column `row` of R dotted with (p - c), then / semi-axis.
      for (let col = 0; col < 3; col++) this.m[row * 3 + col] = r[col * 3 + row]! / s[row]!;
    }
    const planes = solid.clipPlanes ?? [];
    this.planes = new Float64Array(planes.length * 4);
    planes.forEach((p, i) => {
      // n . p_local <= d with p_local = s * q  ->  (n * s) . q <= d
      this.planes[i * 4] = p.normal[0] * s[0];
      this.planes[i * 4 + 1] = p.normal[1] * s[1];
      this.planes[i * 4 + 2] = p.normal[2] * s[2];
      this.planes[i * 4 + 3] = p.offsetMm;
    });
  }

  /**
   * Entry and exit parameters of the ray origin + t * direction (t in the direction's units), written
   * to out[0], out[1]; false when the ray misses.
   */
  intersect(ox: number, oy: number, oz: number, dx: number, dy: number, dz: number, out: Float64Array): boolean {
    const m = this.m;
    const px = ox - this.center[0]!;
    const py = oy - this.center[1]!;
    const pz = oz - this.center[2]!;
    const qx = m[0]! * px + m[1]! * py + m[2]! * pz;
    const qy = m[3]! * px + m[4]! * py + m[5]! * pz;
    const qz = m[6]! * px + m[7]! * py + m[8]! * pz;
    const ex = m[0]! * dx + m[1]! * dy + m[2]! * dz;
    const ey = m[3]! * dx + m[4]! * dy + m[5]! * dz;
    const ez = m[6]! * dx + m[7]! * dy + m[8]! * dz;
    let t0 = -Infinity;
    let t1 = Infinity;
    if (this.shape === 0) {
      const a = ex * ex + ey * ey + ez * ez;
      const b = qx * ex + qy * ey + qz * ez;
      const c = qx * qx + qy * qy + qz * qz - 1;
      const disc = b * b - a * c;
      if (disc <= 0) return false;
      const root = Math.sqrt(disc);
      t0 = (-b - root) / a;
      t1 = (-b + root) / a;
    } else {
      // Slab |z| <= 1 (tube) and, for the box, |x|, |y| <= 1.
      const slab = (q: number, e: number): boolean => {
        if (e === 0) return q >= -1 && q <= 1;
        let ta = (-1 - q) / e;
        let tb = (1 - q) / e;
        if (ta > tb) [ta, tb] = [tb, ta];
        if (ta > t0) t0 = ta;
        if (tb < t1) t1 = tb;
        return t0 < t1;
      };
      if (!slab(qz, ez)) return false;
      if (this.shape === 2) {
        if (!slab(qx, ex) || !slab(qy, ey)) return false;
      } else {
        // x^2 + y^2 - (1 + k z)^2 <= 0 along the ray.
        const k = this.taper;
        const wz = 1 + k * qz;
        const wk = k * ez;
        const a = ex * ex + ey * ey - wk * wk;
        const b = qx * ex + qy * ey - wz * wk;
        const c = qx * qx + qy * qy - wz * wz;
        if (Math.abs(a) < 1e-15) {
          if (b === 0) {
            if (c > 0) return false;
          } else {
            const t = -c / (2 * b);
            if (b > 0) t1 = Math.min(t1, t);
            else t0 = Math.max(t0, t);
          }
        } else {
          const disc = b * b - a * c;
          // No real roots: a > 0 misses everywhere, a < 0 is inside everywhere (e.g. along the axis).
          if (disc <= 0 && a > 0) return false;
          const root = Math.sqrt(Math.max(0, disc));
          const ra = (-b - root) / a;
          const rb = (-b + root) / a;
          if (disc <= 0) {
            // the whole line is within the cone; the slab bounds it
          } else if (a > 0) {
            t0 = Math.max(t0, Math.min(ra, rb));
            t1 = Math.min(t1, Math.max(ra, rb));
          } else {
            // Outside the roots: only one nappe lies within the slab, so keep the side that overlaps it.
            const lowRoot = Math.min(ra, rb);
            const highRoot = Math.max(ra, rb);
            if (t1 <= highRoot) t1 = Math.min(t1, lowRoot);
            else t0 = Math.max(t0, highRoot);
          }
        }
        if (!(t0 < t1)) return false;
      }
    }
    const planes = this.planes;
    for (let i = 0; i < planes.length; i += 4) {
      const nq = planes[i]! * qx + planes[i + 1]! * qy + planes[i + 2]! * qz;
      const ne = planes[i]! * ex + planes[i + 1]! * ey + planes[i + 2]! * ez;
      const d = planes[i + 3]!;
      if (ne === 0) {
        if (nq > d) return false;
      } else {
        const t = (d - nq) / ne;
        if (ne > 0) {
          if (t < t1) t1 = t;
        } else if (t > t0) t0 = t;
      }
      if (!(t0 < t1)) return false;
    }
    if (!(t0 < t1)) return false;
    out[0] = t0;
    out[1] = t1;
    return true;
  }
}
