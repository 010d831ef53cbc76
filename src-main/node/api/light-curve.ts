/**
 * Light-curve handlers: the ensemble light curve of a target as `owb lightcurve` computes it, the
 * comparison stars the user picked for it (migration 009), and the object under a click on a frame.
 */
import type { EnsembleCurve, EnsemblePosition } from '../../common/light-curve-dto.js';
import { setComparisonStars, storedComparisonStars } from '../catalog/comparison-stars.js';
import { objectLightCurve } from '../catalog/light-curves.js';
import { frameRow } from './frames.js';
import type { HandlerGroup } from './handler-types.js';

type LightCurveKeys =
  'owb:lightcurve.comps' | 'owb:lightcurve.setComps' | 'owb:lightcurve.ensemble' | 'owb:frames.objectAt';

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

export const lightCurveHandlers: HandlerGroup<LightCurveKeys> = (services) => ({
  'owb:lightcurve.comps': ({ objectId }) => ({
    objectId,
    compObjects: storedComparisonStars(services.db, objectId),
  }),

  'owb:lightcurve.setComps': ({ objectId, compObjects }) => ({
    objectId,
    compObjects: setComparisonStars(services.db, objectId, compObjects),
  }),

  'owb:lightcurve.ensemble': async ({ objectId, frameId }) => {
    const picked = storedComparisonStars(services.db, objectId);
    // The same defaults as `owb lightcurve` (outliers at 5σ, no detrending).
    const lc = objectLightCurve(services.db, objectId, { outlierSigma: 5 });
    const positions: EnsemblePosition[] = [];
    if (frameId !== undefined) {
      await frameRow(services, frameId);
      const at = services.db.prepare(
        `SELECT s.x, s.y FROM measurements m JOIN sources s ON s.id = m.source_id
          WHERE m.object_id = ? AND m.frame_id = ? LIMIT 1`,
      );
      const add = (id: number, role: EnsemblePosition['role']): void => {
        const p = at.get(id, frameId) as { x: number; y: number } | undefined;
        if (p) positions.push({ objectId: id, x: p.x, y: p.y, role });
      };
      add(objectId, 'target');
      for (const id of lc.compObjects) add(id, 'comp');
      for (const r of lc.rejectedObjects) add(r.objectId, 'rejected');
    }
    const curve: EnsembleCurve = {
      objectId,
      filter: lc.field.filter,
      timeSystem: lc.field.timeSystem,
      compSource: picked.length ? 'user' : 'auto',
      compObjects: lc.compObjects,
      rejectedObjects: lc.rejectedObjects,
      frameIds: lc.field.frameIds,
      time: lc.field.time,
      mag: Array.from(lc.result.mag, finite),
      magErr: Array.from(lc.result.magErr, finite),
      flags: Array.from(lc.result.flags),
      positions,
    };
    return curve;
  },

  'owb:frames.objectAt': async ({ frameId, x, y, radiusPx }) => {
    await frameRow(services, frameId);
    const r = radiusPx ?? 5;
    const hit = await services.sql.get<{ id: number; objectId: number; x: number; y: number; d2: number }>(
      `SELECT id, object_id AS "objectId", x, y, (x - ?) * (x - ?) + (y - ?) * (y - ?) AS d2
         FROM sources WHERE frame_id = ? AND object_id IS NOT NULL AND x BETWEEN ? AND ? AND y BETWEEN ? AND ?
        ORDER BY d2, id LIMIT 1`,
      [x, x, y, y, frameId, x - r, x + r, y - r, y + r],
    );
    if (!hit || hit.d2 > r * r) return null;
    return { objectId: hit.objectId, sourceId: hit.id, x: hit.x, y: hit.y, distancePx: Math.sqrt(hit.d2) };
  },
});
