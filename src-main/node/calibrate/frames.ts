/**
 * Opening the frames of a calibration run: header facts and geometry of each file, read without the
 * pixel data, and checks that a set of frames can be combined.
 */
import { basename } from 'node:path';
import { frameInfo, requireCompatible, type FrameInfo } from '../../../src-workers/core/calibrate/index.js';
import { InputError } from '../../../src-workers/core/errors.js';
import type { FitsHeader } from '../../../src-workers/core/fits/index.js';
import { firstImageHdu, readFitsStructure } from '../../../src-workers/io/fits-file.js';

/** One frame on disk: where it is, its header facts and its size. */
export interface FrameFile {
  path: string;
  name: string;
  hdu: number;
  width: number;
  height: number;
  header: FitsHeader;
  info: FrameInfo;
}

/** Reads the header and geometry of `path` (first 2-D image HDU); throws `InputError` for unusable files. */
export async function openFrame(path: string): Promise<FrameFile> {
  const { hdus } = await readFitsStructure(path);
  const name = basename(path);
  const hdu = firstImageHdu(hdus);
  if (hdu < 0) throw new InputError('FITS_NO_IMAGE', `${name}: no HDU holds a 2-D image`);
  const h = hdus[hdu];
  const header = h.header;
  return { path, name, hdu, width: h.naxis[0], height: h.naxis[1], header, info: frameInfo(header) };
}

/** Opens every frame and refuses the set unless all share size and binning (message names the odd file). */
export async function openCompatibleFrames(paths: readonly string[], role: string): Promise<FrameFile[]> {
  if (paths.length === 0) throw new InputError('NO_FRAMES', `no ${role} frames given`);
  const frames: FrameFile[] = [];
  for (const p of paths) frames.push(await openFrame(p));
  const ref = frames[0];
  const geom = (f: FrameFile): { name: string; width: number; height: number; binX: number; binY: number } => ({
    name: f.name,
    width: f.width,
    height: f.height,
    binX: f.info.binX,
    binY: f.info.binY,
  });
  for (const f of frames.slice(1)) requireCompatible(geom(ref), geom(f));
  return frames;
}

/** Geometry record of a frame for `requireCompatible`. */
export function geometryOf(f: FrameFile): { name: string; width: number; height: number; binX: number; binY: number } {
  return { name: f.name, width: f.width, height: f.height, binX: f.info.binX, binY: f.info.binY };
}
