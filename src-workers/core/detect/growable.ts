/** Append-only typed-array buffers: amortised O(1) push without per-element objects. */
export class GrowableInt32 {
  data: Int32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Int32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** A trimmed view (shares memory until the next push that grows the buffer). */
  view(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** Float32 counterpart of `GrowableInt32`. */
export class GrowableFloat32 {
  data: Float32Array;
  length = 0;
  constructor(capacity = 1024) {
    this.data = new Float32Array(Math.max(16, capacity));
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  view(): Float32Array {
    return this.data.subarray(0, this.length);
  }
}
