import { addSums, encodeChecksum } from '../core/fits/checksum.js';
import { encodeFits, imageHdu } from '../core/fits/encode.js';
import { formatCard, formatNumber, isStandardKeyword, pad80, type FitsValue } from '../core/fits/header.js';
import { synthKernels } from '../core/synth/kernels/instance.js';

/** A keyword card with a value (what `imageHdu` takes as a header). */
export interface ValueCard {
  key: string;
  value: FitsValue;
  comment?: string;
}

const BLOCK = 2880;
const CARD = 80;

interface Template {
  /** Address of the whole file (header, data and padding) in the kernels' memory. */
  at: number;
  length: number;
  headerLength: number;
  /** Byte offset of each keyword's card. */
  slots: Map<string, number>;
  /** The keywords of the cards given, in order: later images must have the same. */
  keys: string;
  /** What each given card holds now, so that a card whose value did not change is not formatted again. */
  written: Array<{ value: FitsValue; comment?: string }>;
  /** Per given card, then DATASUM and CHECKSUM: how to write its new values without formatCard, if possible. */
  quick: Array<QuickCard | undefined>;
  width: number;
  height: number;
}

/**
 * Single-HDU float32 FITS files for many synthetic images of one size whose headers differ only in
 * their values. The first file comes from core's `encodeFits`; each later one reuses its header and
 * buffer (in the synth kernels' memory), rewriting the cards whose values changed, DATASUM and CHECKSUM,
 * and the data, which a kernel converts and sums in one pass. Per image, building a header, three
 * checksum passes and their allocations cost several times what the pixels do; the bytes are those
 * `encodeFits` writes (tested). The returned bytes live in the encoder's buffer until the next call.
 */
export class SynthFitsEncoder {
  private template: Template | undefined;
  private readonly kernels = synthKernels();

  /**
   * `expected`: the image size to come, whose file buffer is then taken now. Taking it later may grow
   * the kernels' memory, which detaches views of it that the caller holds (such as its pixel buffer).
   */
  constructor(expected?: { width: number; height: number }) {
    if (expected) this.kernels.scratchOf('fits file', fileBytesAtMost(expected.width, expected.height));
  }

  encode(width: number, height: number, pixels: Float64Array, cards: ValueCard[]): Uint8Array {
    const t = this.template;
    if (!t || t.width !== width || t.height !== height || keysOf(cards) !== t.keys) {
      return this.first(width, height, pixels, cards);
    }
    const k = this.kernels;
    const n = width * height;
    // Data first: taking a scratch copy of pixels outside the kernels' memory may grow (detach) it.
    let from = pixels.byteOffset;
    if (!k.owns(pixels)) {
      from = k.scratchOf('fits pixels', 8 * n);
      k.f64(from, n).set(pixels);
    }
    const dataSum = k.exports.float32BigEndian(from, t.at + t.headerLength, n) >>> 0;
    const file = k.u8(t.at, t.length);
    const count = cards.length;
    for (let c = 0; c < count; c++) {
      const card = cards[c];
      const was = t.written[c];
      if (was.value === card.value && was.comment === card.comment) continue;
      writeCard(file, t.slots.get(card.key)!, cardText(t.quick[c], card));
      t.written[c] = { value: card.value, comment: card.comment };
    }
    writeCard(file, t.slots.get('DATASUM')!, cardText(t.quick[count], dataSumCard(dataSum)));
    const checksumAt = t.slots.get('CHECKSUM')!;
    writeCard(file, checksumAt, ZERO_CHECKSUM_CARD);
    const headerSum = k.exports.onesComplementSum32(t.at, t.headerLength) >>> 0;
    writeCard(
      file,
      checksumAt,
      cardText(t.quick[count + 1], checksumCard(encodeChecksum(addSums(headerSum, dataSum)))),
    );
    return file;
  }

  /** Encodes with `encodeFits` and keeps the result as the template when its cards can be rewritten in place. */
  private first(width: number, height: number, pixels: Float64Array, cards: ValueCard[]): Uint8Array {
    const file = encodeFits([imageHdu({ width, height, data: Float32Array.from(pixels) }, { header: cards })]);
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
      const at = this.kernels.scratchOf('fits file', Math.max(file.length, fileBytesAtMost(width, height)));
      this.kernels.u8(at, file.length).set(file);
      const written = cards.map((c) => ({ value: c.value, comment: c.comment }));
      const quick = [...cards, dataSumCard(0), checksumCard('0000000000000000')].map(quickCard);
      const keys = keysOf(cards);
      this.template = { at, length: file.length, headerLength, slots, keys, written, quick, width, height };
    } else this.template = undefined;
    return file;
  }
}

/** The size of a float32 image's file with a header of up to four blocks (what synthetic images have). */
function fileBytesAtMost(width: number, height: number): number {
  return (4 + Math.ceil((4 * width * height) / BLOCK)) * BLOCK;
}

function keysOf(cards: ValueCard[]): string {
  return cards.map((c) => c.key).join(',');
}

const dataSumCard = (sum: number): ValueCard => ({ key: 'DATASUM', value: String(sum), comment: 'data unit checksum' });
const checksumCard = (value: string): ValueCard => ({ key: 'CHECKSUM', value, comment: 'HDU checksum' });
/** CHECKSUM holds zeros while the header is summed (FITS checksum convention). */
const ZERO_CHECKSUM_CARD = formatCard(checksumCard('0000000000000000'))[0];

/**
 * A card whose new values can be written as key, value and comment pasted together: a standard keyword
 * and the comment the template's card had. Checked against formatCard when the template is made.
 */
interface QuickCard {
  prefix: string;
  comment: string | undefined;
  tail: string;
}

/**
 * Per image, formatCard's general path (validation, HIERARCH, long strings) cost more than the pixels, and
 * each thread's optimising compiler compiled it into the image loop again: numbers and short plain
 * strings, which is what synthetic images' headers hold, take this path.
 */
function quickCard(card: ValueCard): QuickCard | undefined {
  if (!isStandardKeyword(card.key)) return undefined;
  const quick = {
    prefix: `${card.key.padEnd(8)}= `,
    comment: card.comment,
    tail: card.comment ? ` / ${card.comment}` : '',
  };
  const text = quickText(quick, card);
  return text !== undefined && text === formatCard(card)[0] ? quick : undefined;
}

const PLAIN_SHORT_STRING = /^[\x20-\x26\x28-\x7e]{0,68}$/;

function quickText(quick: QuickCard, card: ValueCard): string | undefined {
  if (card.comment !== quick.comment) return undefined;
  const v = card.value;
  let text: string;
  if (typeof v === 'number' && Number.isFinite(v)) text = formatNumber(v, card.key).padStart(20);
  else if (typeof v === 'string' && PLAIN_SHORT_STRING.test(v)) text = `'${v.padEnd(8)}'`.padEnd(20);
  else return undefined;
  return pad80(quick.prefix + text + quick.tail);
}

function cardText(quick: QuickCard | undefined, card: ValueCard): string {
  return (quick && quickText(quick, card)) ?? formatCard(card)[0];
}

function writeCard(file: Uint8Array, at: number, text: string): void {
  for (let i = 0; i < CARD; i++) file[at + i] = text.charCodeAt(i);
}
