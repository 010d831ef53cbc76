/**
 * mulberry32: a small, fast, seeded uniform generator on [0, 1) for tests and benches, so that a failure
 * can be replayed from its seed. (The product's own streams come from core's createRng.)
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
