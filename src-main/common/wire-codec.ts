/**
 * Encodes a JSON-like value that may contain typed arrays into one binary message, so that a 4096²
 * float32 frame crosses the WebSocket as 64 MiB of raw bytes rather than as JSON text.
 *
 * Layout (little-endian): u32 magic 'OWB1', u32 JSON byte length, JSON (UTF-8), zero padding to 8 bytes,
 * then each buffer at an 8-byte aligned offset. In the JSON a typed array becomes
 * `{"$typed": TYPE, "offset": BYTES, "length": ELEMENTS}`.
 */

// The common layer is compiled without DOM or Node types; these two globals exist in every runtime we target.
declare const TextEncoder: { new (): { encode(input: string): Uint8Array } };
declare const TextDecoder: { new (): { decode(input: Uint8Array): string } };

const MAGIC = 0x3142574f; // 'OWB1'

type TypedArray =
  Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array | Uint8Array | Int8Array;
const CONSTRUCTORS = {
  Float32Array,
  Float64Array,
  Int32Array,
  Uint32Array,
  Int16Array,
  Uint16Array,
  Uint8Array,
  Int8Array,
} as const;
type TypedName = keyof typeof CONSTRUCTORS;

function typedName(value: unknown): TypedName | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  const name = (value as TypedArray).constructor.name as TypedName;
  return name in CONSTRUCTORS ? name : null;
}

/** True when `value` holds at least one typed array (then it should travel as `encodeBinary`). */
export function containsTypedArray(value: unknown, depth = 0): boolean {
  if (depth > 8 || value === null || typeof value !== 'object') return false;
  if (typedName(value)) return true;
  if (Array.isArray(value)) return value.some((v) => containsTypedArray(v, depth + 1));
  return Object.values(value).some((v) => containsTypedArray(v, depth + 1));
}

/** The whole message (layout above) in one buffer, for transports that take one (a WebSocket message). */
export function encodeBinary(value: unknown): Uint8Array {
  const parts = encodeBinaryParts(value);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/**
 * `encodeBinary`'s message as a list of byte chunks whose concatenation is that message: the header
 * (magic, length, JSON, padding), then each typed array's own bytes as a view (not copied) followed by
 * its zero padding. A server writes them in turn, so a 64 MiB frame sent to 200 clients is never copied.
 */
export function encodeBinaryParts(value: unknown): Uint8Array[] {
  const buffers: TypedArray[] = [];
  const offsets: number[] = [];
  let dataBytes = 0;
  const json = JSON.stringify(value, function replacer(this: unknown, _key, v: unknown) {
    const name = typedName(v);
    if (!name) return v;
    const array = v as TypedArray;
    const offset = dataBytes;
    buffers.push(array);
    offsets.push(offset);
    dataBytes += Math.ceil(array.byteLength / 8) * 8;
    return { $typed: name, offset, length: array.length };
  });
  const jsonBytes = new TextEncoder().encode(json);
  const headerBytes = Math.ceil((8 + jsonBytes.length) / 8) * 8;
  const header = new Uint8Array(headerBytes);
  const view = new DataView(header.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, jsonBytes.length, true);
  header.set(jsonBytes, 8);
  const parts: Uint8Array[] = [header];
  buffers.forEach((array, i) => {
    parts.push(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    const end = offsets[i] + array.byteLength;
    const padded = i + 1 < offsets.length ? offsets[i + 1] : dataBytes;
    if (padded > end) parts.push(new Uint8Array(padded - end));
  });
  return parts;
}

/** Decodes `encodeBinary`'s output; typed arrays are views on `bytes` (no copy when aligned). */
export function decodeBinary(bytes: Uint8Array): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('binary message: bad magic');
  const jsonLength = view.getUint32(4, true);
  const json = new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength));
  const headerBytes = Math.ceil((8 + jsonLength) / 8) * 8;
  // Typed-array views need their element alignment; copy once if the transport handed us an unaligned slice.
  const base = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  return JSON.parse(json, (_key, v: unknown) => {
    if (v && typeof v === 'object' && '$typed' in v) {
      const { $typed, offset, length } = v as { $typed: TypedName; offset: number; length: number };
      const Ctor = CONSTRUCTORS[$typed];
      if (!Ctor) throw new Error(`binary message: unknown typed array ${String($typed)}`);
      return new Ctor(base.buffer as ArrayBuffer, base.byteOffset + headerBytes + offset, length);
    }
    return v;
  });
}
