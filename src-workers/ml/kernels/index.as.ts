// The CNN's forward pass for inference (cnn.ts `forward`, same layout and operations) in WebAssembly
// with 128-bit SIMD: four output pixels of a 3×3 convolution per vector. Products and sums are float32
// (the JavaScript pass sums in float64), so logits agree with it to about 1e-6, not bit for bit; training
// keeps the JavaScript pass. Memory is managed by the host (../wasm-forward.ts): it allocates above
// `heapBase()` and passes addresses.

export function heapBase(): usize {
  return __heap_base;
}

/** 3×3 valid convolution + bias + ReLU of planar input (inC×inH×inW) into out (outC×(inH−2)×(inW−2)). */
function conv(inp: usize, inC: i32, inH: i32, inW: i32, w: usize, b: usize, outC: i32, out: usize): void {
  const convH = inH - 2;
  const convW = inW - 2;
  const plane = convH * convW;
  const rowBytes = (<usize>inW) << 2;
  for (let o = 0; o < outC; o++) {
    const ob = out + ((<usize>(o * plane)) << 2);
    const bias = load<f32>(b + ((<usize>o) << 2));
    const vb = f32x4.splat(bias);
    let i = 0;
    for (; i + 4 <= plane; i += 4) v128.store(ob + ((<usize>i) << 2), vb);
    for (; i < plane; i++) store<f32>(ob + ((<usize>i) << 2), bias);
    for (let c = 0; c < inC; c++) {
      const ib = inp + ((<usize>(c * inH * inW)) << 2);
      const wb = w + ((<usize>((o * inC + c) * 9)) << 2);
      const s0 = load<f32>(wb);
      const s1 = load<f32>(wb, 4);
      const s2 = load<f32>(wb, 8);
      const s3 = load<f32>(wb, 12);
      const s4 = load<f32>(wb, 16);
      const s5 = load<f32>(wb, 20);
      const s6 = load<f32>(wb, 24);
      const s7 = load<f32>(wb, 28);
      const s8 = load<f32>(wb, 32);
      const w0 = f32x4.splat(s0);
      const w1 = f32x4.splat(s1);
      const w2 = f32x4.splat(s2);
      const w3 = f32x4.splat(s3);
      const w4 = f32x4.splat(s4);
      const w5 = f32x4.splat(s5);
      const w6 = f32x4.splat(s6);
      const w7 = f32x4.splat(s7);
      const w8 = f32x4.splat(s8);
      // Two output rows per pass: each input row vector loaded once serves both rows (the nine weight
      // vectors and two accumulators stay in registers). Each accumulator adds its nine terms in the
      // same order as a one-row pass, so the sums are the same bit for bit.
      let y = 0;
      for (; y + 2 <= convH; y += 2) {
        const orow = ob + ((<usize>(y * convW)) << 2);
        const orow1 = orow + ((<usize>convW) << 2);
        const r0 = ib + <usize>y * rowBytes;
        const r1 = r0 + rowBytes;
        const r2 = r1 + rowBytes;
        const r3 = r2 + rowBytes;
        let x = 0;
        for (; x + 4 <= convW; x += 4) {
          const xo = (<usize>x) << 2;
          let acc = v128.load(orow + xo);
          let acd = v128.load(orow1 + xo);
          acc = f32x4.add(acc, f32x4.mul(w0, v128.load(r0 + xo)));
          acc = f32x4.add(acc, f32x4.mul(w1, v128.load(r0 + xo, 4)));
          acc = f32x4.add(acc, f32x4.mul(w2, v128.load(r0 + xo, 8)));
          let v = v128.load(r1 + xo);
          acc = f32x4.add(acc, f32x4.mul(w3, v));
          acd = f32x4.add(acd, f32x4.mul(w0, v));
          v = v128.load(r1 + xo, 4);
          acc = f32x4.add(acc, f32x4.mul(w4, v));
          acd = f32x4.add(acd, f32x4.mul(w1, v));
          v = v128.load(r1 + xo, 8);
          acc = f32x4.add(acc, f32x4.mul(w5, v));
          acd = f32x4.add(acd, f32x4.mul(w2, v));
          v = v128.load(r2 + xo);
          acc = f32x4.add(acc, f32x4.mul(w6, v));
          acd = f32x4.add(acd, f32x4.mul(w3, v));
          v = v128.load(r2 + xo, 4);
          acc = f32x4.add(acc, f32x4.mul(w7, v));
          acd = f32x4.add(acd, f32x4.mul(w4, v));
          v = v128.load(r2 + xo, 8);
          acc = f32x4.add(acc, f32x4.mul(w8, v));
          acd = f32x4.add(acd, f32x4.mul(w5, v));
          acd = f32x4.add(acd, f32x4.mul(w6, v128.load(r3 + xo)));
          acd = f32x4.add(acd, f32x4.mul(w7, v128.load(r3 + xo, 4)));
          acd = f32x4.add(acd, f32x4.mul(w8, v128.load(r3 + xo, 8)));
          v128.store(orow + xo, acc);
          v128.store(orow1 + xo, acd);
        }
        for (; x < convW; x++) {
          convPixel(orow + ((<usize>x) << 2), r0 + ((<usize>x) << 2), rowBytes, s0, s1, s2, s3, s4, s5, s6, s7, s8);
          convPixel(orow1 + ((<usize>x) << 2), r1 + ((<usize>x) << 2), rowBytes, s0, s1, s2, s3, s4, s5, s6, s7, s8);
        }
      }
      for (; y < convH; y++) {
        const orow = ob + ((<usize>(y * convW)) << 2);
        const r0 = ib + <usize>y * rowBytes;
        const r1 = r0 + rowBytes;
        const r2 = r1 + rowBytes;
        let x = 0;
        for (; x + 4 <= convW; x += 4) {
          const xo = (<usize>x) << 2;
          let acc = v128.load(orow + xo);
          acc = f32x4.add(acc, f32x4.mul(w0, v128.load(r0 + xo)));
          acc = f32x4.add(acc, f32x4.mul(w1, v128.load(r0 + xo, 4)));
          acc = f32x4.add(acc, f32x4.mul(w2, v128.load(r0 + xo, 8)));
          acc = f32x4.add(acc, f32x4.mul(w3, v128.load(r1 + xo)));
          acc = f32x4.add(acc, f32x4.mul(w4, v128.load(r1 + xo, 4)));
          acc = f32x4.add(acc, f32x4.mul(w5, v128.load(r1 + xo, 8)));
          acc = f32x4.add(acc, f32x4.mul(w6, v128.load(r2 + xo)));
          acc = f32x4.add(acc, f32x4.mul(w7, v128.load(r2 + xo, 4)));
          acc = f32x4.add(acc, f32x4.mul(w8, v128.load(r2 + xo, 8)));
          v128.store(orow + xo, acc);
        }
        for (; x < convW; x++)
          convPixel(orow + ((<usize>x) << 2), r0 + ((<usize>x) << 2), rowBytes, s0, s1, s2, s3, s4, s5, s6, s7, s8);
      }
    }
  }
}

/** One output pixel of the 3×3 convolution (a row's tail past its last whole vector). */
function convPixel(
  out: usize,
  r0: usize,
  rowBytes: usize,
  s0: f32,
  s1: f32,
  s2: f32,
  s3: f32,
  s4: f32,
  s5: f32,
  s6: f32,
  s7: f32,
  s8: f32,
): void {
  const r1 = r0 + rowBytes;
  const r2 = r1 + rowBytes;
  let s = load<f32>(out);
  s += s0 * load<f32>(r0) + s1 * load<f32>(r0, 4) + s2 * load<f32>(r0, 8);
  s += s3 * load<f32>(r1) + s4 * load<f32>(r1, 4) + s5 * load<f32>(r1, 8);
  s += s6 * load<f32>(r2) + s7 * load<f32>(r2, 4) + s8 * load<f32>(r2, 8);
  store<f32>(out, s);
}

/** ReLU then 2×2 max-pool (floor) of conv (C×convH×convW) into out (C×⌊convH/2⌋×⌊convW/2⌋). */
function reluPool(conv: usize, channels: i32, convH: i32, convW: i32, out: usize): void {
  const poolH = convH >> 1;
  const poolW = convW >> 1;
  const rowBytes = (<usize>convW) << 2;
  for (let c = 0; c < channels; c++) {
    const cb = conv + ((<usize>(c * convH * convW)) << 2);
    const ob = out + ((<usize>(c * poolH * poolW)) << 2);
    for (let y = 0; y < poolH; y++) {
      const r0 = cb + <usize>(2 * y) * rowBytes;
      const r1 = r0 + rowBytes;
      const orow = ob + ((<usize>(y * poolW)) << 2);
      let x = 0;
      // Four outputs per vector from the eight conv pixels of each row they pool: a vertical max, then
      // even and odd lanes shuffled apart for the horizontal one (max is exact, so the same as scalar).
      for (; x + 4 <= poolW; x += 4) {
        const xo = (<usize>(2 * x)) << 2;
        const a = f32x4.max(v128.load(r0 + xo), v128.load(r1 + xo));
        const b = f32x4.max(v128.load(r0 + xo, 16), v128.load(r1 + xo, 16));
        const even = v128.shuffle<f32>(a, b, 0, 2, 4, 6);
        const odd = v128.shuffle<f32>(a, b, 1, 3, 5, 7);
        v128.store(orow + ((<usize>x) << 2), f32x4.max(f32x4.max(even, odd), f32x4.splat(0)));
      }
      for (; x < poolW; x++) {
        const xo = (<usize>(2 * x)) << 2;
        const m = max(max(load<f32>(r0 + xo), load<f32>(r0 + xo, 4)), max(load<f32>(r1 + xo), load<f32>(r1 + xo, 4)));
        store<f32>(orow + ((<usize>x) << 2), max<f32>(m, 0));
      }
    }
  }
}

/**
 * The logit of one normalised stamp (planar C×H×W float32 at `input`) for the parameters at `params`,
 * laid out as cnnLayout lays them out (per conv block: weights outC×inC×9, biases; then dense weights
 * hidden×flat, biases, output weights, output bias). `conv`, `poolA` and `poolB` are scratch buffers
 * big enough for the largest conv output and pooled output.
 */
export function forward(
  params: usize,
  input: usize,
  channels: i32,
  height: i32,
  width: i32,
  f0: i32,
  f1: i32,
  f2: i32,
  hidden: i32,
  convBuf: usize,
  poolA: usize,
  poolB: usize,
): f64 {
  let off: usize = params;
  let x = input;
  let c = channels;
  let h = height;
  let w = width;
  for (let k = 0; k < 3; k++) {
    const outC = k == 0 ? f0 : k == 1 ? f1 : f2;
    const weights = off;
    off += (<usize>(outC * c * 9)) << 2;
    const biases = off;
    off += (<usize>outC) << 2;
    conv(x, c, h, w, weights, biases, outC, convBuf);
    const out = k % 2 == 0 ? poolA : poolB;
    reluPool(convBuf, outC, h - 2, w - 2, out);
    x = out;
    c = outC;
    h = (h - 2) >> 1;
    w = (w - 2) >> 1;
  }
  const flat = c * h * w;
  const d1w = off;
  const d1b = d1w + ((<usize>(flat * hidden)) << 2);
  const d2w = d1b + ((<usize>hidden) << 2);
  const d2b = d2w + ((<usize>hidden) << 2);
  let z: f32 = load<f32>(d2b);
  for (let j = 0; j < hidden; j++) {
    const wb = d1w + ((<usize>(j * flat)) << 2);
    let acc = f32x4.splat(0);
    let i = 0;
    for (; i + 4 <= flat; i += 4) {
      const io = (<usize>i) << 2;
      acc = f32x4.add(acc, f32x4.mul(v128.load(wb + io), v128.load(x + io)));
    }
    let s: f32 =
      load<f32>(d1b + ((<usize>j) << 2)) +
      f32x4.extract_lane(acc, 0) +
      f32x4.extract_lane(acc, 1) +
      f32x4.extract_lane(acc, 2) +
      f32x4.extract_lane(acc, 3);
    for (; i < flat; i++) s += load<f32>(wb + ((<usize>i) << 2)) * load<f32>(x + ((<usize>i) << 2));
    if (s > 0) z += load<f32>(d2w + ((<usize>j) << 2)) * s;
  }
  return <f64>z;
}
