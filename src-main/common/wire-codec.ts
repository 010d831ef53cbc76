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

export function encodeBinary(value: unknown): Uint8Array {
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
  const out = new Uint8Array(headerBytes + dataBytes);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, jsonBytes.length, true);
  out.set(jsonBytes, 8);
  buffers.forEach((array, i) => {
    out.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), headerBytes + offsets[i]);
  });
  return out;
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
