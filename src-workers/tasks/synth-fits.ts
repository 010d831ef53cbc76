import { addSums, encodeChecksum, onesComplementSum } from '../core/fits/checksum.js';
import { encodeFits, imageHdu } from '../core/fits/encode.js';
import { formatCard, type FitsValue } from '../core/fits/header.js';

/** A keyword card with a value (what `imageHdu` takes as a header). */
export interface ValueCard {
  key: string;
  value: FitsValue;
  comment?: string;
}

const BLOCK = 2880;
const CARD = 80;

interface Template {
  /** The whole file of the first image: header, data and padding. */
  file: Uint8Array;
  headerLength: number;
  /** Byte offset of each keyword's card. */
  slots: Map<string, number>;
  /** The keywords of the cards given, in order: later images must have the same. */
  keys: string;
  width: number;
  height: number;
}

/**
 * Single-HDU float32 FITS files for many synthetic images of one size whose headers differ only in
 * their values. The first file comes from core's `encodeFits`; each later one reuses its header and
 * buffer, rewriting the cards given, DATASUM and CHECKSUM, and the data. Per image, building a header,
 * three checksum passes and their allocations cost several times what the pixels do; the bytes are
 * those `encodeFits` writes (tested). The returned bytes live in the encoder's buffer until the next call.
 */
export class SynthFitsEncoder {
  private template: Template | undefined;

  encode(width: number, height: number, pixels: Float64Array, cards: ValueCard[]): Uint8Array {
    const t = this.template;
    if (!t || t.width !== width || t.height !== height || keysOf(cards) !== t.keys) {
      return this.first(width, height, pixels, cards);
    }
    const { file, headerLength, slots } = t;
    for (const card of cards) writeCard(file, slots.get(card.key)!, formatCard(card)[0]);
    const n = width * height;
    const values = new Float32Array(file.buffer, file.byteOffset + headerLength, n);
    values.set(pixels);
    // Big-endian, as encodePixels writes them.
    const words = new Uint32Array(file.buffer, file.byteOffset + headerLength, n);
    for (let i = 0; i < n; i++) {
      const v = words[i];
      words[i] = (v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24);
    }
    const dataSum = onesComplementSum(file.subarray(headerLength, headerLength + 4 * n));
    writeCard(file, slots.get('DATASUM')!, formatCard(dataSumCard(dataSum))[0]);
    const checksumAt = slots.get('CHECKSUM')!;
    writeCard(file, checksumAt, formatCard(checksumCard('0000000000000000'))[0]);
    const headerSum = onesComplementSum(file.subarray(0, headerLength));
    writeCard(file, checksumAt, formatCard(checksumCard(encodeChecksum(addSums(headerSum, dataSum))))[0]);
    return file;
  }

  /** Encodes with `encodeFits` and keeps the result as the template when its cards can be rewritten in place. */
  private first(width: number, height: number, pixels: Float64Array, cards: ValueCard[]): Uint8Array {
    const file = encodeFits([imageHdu({ width, height, data: Float32Array.from(pixels) }, { header: cards })]);
    this.template = undefined;
    const slots = new Map<string, number>();
    let headerLength = 0;
    for (let at = 0; at + CARD <= file.length; at += CARD) {
      const key = String.fromCharCode(...file.subarray(at, at + 8)).trimEnd();
      if (key === 'END') {
        headerLength = Math.ceil((at + CARD) / BLOCK) * BLOCK;
        break;
      }
      // A keyword seen twice (or a long string's CONTINUE cards) has no single place to rewrite.
      slots.set(key, slots.has(key) ? -1 : at);
    }
    const rewritable = [...cards.map((c) => c.key), 'DATASUM', 'CHECKSUM'].every((key) => (slots.get(key) ?? -1) >= 0);
    const singleCards = cards.every((c) => formatCard(c).length === 1);
    if (headerLength > 0 && rewritable && singleCards) {
      this.template = { file: file.slice(), headerLength, slots, keys: keysOf(cards), width, height };
    }
    return file;
  }
}

function keysOf(cards: ValueCard[]): string {
  return cards.map((c) => c.key).join(',');
}

const dataSumCard = (sum: number): ValueCard => ({ key: 'DATASUM', value: String(sum), comment: 'data unit checksum' });
const checksumCard = (value: string): ValueCard => ({ key: 'CHECKSUM', value, comment: 'HDU checksum' });

function writeCard(file: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < CARD; i++) file[at + i] = text.charCodeAt(i);
}
