/**
 * One frame through plate solving: read the image, detect its stars, take hints from the header and the
 * caller, load the astrometry.net indexes that fit the frame (cached for the thread's life), solve, and
 * optionally write a copy of the file with the solution in the image header (provenance in HISTORY).
 * Used by `plate-solve.task.ts` in worker threads and by tests directly.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { detectSources, SourceFlag } from '../core/detect/index.js';
import { fitZeroPoint } from '../core/astrometry/zero-point.js';
import { InputError } from '../core/errors.js';
import { headerHints } from '../core/astrometry/header-hints.js';
import { prepareIndex, solveField, type PlateSolution, type SolveIndex } from '../core/astrometry/solve.js';
import { plateWcsCards, sipOrderOf } from '../core/astrometry/tan-sip.js';
import { skyQuadIndex } from '../core/astrometry/sky-quads.js';
import { radecToXyz } from '../core/astrometry/sphere.js';
import type { FitsCard } from '../core/fits/index.js';
import type { PlateSolveInput, PlateSolveOutput } from '../../src-main/common/tasks/plate-solve.js';

export type { PlateSolveInput, PlateSolveOutput };
import { readFitsFile, readFitsImage } from '../io/fits-file.js';
import { editHeaderBytes } from '../io/fits-header-edit.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { DEFAULT_INDEX_DIRS, findStarIndexes, readStarIndex, type StarIndexInfo } from '../io/star-index-file.js';

const PROVENANCE = 'owb solve';
const loaded = new Map<string, Promise<SolveIndex>>();

function loadIndex(info: StarIndexInfo, quads: boolean): Promise<SolveIndex> {
  const key = `${info.path}|${quads}`;
  let p = loaded.get(key);
  if (!p) {
    p = readStarIndex(info.path, { quads }).then(prepareIndex);
    loaded.set(key, p);
  }
  return p;
}

const WCS_KEY =
  /^(WCSAXES|CTYPE\d|CUNIT\d|CRPIX\d|CRVAL\d|CDELT\d|CROTA\d|CD\d_\d|PC\d_\d|PV\d_\d+|LONPOLE|LATPOLE|RADESYS|EQUINOX|WCSNAME|PHOTZP|PHOTZPER|(A|B|AP|BP)_(ORDER|\d_\d))$/;

/** Solves one frame (see the module comment). Bad input throws `InputError`; "not solved" is a result. */
export async function plateSolveFrame(input: PlateSolveInput): Promise<PlateSolveOutput> {
  const t0 = performance.now();
  const deadline = t0 + 1000 * (input.maxSeconds ?? 30);
  const file = basename(input.path);
  const { image, header, hduIndex } = await readFitsImage(input.path, { hdu: input.hdu });
  const hints = headerHints(header);
  const hintSource = [...hints.source];
  let hint: { raDeg: number; decDeg: number; radiusDeg: number } | undefined;
  if (input.raDeg !== undefined && input.decDeg !== undefined) {
    hint = { raDeg: input.raDeg, decDeg: input.decDeg, radiusDeg: input.radiusDeg ?? 2 };
    hintSource.unshift('--ra/--dec');
  } else if (!input.blind && hints.raDeg !== undefined && hints.decDeg !== undefined)
    hint = { raDeg: hints.raDeg, decDeg: hints.decDeg, radiusDeg: input.radiusDeg ?? hints.radiusDeg ?? 2 };
  let scaleLow = input.scaleLowArcsec;
  let scaleHigh = input.scaleHighArcsec;
  if (scaleLow === undefined && scaleHigh === undefined && hints.scaleArcsec) {
    scaleLow = hints.scaleArcsec * 0.85;
    scaleHigh = hints.scaleArcsec * 1.15;
  }
  scaleLow ??= 0.5;
  scaleHigh ??= 30;
  if (!(scaleLow > 0) || !(scaleHigh >= scaleLow))
    throw new InputError('BAD_SCALE', `scale range ${scaleLow}–${scaleHigh} arcsec/px is not a positive range`);

  const catalog = detectSources(image, { threshSigma: 5, minAreaPx: 5 });
  const done = (o: Partial<PlateSolveOutput>): PlateSolveOutput => ({
    file,
    solved: false,
    detections: catalog.count,
    hintSource,
    seconds: (performance.now() - t0) / 1000,
    ...o,
  });

  // Indexes whose quads are 10 %–100 % of the field: at most the three nearest to 35 % of it.
  const diagArcsec = Math.hypot(image.width, image.height);
  const fieldLow = Math.min(image.width, image.height) * scaleLow;
  const fieldHigh = diagArcsec * scaleHigh;
  const infos = await findStarIndexes(input.indexDirs ?? DEFAULT_INDEX_DIRS);
  if (infos.length === 0)
    return done({ reason: 'no astrometry.net index files found (install astrometry-data-tycho2-*)' });
  const asec = (rad: number) => (rad * 180 * 3600) / Math.PI;
  const target = 0.35 * Math.sqrt(fieldLow * fieldHigh);
  const usable = infos
    .filter((i) => asec(i.scaleHighRad) >= 0.1 * fieldLow && asec(i.scaleLowRad) <= fieldHigh)
    .sort(
      (a, b) =>
        Math.abs(Math.log(asec(Math.sqrt(a.scaleLowRad * a.scaleHighRad)) / target)) -
        Math.abs(Math.log(asec(Math.sqrt(b.scaleLowRad * b.scaleHighRad)) / target)),
    )
    .slice(0, 3);
  if (usable.length === 0) {
    const smallest = Math.min(...infos.map((i) => asec(i.scaleLowRad)));
    return done({
      reason: `no index has quads for a ${(fieldHigh / 60).toFixed(1)}′ field (smallest quads: ${(smallest / 60).toFixed(0)}′; install 4200/5200-series indexes for narrow fields)`,
    });
  }
  const indexes = await Promise.all(usable.map((i) => loadIndex(i, true)));
  // Verification uses the densest star list available (Tycho-2 index 07 has 1.9 million stars).
  const densest = infos.reduce((a, b) => (b.starCount > a.starCount ? b : a));
  const reference = usable.includes(densest) ? indexes[usable.indexOf(densest)] : await loadIndex(densest, false);

  if (hint) {
    // Quads of the frame's own size from the catalog stars around the hint (see sky-quads.ts).
    const minDim = Math.min(image.width, image.height);
    indexes.push(
      skyQuadIndex(reference, {
        centre: radecToXyz(hint.raDeg, hint.decDeg),
        radiusDeg: Math.min(180, hint.radiusDeg + (diagArcsec * scaleHigh) / 7200),
        abLowRad: ((0.3 * minDim * scaleLow) / 3600) * (Math.PI / 180),
        abHighRad: ((0.95 * minDim * scaleHigh) / 3600) * (Math.PI / 180),
      }),
    );
  }
  const sol = solveField(
    { x: catalog.x, y: catalog.y, flux: catalog.flux, fwhm: catalog.fwhm },
    indexes,
    {
      width: image.width,
      height: image.height,
      hint,
      scaleLowArcsec: scaleLow,
      scaleHighArcsec: scaleHigh,
      shouldStop: () => performance.now() > deadline,
    },
    reference,
  );
  if (!sol.solved)
    return done({
      reason:
        sol.reason === 'cancelled'
          ? `gave up after ${input.maxSeconds ?? 30} s (${sol.quadsTried} field quads)`
          : sol.reason,
    });
  // Zero point from the matched stars' V_T and total (Kron) fluxes; saturated, blended and truncated
  // stars are left out.
  const bad = SourceFlag.SATURATED | SourceFlag.BLENDED | SourceFlag.TRUNCATED;
  const zero = fitZeroPoint(
    sol.matchedMag,
    sol.matchedField.map((d) => catalog.fluxAuto[d]),
    sol.matchedField.map((d) => (catalog.flags[d] & bad) !== 0),
  );
  const cards = solutionCards(sol, file, hintSource);
  if (zero) {
    cards.splice(
      cards.findIndex((c) => c.key === 'HISTORY'),
      0,
      { key: 'PHOTZP', value: Number(zero.zp.toFixed(4)), comment: 'mag = PHOTZP - 2.5 log10(total ADU), Tycho-2 V_T' },
      { key: 'PHOTZPER', value: Number(zero.zpErr.toFixed(4)), comment: 'error of PHOTZP [mag]' },
    );
    cards.push({
      key: 'HISTORY',
      comment: `${PROVENANCE}: PHOTZP from ${zero.used} of ${zero.offered} stars, rms ${zero.rms.toFixed(3)} mag`,
    });
  }
  let written: string | undefined;
  if (input.outPath) {
    await writeSolvedCopy(input.path, input.outPath, hduIndex, cards);
    written = input.outPath;
  }
  return done({
    solved: true,
    centreRa: sol.centreRa,
    centreDec: sol.centreDec,
    scaleArcsec: sol.scaleArcsec,
    rotationDeg: sol.rotationDeg,
    flipped: sol.flipped,
    matched: sol.matchedField.length,
    rmsArcsec: sol.rmsArcsec,
    logOdds: sol.logOdds,
    sipOrder: sipOrderOf(sol.wcs),
    indexId: sol.indexId,
    zeroPoint: zero?.zp,
    zeroPointErr: zero?.zpErr,
    zeroPointStars: zero?.used,
    cards,
    written,
  });
}

/** The WCS cards and the provenance HISTORY/COMMENT cards of a solution. */
export function solutionCards(sol: PlateSolution, file: string, hintSource: string[]): FitsCard[] {
  const cards: FitsCard[] = plateWcsCards(sol.wcs).map((c) => ({ key: c.key, value: c.value, comment: c.comment }));
  cards.push(
    { key: 'HISTORY', comment: `${PROVENANCE}: plate solution of ${file} by Observatory Workbench` },
    {
      key: 'HISTORY',
      comment: `${PROVENANCE}: index ${sol.indexId} quads, Tycho-2 stars, ${sol.matchedField.length} matched`,
    },
    {
      key: 'HISTORY',
      comment: `${PROVENANCE}: log-odds ${sol.logOdds.toFixed(1)}, rms ${sol.rmsArcsec.toFixed(3)} arcsec, SIP order ${sipOrderOf(sol.wcs)}`,
    },
    { key: 'COMMENT', comment: `WCS hints: ${hintSource.length ? hintSource.join(', ') : 'none (blind)'}` },
  );
  return cards;
}

/** Writes `src` with `cards` in HDU `hduIndex` to `out`, refusing the input itself and files we did not write. */
export async function writeSolvedCopy(src: string, out: string, hduIndex: number, cards: FitsCard[]): Promise<void> {
  if (existsSync(out)) {
    if (realpathSync(out) === realpathSync(src))
      throw new InputError('SOLVE_OUT_IS_INPUT', `${out}: is the input file; owb solve never overwrites an input`);
    const head = readFileSync(out)
      .subarray(0, 2880 * 40)
      .toString('latin1');
    if (!head.includes(`HISTORY ${PROVENANCE}:`))
      throw new InputError('SOLVE_OUT_EXISTS', `${out}: exists and was not written by owb solve; not overwriting it`);
  }
  const { bytes, hdus } = await readFitsFile(src);
  const hdu = hdus[hduIndex];
  const edited = editHeaderBytes(bytes, hdu, (key) => !WCS_KEY.test(key), cards);
  await writeFileAtomic(out, edited);
}
