/**
 * Rewrites one HDU's header in a FITS file's bytes and keeps every other byte: the data, the other HDUs
 * and the cards not named. Used to add a plate solution to a copy of a frame. The header grows by whole
 * 2880-byte blocks; a CHECKSUM card is dropped (it covered the old header), DATASUM stays valid.
 */
import { BLOCK, formatCard, type FitsCard, type FitsHdu } from '../core/fits/index.js';

/** Returns new file bytes with `hdu`'s cards filtered by `keep(key)` and `add` appended before END. */
export function editHeaderBytes(
  bytes: Uint8Array,
  hdu: FitsHdu,
  keep: (key: string) => boolean,
  add: readonly FitsCard[],
): Uint8Array {
  const lines: string[] = [];
  const text = new TextDecoder('latin1');
  for (let off = hdu.headerOffset; off < hdu.dataOffset; off += 80) {
    const card = text.decode(bytes.subarray(off, off + 80));
    const key = card.slice(0, 8).trim();
    if (key === 'END' && (card.length < 9 || card[8] === ' ' || card.slice(8).trim() === '')) break;
    // CONTINUE cards belong to the card before: they go with it.
    if (key === 'CONTINUE') {
      if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push(card);
      continue;
    }
    if (key === 'CHECKSUM' || !keep(key)) {
      lines.push('');
      continue;
    }
    lines.push(card);
  }
  const kept = lines.filter((l) => l !== '');
  // Blank cards at the end of the old header (padding before END) are dropped, new cards go after.
  while (kept.length > 0 && kept[kept.length - 1].trim() === '') kept.pop();
  for (const c of add) kept.push(...formatCard(c));
  kept.push('END'.padEnd(80, ' '));
  const headerBytes = Math.ceil((kept.length * 80) / BLOCK) * BLOCK;
  const header = new Uint8Array(headerBytes).fill(0x20);
  kept.forEach((line, i) => {
    for (let k = 0; k < 80; k++) header[80 * i + k] = line.charCodeAt(k) & 0xff;
  });
  const out = new Uint8Array(hdu.headerOffset + headerBytes + (bytes.length - hdu.dataOffset));
  out.set(bytes.subarray(0, hdu.headerOffset), 0);
  out.set(header, hdu.headerOffset);
  out.set(bytes.subarray(hdu.dataOffset), hdu.headerOffset + headerBytes);
  return out;
}
