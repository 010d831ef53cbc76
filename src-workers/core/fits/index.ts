/**
 * Public surface of the FITS core: parse and encode FITS bytes (no file access; see `src-workers/io`).
 * Card → header → HDU → data, as astropy.io.fits layers it.
 */
export {
  FitsHeader,
  COMMENTARY_KEYS,
  formatCard,
  parseCard,
  wrapCommentary,
  type FitsCard,
  type FitsValue,
} from './header.js';
export {
  parseFits,
  parseHeaderUnit,
  dataLayout,
  checkMagic,
  BLOCK,
  type FitsHdu,
  type HduKind,
  type ParseOptions,
  type ParsedFits,
  type DataLayout,
  type HeaderUnit,
} from './parse.js';
export {
  checkImageReadSize,
  decodePixels,
  decodeImageHdu,
  encodePixels,
  scalingFromHeader,
  defaultScaling,
  imageShape,
  rowRange,
  type PixelScaling,
  type EncodeScaling,
  type ImageReadOptions,
} from './pixels.js';
export {
  encodeFits,
  imageHdu,
  cubeHdu,
  headerBytes,
  isStructuralKey,
  type EncodeHdu,
  type EncodeOptions,
  type ImageHduOptions,
  type HeaderInput,
} from './encode.js';
export { onesComplementSum, encodeChecksum, addSums } from './checksum.js';
export {
  verifyChecksums,
  checkHduSums,
  hasChecksumKeys,
  summarizeChecksums,
  type ChecksumReport,
  type ChecksumState,
} from './verify.js';
export {
  decodeCompressedImage,
  imageHeaderOfCompressed,
  ditherRandoms,
  unshuffle,
  type CompressedReadOptions,
} from './tiles.js';
export {
  decodeTable,
  tableHdu,
  binaryFields,
  type TableColumn,
  type TableColumnInput,
  type DecodedTable,
  type ColumnData,
  type TableHduOptions,
  type TableReadOptions,
  type BinaryField,
} from './table.js';
export { riceDecode } from './rice.js';
export { plioDecode } from './plio.js';
export { hcompressDecode, type HcompressTile } from './hcompress.js';
