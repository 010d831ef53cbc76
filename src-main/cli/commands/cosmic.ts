import { basename } from 'node:path';
import { frameInfo } from '../../../src-workers/core/calibrate/index.js';
import { readFitsImage, writeFitsImage } from '../../../src-workers/io/fits-file.js';
import { laCosmicInStrips } from '../../node/calibrate/cosmic-strips.js';
import { derivedHeader } from '../../node/calibrate/headers.js';
import { UsageError } from '../cli-errors.js';
import { numberOption, parseCommandArgs, type CliCommand } from '../command.js';
import { workersOption } from './masters.js';

export const command: CliCommand = {
  name: 'cosmic',
  summary: 'detect and remove cosmic rays on one frame with L.A.Cosmic',
  usage: `
Usage: owb cosmic FILE --out CLEAN.fits --mask MASK.fits [options]

L.A.Cosmic (van Dokkum 2001). The mask is 1 where a pixel was flagged.

Options:
  --sigclip S      Laplacian-to-noise detection limit   [4.5]
  --sigfrac F      fraction of sigclip for neighbours   [0.3]
  --objlim O       contrast limit against stars   [5]
  --niter N        iterations   [4]
  --gain G         e-/ADU   [GAIN keyword, else 1]
  --readnoise R    read noise in e-   [RDNOISE keyword, else 6.5]
  --satlevel S     saturation in electrons   [SATURATE keyword × gain, else 65536]
  --workers N      worker threads (the frame is cut into strips)   [cores]
`,
  async run(argv, ctx) {
    const args = parseCommandArgs('cosmic', argv, {
      out: { type: 'string' },
      mask: { type: 'string' },
      sigclip: { type: 'string' },
      sigfrac: { type: 'string' },
      objlim: { type: 'string' },
      niter: { type: 'string' },
      gain: { type: 'string' },
      readnoise: { type: 'string' },
      satlevel: { type: 'string' },
      workers: { type: 'string' },
    });
    const v = args.values;
    if (args.positionals.length !== 1) throw new UsageError('cosmic: give exactly one input FILE');
    if (!v.out) throw new UsageError('cosmic: --out CLEAN.fits is required');
    const file = args.positionals[0];
    const { image, header } = await readFitsImage(file);
    const info = frameInfo(header);
    const gain = numberOption('gain', v.gain, info.gainEPerAdu ?? 1);
    const saturate = header.getNumber('SATURATE');
    const result = await laCosmicInStrips(image, {
      threads: workersOption(v.workers),
      sigclip: numberOption('sigclip', v.sigclip, 4.5),
      sigfrac: numberOption('sigfrac', v.sigfrac, 0.3),
      objlim: numberOption('objlim', v.objlim, 5),
      niter: numberOption('niter', v.niter, 4),
      gainEPerAdu: gain,
      readNoiseE: numberOption('readnoise', v.readnoise, header.getNumber('RDNOISE') ?? 6.5),
      saturationE: numberOption('satlevel', v.satlevel, saturate !== undefined ? saturate * gain : 65536),
    });
    const h = derivedHeader(header);
    h.set('CRPIXELS', result.count, 'pixels cleaned by L.A.Cosmic');
    await writeFitsImage(v.out, result.clean, { header: h, history: [`L.A.Cosmic by owb on ${basename(file)}`] });
    if (v.mask) {
      const m = new Float32Array(result.mask.length);
      for (let i = 0; i < m.length; i++) m[i] = result.mask[i];
      await writeFitsImage(
        v.mask,
        { width: image.width, height: image.height, data: m },
        {
          bitpix: 8,
          header: { IMAGETYP: 'CR mask', CRPIXELS: result.count },
          history: [`L.A.Cosmic mask of ${basename(file)} (1 = cosmic ray)`],
        },
      );
    }
    ctx.stdout.write(`${result.count} cosmic-ray pixels in ${basename(file)}\n`);
  },
};
