/**
 * Reusable typed-array scratch for per-object work inside one detection call: the buffers grow to the
 * largest object and are handed out as views, so thousands of objects do not allocate (and free) thousands of
 * small backing stores. Contents are NOT cleared; callers initialise what they read.
 */
export class Scratch {
  private readonly f64s = new Map<string, Float64Array>();
  private readonly i32s = new Map<string, Int32Array>();
  private readonly u8s = new Map<string, Uint8Array>();

  f64(name: string, n: number): Float64Array {
    let b = this.f64s.get(name);
    if (!b || b.length < n) this.f64s.set(name, (b = new Float64Array(Math.max(n, 2 * (b?.length ?? 64)))));
    return b.subarray(0, n);
  }

  i32(name: string, n: number): Int32Array {
    let b = this.i32s.get(name);
    if (!b || b.length < n) this.i32s.set(name, (b = new Int32Array(Math.max(n, 2 * (b?.length ?? 64)))));
    return b.subarray(0, n);
  }

  u8(name: string, n: number): Uint8Array {
    let b = this.u8s.get(name);
    if (!b || b.length < n) this.u8s.set(name, (b = new Uint8Array(Math.max(n, 2 * (b?.length ?? 64)))));
    return b.subarray(0, n);
  }
}
