/**
 * One frame through plate solving: read the image, detect its stars, take hints from the header and the
 * caller, load the astrometry.net indexes that fit the frame (cached for the thread's life), solve, and
 * optionally write a copy of the file with the solution in the image header (provenance in HISTORY).
 * Used by `plate-solve.task.ts` in worker threads and by tests directly.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename } from 'node:path';
import { detectSources, SourceFlag } from '../core/detect/index.js';
import { InputError } from '../core/errors.js';
import { headerHints, type HintSource } from '../core/astrometry/header-hints.js';
import { prepareIndex, solveField, type PlateSolution, type SolveIndex } from '../core/astrometry/solve.js';
import { plateWcsCards, sipOrderOf } from '../core/astrometry/tan-sip.js';
import { skyQuadIndex } from '../core/astrometry/sky-quads.js';
import { quadsFromTriangles, withBuiltQuads } from '../core/astrometry/triangle-quads.js';
import { radecToXyz } from '../core/astrometry/sphere.js';
import { buildConeLookup, coneLookupFromOrder, coneStars } from '../core/astrometry/star-index.js';
import { cachedSolveArrays } from '../io/solve-cache.js';
import { calibrateSolution } from './solve-photometry.js';
import type { FitsCard } from '../core/fits/index.js';
import type { PlateSolveInput, PlateSolveOutput } from '../../src-main/common/tasks/plate-solve.js';

export type { PlateSolveInput, PlateSolveOutput };
import { readFitsFile, readFitsImage } from '../io/fits-file.js';
import { editHeaderBytes } from '../io/fits-header-edit.js';
import { writeFileAtomic } from '../io/atomic-write.js';
import { DEFAULT_INDEX_DIRS, findStarIndexes, readStarIndex, type StarIndexInfo } from '../io/star-index-file.js';

const PROVENANCE = 'owb solve';
const loaded = new Map<string, Promise<SolveIndex>>();

/**
 * An index prepared for solving, once per thread: read, its triangles turned into quads when it is a
 * 3-star index (indexes 4111–4119, see triangle-quads.ts), and its cone lookup; the derived structures
 * come from the on-disk cache in `cacheDir` when there.
 */
function loadIndex(info: StarIndexInfo, quads: boolean, cacheDir?: string): Promise<SolveIndex> {
  const key = `${info.path}|${quads}`;
  let p = loaded.get(key);
  if (!p) {
    p = (async () => {
      let index = await readStarIndex(info.path, { quads });
      if (quads && index.dimQuads === 3) {
        const starCount = index.starCount;
        const triangles = index;
        const { arrays } = await cachedSolveArrays(
          cacheDir,
          info.path,
          'triangle-quads',
          ['quads', 'codes'],
          () => quadsFromTriangles(triangles),
          (a) => a.codes.length === a.quads.length && a.quads.every((s) => s < starCount),
        );
        index = withBuiltQuads(index, arrays);
      }
      const xyz = index.xyz;
      const { arrays } = await cachedSolveArrays(
        cacheDir,
        info.path,
        'cone-order',
        ['order'],
        () => ({ order: buildConeLookup(xyz).order }),
        (a) => coneLookupFromOrder(xyz, a.order) !== null,
      );
      return prepareIndex(index, coneLookupFromOrder(xyz, arrays.order) ?? buildConeLookup(xyz));
    })();
    loaded.set(key, p);
    // A failed read is not remembered: the next frame tries again (and reports the error again).
    p.catch(() => loaded.delete(key));
  }
  return p;
}

/** Drops this thread's loaded indexes, so the next solve reads them again (benchmarks of the disk cache). */
export function forgetLoadedIndexes(): void {
  loaded.clear();
}

const WCS_KEY =
  /^(WCSAXES|CTYPE\d|CUNIT\d|CRPIX\d|CRVAL\d|CDELT\d|CROTA\d|CD\d_\d|PC\d_\d|PV\d_\d+|LONPOLE|LATPOLE|RADESYS|EQUINOX|WCSNAME|PHOTZP|PHOTZPER|PHOTCZP|PHOTCT|PHOTCTER|PHOTCOL|(A|B|AP|BP)_(ORDER|\d_\d))$/;

/** Stars detected in a frame, as the solver takes them (0-based pixel centres; total flux, FWHM in px). */
export interface DetectedStars {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  flux: ArrayLike<number>;
  fwhm: ArrayLike<number>;
}

/** Solver options of one frame (the task input without the file and output fields). */
export type SolveSettings = Omit<PlateSolveInput, 'path' | 'hdu' | 'outPath'>;

/** A solution, or the reason there is none, with where the hints came from. */
export type DetectionsSolved = { hintSource: string[] } & ({ solution: PlateSolution } | { reason: string });

/**
 * Solves a frame from its detections: hints from `header` and `settings`, the astrometry.net indexes
 * that suit the frame (loaded once per thread), then `solveField`. Used by `owb solve` and by the
 * watched-folder `process-frame` task (which has detected the stars already). A bad scale range throws
 * `InputError`; "not solved" is a reason.
 */
export async function solveDetections(
  stars: DetectedStars,
  width: number,
  height: number,
  header: HintSource,
  settings: SolveSettings,
): Promise<DetectionsSolved> {
  const hints = headerHints(header);
  const hintSource = [...hints.source];
  let hint: { raDeg: number; decDeg: number; radiusDeg: number } | undefined;
  if (settings.raDeg !== undefined && settings.decDeg !== undefined) {
    hint = { raDeg: settings.raDeg, decDeg: settings.decDeg, radiusDeg: settings.radiusDeg ?? 2 };
    hintSource.unshift('--ra/--dec');
  } else if (!settings.blind && hints.raDeg !== undefined && hints.decDeg !== undefined)
    hint = { raDeg: hints.raDeg, decDeg: hints.decDeg, radiusDeg: settings.radiusDeg ?? hints.radiusDeg ?? 2 };
  let scaleLow = settings.scaleLowArcsec;
  let scaleHigh = settings.scaleHighArcsec;
  if (scaleLow === undefined && scaleHigh === undefined && hints.scaleArcsec) {
    scaleLow = hints.scaleArcsec * 0.85;
    scaleHigh = hints.scaleArcsec * 1.15;
  }
  scaleLow ??= 0.5;
  scaleHigh ??= 30;
  if (!(scaleLow > 0) || !(scaleHigh >= scaleLow))
    throw new InputError('BAD_SCALE', `scale range ${scaleLow}–${scaleHigh} arcsec/px is not a positive range`);
  const failed = (reason: string): DetectionsSolved => ({ hintSource, reason });
  // Cheap refusals first, before any index is read: a frame that can never verify, and (the default
  // profile) a frame without a pointing when blind solving was not asked for.
  let usableDetections = 0;
  for (let i = 0; i < stars.x.length; i++)
    if (Number.isFinite(stars.x[i]) && Number.isFinite(stars.y[i]) && stars.flux[i] > 0) usableDetections++;
  if (usableDetections < 10) return failed(`only ${usableDetections} usable detections (need 10)`);
  if (settings.requireHint && !hint)
    return failed(
      'no pointing in the header (RA/DEC, OBJCTRA/OBJCTDEC, TELRA/TELDEC or a WCS CRVAL) and the profile solves only frames with one; set steps.solve (blind) or its raDeg/decDeg in a profile',
    );

  // Indexes whose quads are 10 %–100 % of the field: at most the three nearest to 35 % of it.
  const diagArcsec = Math.hypot(width, height);
  const fieldLow = Math.min(width, height) * scaleLow;
  const fieldHigh = diagArcsec * scaleHigh;
  const infos = await findStarIndexes(settings.indexDirs ?? DEFAULT_INDEX_DIRS);
  if (infos.length === 0) return failed('no astrometry.net index files found (install astrometry-data-tycho2-*)');
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
    return failed(
      `no index has quads for a ${(fieldHigh / 60).toFixed(1)}′ field (smallest quads: ${(smallest / 60).toFixed(0)}′; install 4200/5200-series indexes for narrow fields)`,
    );
  }
  const indexes = await Promise.all(usable.map((i) => loadIndex(i, true, settings.cacheDir)));
  // Verification uses the densest star list available (Tycho-2 index 07 has 1.9 million stars), or for
  // wide fields the sparsest list that still puts ≥ 2000 stars in the frame: verification scores only the
  // 150 brightest predicted stars, and projecting index 07's ~20 000 stars of a 17° field for every
  // candidate was most of a wide solve's time.
  const densest = infos.reduce((a, b) => (b.starCount > a.starCount ? b : a));
  const frameDeg2Low = (width * height * scaleLow * scaleLow) / 3600 ** 2;
  const verifyInfo =
    infos
      .filter((i) => (i.starCount / 41253) * frameDeg2Low >= 2000)
      .reduce<StarIndexInfo | undefined>((a, b) => (!a || b.starCount < a.starCount ? b : a), undefined) ?? densest;
  const reference = usable.includes(verifyInfo)
    ? indexes[usable.indexOf(verifyInfo)]
    : await loadIndex(verifyInfo, false, settings.cacheDir);

  // Fewer than 10 catalog stars in the frame can never verify: say at which scale that happens here.
  const minScale = minUsefulScaleArcsec(reference, width, height, hint);
  const tooNarrow = `the catalog has ~${minScale.density.toFixed(0)} stars/deg² ${hint ? 'around the hint' : 'on average'}, so a ${width}×${height} frame holds 10 of them only at ≥ ${minScale.arcsec.toFixed(2)}″/px (fields ≥ ${minScale.fieldArcmin.toFixed(0)}′); narrower fields need 4200/5200-series indexes (--index DIR)`;
  if (minScale.arcsec > scaleHigh)
    return failed(`scale ≤ ${scaleHigh.toFixed(2)}″/px is too fine for this catalog: ${tooNarrow}`);
  if (hint) {
    // Quads of the frame's own size from the catalog stars around the hint (see sky-quads.ts), from the
    // sparsest star list that still puts ~300 stars in the frame: in a wide field the densest list's
    // quads would be built from stars far too faint and too many to be the frame's brightest.
    const minDim = Math.min(width, height);
    const frameDeg2 = (width * height * scaleLow * scaleHigh) / 3600 ** 2;
    const sparse = infos
      .filter((i) => (i.starCount / 41253) * frameDeg2 >= 300)
      .reduce<StarIndexInfo | undefined>((a, b) => (!a || b.starCount < a.starCount ? b : a), undefined);
    const quadStars =
      !sparse || sparse === verifyInfo
        ? reference
        : await loadIndex(sparse, usable.includes(sparse), settings.cacheDir);
    indexes.push(
      skyQuadIndex(quadStars, {
        centre: radecToXyz(hint.raDeg, hint.decDeg),
        radiusDeg: Math.min(180, hint.radiusDeg + (diagArcsec * scaleHigh) / 7200),
        abLowRad: ((0.3 * minDim * scaleLow) / 3600) * (Math.PI / 180),
        abHighRad: ((0.95 * minDim * scaleHigh) / 3600) * (Math.PI / 180),
      }),
    );
  }
  // The search is bounded by its candidate budget, which does not depend on the machine's load. A time
  // limit applies only when asked for, and counts the search alone: reading and preparing the indexes (once
  // per thread) is not counted, so a slow disk or a first solve cannot turn a solvable frame into "gave up".
  const maxCandidates = settings.maxCandidates ?? 20000;
  const deadline = settings.maxSeconds === undefined ? undefined : performance.now() + 1000 * settings.maxSeconds;
  const sol = solveField(
    { x: stars.x, y: stars.y, flux: stars.flux, fwhm: stars.fwhm },
    indexes,
    {
      width,
      height,
      hint,
      scaleLowArcsec: scaleLow,
      scaleHighArcsec: scaleHigh,
      maxCandidates,
      shouldStop: deadline === undefined ? undefined : () => performance.now() > deadline,
    },
    reference,
  );
  if (!sol.solved) {
    const why =
      sol.reason === 'cancelled'
        ? `gave up after ${settings.maxSeconds} s (${sol.quadsTried} field quads)`
        : sol.candidatesTried >= maxCandidates
          ? `no verified match within the search budget of ${maxCandidates} candidates (${sol.quadsTried} field quads; raise maxCandidates, or give a pointing or scale hint)`
          : sol.reason;
    return failed(scaleLow < minScale.arcsec ? `${why}; ${tooNarrow}` : why);
  }
  return { hintSource, solution: sol };
}

/**
 * The pixel scale (″/px) below which a `width` × `height` frame holds fewer than 10 stars of `reference`
 * (Lang et al.'s verification needs at least 10 matches): from the catalog's star density in the hint's
 * cone (at least 1° radius), or over the whole sky when blind.
 */
function minUsefulScaleArcsec(
  reference: SolveIndex,
  width: number,
  height: number,
  hint: { raDeg: number; decDeg: number; radiusDeg: number } | undefined,
): { arcsec: number; density: number; fieldArcmin: number } {
  const sqDegPerSr = (180 / Math.PI) ** 2;
  let density = reference.index.starCount / (4 * Math.PI * sqDegPerSr);
  if (hint) {
    const r = Math.min(90, Math.max(1, hint.radiusDeg));
    const n = coneStars(reference.index.xyz, reference.lookup, radecToXyz(hint.raDeg, hint.decDeg), r).length;
    density = n / (2 * Math.PI * (1 - Math.cos((r * Math.PI) / 180)) * sqDegPerSr);
  }
  const areaDeg2 = 10 / Math.max(density, 1e-6);
  const arcsec = Math.sqrt(areaDeg2 / (width * height)) * 3600;
  return { arcsec, density, fieldArcmin: Math.sqrt(areaDeg2) * 60 };
}

/** Solves one frame (see the module comment). Bad input throws `InputError`; "not solved" is a result. */
export async function plateSolveFrame(input: PlateSolveInput): Promise<PlateSolveOutput> {
  const t0 = performance.now();
  const file = basename(input.path);
  const { image, header, hduIndex } = await readFitsImage(input.path, { hdu: input.hdu });
  const catalog = detectSources(image, { threshSigma: 5, minAreaPx: 5 });
  const solved = await solveDetections(catalog, image.width, image.height, header, input);
  const hintSource = solved.hintSource;
  const done = (o: Partial<PlateSolveOutput>): PlateSolveOutput => ({
    file,
    solved: false,
    detections: catalog.count,
    hintSource,
    seconds: (performance.now() - t0) / 1000,
    ...o,
  });
  if ('reason' in solved) return done({ reason: solved.reason });
  const sol = solved.solution;
  // Zero point (and colour term, where the catalog has a colour) from the matched stars' catalog
  // magnitudes and total (Kron) fluxes; saturated, blended and truncated stars are left out.
  const bad = SourceFlag.SATURATED | SourceFlag.BLENDED | SourceFlag.TRUNCATED;
  const zero = calibrateSolution(
    sol,
    (d) => catalog.fluxAuto[d],
    (d) => (catalog.flags[d] & bad) !== 0,
  );
  const cards = solutionCards(sol, file, hintSource);
  if (zero) {
    const band = zero.band === 'MAG_VT' ? 'Tycho-2 V_T' : zero.band;
    const photCards: FitsCard[] = [
      { key: 'PHOTZP', value: Number(zero.zp.toFixed(4)), comment: `mag = PHOTZP - 2.5 log10(total ADU), ${band}` },
      { key: 'PHOTZPER', value: Number(zero.zpErr.toFixed(4)), comment: 'error of PHOTZP [mag]' },
    ];
    if (zero.colourTerm !== null && zero.colourZp !== null)
      photCards.push(
        { key: 'PHOTCZP', value: Number(zero.colourZp.toFixed(4)), comment: `zero point at ${zero.colourName} = 0` },
        {
          key: 'PHOTCT',
          value: Number(zero.colourTerm.toFixed(4)),
          comment: `colour term [mag/mag of ${zero.colourName}]`,
        },
        { key: 'PHOTCTER', value: Number(zero.colourTermErr!.toFixed(4)), comment: 'error of PHOTCT' },
        { key: 'PHOTCOL', value: zero.colourName ?? '', comment: 'mag = PHOTCZP + PHOTCT*colour - 2.5 log10(ADU)' },
      );
    cards.splice(
      cards.findIndex((c) => c.key === 'HISTORY'),
      0,
      ...photCards,
    );
    cards.push({
      key: 'HISTORY',
      comment: `${PROVENANCE}: PHOTZP from ${zero.used} of ${zero.offered} stars, rms ${zero.rms.toFixed(3)} mag`,
    });
    if (zero.colourNote)
      cards.push({ key: 'HISTORY', comment: `${PROVENANCE}: no colour term: ${zero.colourNote}`.slice(0, 72) });
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
    colourTerm: zero?.colourTerm ?? undefined,
    colourTermErr: zero?.colourTermErr ?? undefined,
    colourName: zero?.colourName ?? undefined,
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
