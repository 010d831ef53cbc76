/**
 * `owb:frames.registerStars`: one frame registered onto another by their stars, with core/register's star
 * finder and asterism match (what `owb register` does), for the viewer's RGB composite.
 */
import { findStars, registerFrame } from '../../../src-workers/core/register/index.js';
import type { StarRegistration } from '../../common/region-measure-dto.js';
import { frameRow } from './frames.js';
import type { HandlerGroup } from './handler-types.js';

export const registerStarHandlers: HandlerGroup<'owb:frames.registerStars'> = (services) => ({
  'owb:frames.registerStars': async ({ frameId, referenceId }): Promise<StarRegistration> => {
    const ref = (await services.images.get((await frameRow(services, referenceId)).path)).image;
    const img = (await services.images.get((await frameRow(services, frameId)).path)).image;
    // Stars only: a phase-correlation fallback would be registration by something else.
    const r = registerFrame(
      { image: ref, stars: findStars(ref) },
      { image: img, stars: findStars(img) },
      { phaseCorrelation: false },
    );
    if (!r.ok) return { ok: false, reason: `frame ${frameId} onto frame ${referenceId}: ${r.reason}` };
    return { ok: true, transform: { ...r.transform }, matched: r.matched, rmsPx: r.rmsPx };
  },
});
