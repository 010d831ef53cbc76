/**
 * Projection registry: every Paper II projection code this module implements, built from its PV
 * parameters (Calabretta & Greisen 2002).
 */
import { bon, cod, coe, coo, cop, pco } from './conic.js';
import { ait, car, cea, cyp, mer, mol, par, sfl } from './cylindrical.js';
import { hpx } from './healpix.js';
import type { Projection, ProjectionParams } from './projection.js';
import { csc, qsc, tsc } from './quadcube.js';
import { xph } from './xph.js';
import { air, arc, azp, sin, stg, szp, tan, zea, zpn } from './zenithal.js';

export { ProjectionError, type Projection, type ProjectionParams } from './projection.js';

const FACTORIES: Record<string, (params: ProjectionParams) => Projection> = {
  AZP: azp,
  SZP: szp,
  TAN: tan,
  STG: stg,
  SIN: sin,
  ARC: arc,
  ZPN: zpn,
  ZEA: zea,
  AIR: air,
  CYP: cyp,
  CEA: cea,
  CAR: car,
  MER: mer,
  SFL: sfl,
  PAR: par,
  MOL: mol,
  AIT: ait,
  COP: cop,
  COE: coe,
  COD: cod,
  COO: coo,
  BON: bon,
  PCO: pco,
  TSC: tsc,
  QSC: qsc,
  CSC: csc,
  HPX: hpx,
  XPH: xph,
};

/** Projection codes `makeProjection` accepts. */
export const PROJECTION_CODES: readonly string[] = Object.keys(FACTORIES);

/**
 * The projection `code` with latitude-axis parameters `params` (PVi_m by m); undefined for a code this
 * module does not implement. Throws `ProjectionError` for parameters outside the projection's domain.
 */
export function makeProjection(code: string, params: ProjectionParams = []): Projection | undefined {
  const f = FACTORIES[code];
  return f ? f(params) : undefined;
}
