/**
 * IRAF PLIO line-list decoding (PLIO_1 tile compression; IRAF `pl_l2pi`). A line list is a header of
 * 16-bit words followed by instructions: opcode in the top 4 bits, 12 bits of data: zero runs, value
 * runs, value set/increment/decrement, and single-pixel steps.
 */
import { InputError } from '../errors.js';

/** Decodes a big-endian 16-bit line list (the tile's bytes) into `n` pixels. */
export function plioDecode(bytes: Uint8Array, n: number, where = 'input'): Int32Array {
  const words = bytes.length >> 1;
  const w = new Int16Array(words);
  for (let i = 0; i < words; i++) w[i] = (bytes[2 * i] << 8) | bytes[2 * i + 1];
  // 1-based access as in the IRAF source.
  const L = (k: number): number => {
    if (k < 1 || k > words) throw new InputError('FITS_BAD_COMPRESSION', `${where}: PLIO_1 line list is truncated`);
    return w[k - 1];
  };
  const out = new Int32Array(n);
  if (words < 3) throw new InputError('FITS_BAD_COMPRESSION', `${where}: PLIO_1 line list is truncated`);
  let length: number;
  let first: number;
  if (L(3) > 0) {
    length = L(3);
    first = 4;
  } else {
    length = (L(5) << 15) + L(4);
    first = L(2) + 1;
  }
  if (n <= 0 || length <= 0) return out;
  if (length > words)
    throw new InputError('FITS_BAD_COMPRESSION', `${where}: PLIO_1 line list claims ${length} words, has ${words}`);
  const xs = 1;
  const xe = n;
  let op = 0; // 0-based output index
  let x1 = 1;
  let pv = 1;
  for (let ip = first; ip <= length; ip++) {
    const word = L(ip);
    const opcode = Math.trunc(word / 4096);
    const data = word & 4095;
    switch (opcode) {
      case 0:
      case 4:
      case 5: {
        const x2 = x1 + data - 1;
        const i1 = Math.max(x1, xs);
        const i2 = Math.min(x2, xe);
        const np = i2 - i1 + 1;
        if (np > 0) {
          const otop = op + np;
          if (opcode === 4) out.fill(pv, op, otop);
          else {
            out.fill(0, op, otop);
            if (opcode === 5 && i2 === x2) out[otop - 1] = pv;
          }
          op = otop;
        }
        x1 = x2 + 1;
        break;
      }
      case 1:
        pv = (L(ip + 1) << 12) + data;
        ip++;
        break;
      case 2:
        pv += data;
        break;
      case 3:
        pv -= data;
        break;
      case 6:
      case 7:
        pv += opcode === 6 ? data : -data;
        if (x1 >= xs && x1 <= xe) out[op++] = pv;
        x1++;
        break;
      default:
        break;
    }
    if (x1 > xe) break;
  }
  return out;
}
