import {
  firstImageHdu,
  readFitsImage,
  readFitsStructure,
  type FitsImageRead,
} from '../../../src-workers/io/fits-file.js';

/**
 * Reads the image to detect on. With `shared`, plain and gzip FITS images are read straight into a
 * SharedArrayBuffer, so worker strips are views on it and the frame is never copied (peak memory ≈ one frame).
 */
export async function readFrame(path: string, hdu: number | undefined, shared: boolean): Promise<FitsImageRead> {
  if (!shared) return readFitsImage(path, { hdu });
  const structure = await readFitsStructure(path);
  const index = hdu ?? firstImageHdu(structure.hdus);
  const h = structure.hdus[index];
  if (!h || h.compressed || h.kind !== 'image' || h.naxis.length < 2 || !(h.naxis[0] > 0) || !(h.naxis[1] > 0)) {
    return readFitsImage(path, { hdu });
  }
  const into = new Float32Array(new SharedArrayBuffer(h.naxis[0] * h.naxis[1] * 4));
  return readFitsImage(path, { hdu: index, into });
}
