/**
 * The solids one ray crosses, as parameter intervals with priorities, resolved into ordered
 * segments each owned by the highest-priority solid covering it (ties: the later solid).
 */
export class RaySweep {
  private t0 = new Float64Array(64);
  private t1 = new Float64Array(64);
  private priority = new Float64Array(64);
  private region = new Int32Array(64);
  private bounds = new Float64Array(128);
  count = 0;

  reset(): void {
    this.count = 0;
  }

  add(t0: number, t1: number, priority: number, region: number): void {
    if (this.count === this.t0.length) this.grow();
    const i = this.count++;
    this.t0[i] = t0;
    this.t1[i] = t1;
    this.priority[i] = priority;
    this.region[i] = region;
  }

  /** Calls visit(region, from, to) for each covered segment, in order along the ray. */
  segments(visit: (region: number, from: number, to: number) => void): void {
    const n = this.count;
    if (n === 0) return;
    if (n === 1) {
      visit(this.region[0]!, this.t0[0]!, this.t1[0]!);
      return;
    }
    const b = this.bounds;
    for (let i = 0; i < n; i++) {
      b[2 * i] = this.t0[i]!;
      b[2 * i + 1] = this.t1[i]!;
    }
    const m = 2 * n;
    for (let i = 1; i < m; i++) {
      const v = b[i]!;
      let j = i - 1;
      while (j >= 0 && b[j]! > v) {
        b[j + 1] = b[j]!;
        j--;
      }
      b[j + 1] = v;
    }
    for (let s = 0; s + 1 < m; s++) {
      const from = b[s]!;
      const to = b[s + 1]!;
      if (!(to > from)) continue;
      const mid = 0.5 * (from + to);
      let best = -1;
      let bestPriority = -Infinity;
      for (let i = 0; i < n; i++) {
        if (this.t0[i]! <= mid && mid <= this.t1[i]! && this.priority[i]! >= bestPriority) {
          best = i;
          bestPriority = this.priority[i]!;
        }
      }
      if (best >= 0) visit(this.region[best]!, from, to);
    }
  }

  private grow(): void {
    const size = this.t0.length * 2;
    const copy = <T extends Float64Array | Int32Array>(a: T, make: (n: number) => T): T => {
      const next = make(size);
      next.set(a);
      return next;
    };
    this.t0 = copy(this.t0, (n) => new Float64Array(n));
    this.t1 = copy(this.t1, (n) => new Float64Array(n));
    this.priority = copy(this.priority, (n) => new Float64Array(n));
    this.region = copy(this.region, (n) => new Int32Array(n));
    this.bounds = new Float64Array(size * 2);
  }
}
