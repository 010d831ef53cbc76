/**
 * Which time a light curve is analysed in. Frames carry the mid-exposure MJD (UTC) and, where a sky position
 * and a site were known at ingest, BJD_TDB (migration 004); a curve is never a mix of the two scales.
 */
/** The time scale of light curves whose frames are not all with BJD_TDB. */
export const TIME_SYSTEM = 'MJD_UTC';

/** Which time a field is analysed in: BJD_TDB when every frame has it, else MJD (UTC). */
export type TimeSystem = 'BJD_TDB' | 'MJD_UTC';

/**
 * The analysis times of frames: BJD_TDB − 2400000.5 (days, TDB) when every frame has BJD_TDB, else the
 * mid-exposure MJD (UTC), with the system used.
 */
export function fieldTimes(
  mjd: readonly number[],
  bjdTdb: readonly (number | null)[],
): { time: number[]; timeSystem: TimeSystem } {
  const all = bjdTdb.length > 0 && bjdTdb.every((b) => b !== null && Number.isFinite(b));
  return all
    ? { time: bjdTdb.map((b) => (b as number) - 2400000.5), timeSystem: 'BJD_TDB' }
    : { time: [...mjd], timeSystem: TIME_SYSTEM };
}
