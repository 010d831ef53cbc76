import { Box, Button, FormControlLabel, Switch, Typography } from '@mui/material';
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import { ApiError, call } from '../../../api/bridge.js';
import { useInvoke } from '../../../api/hooks.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { useViewState } from '../../../app/view-state.js';
import { ErrorNote } from '../../../components/ErrorNote.js';
import { Plot } from '../../../components/Plot.js';
import { comparisonPainter, ROLE_COLOURS } from './comparison-painter.js';
import type { OverlayPainter } from './painters.js';

export interface ComparisonPicking {
  /** True when the click was taken (picking is on); the viewer then shows no star profile. */
  onPick: (x: number, y: number) => boolean;
  painters: OverlayPainter[];
  toggle: ReactNode;
  panel: ReactNode;
}

/**
 * Picking the target and comparison stars on the image (issue 20): with picking on (P), the first click
 * sets the target, later clicks add or remove a comparison star; "Automatic" returns to the ensemble's own
 * choice. The choice is stored in the catalog, so `owb lightcurve` uses it too.
 */
export function useComparisonPicking(frameId: number | null): ComparisonPicking {
  const [picking, setPicking] = useViewState('viewer.pickComps', false);
  const [targetId, setTargetId] = useViewState<number | null>('viewer.lcTarget', null);
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const ensemble = useInvoke(
    'owb:lightcurve.ensemble',
    targetId === null ? null : frameId === null ? { objectId: targetId } : { objectId: targetId, frameId },
  );
  const stored = useInvoke('owb:lightcurve.comps', targetId === null ? null : { objectId: targetId });
  const picked = stored.data?.objectId === targetId ? (stored.data?.compObjects ?? []) : [];
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key.toLowerCase() !== 'p') return false;
    setPicking((p) => !p);
    return true;
  });
  const setComps = useCallback(
    async (objectId: number, compObjects: number[]) => {
      try {
        await call('owb:lightcurve.setComps', { objectId, compObjects });
        setError(null);
        stored.reload();
        ensemble.reload();
      } catch (e) {
        setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
      }
    },
    [ensemble, stored],
  );
  const onPick = useCallback(
    (x: number, y: number): boolean => {
      if (!picking || frameId === null) return false;
      void call('owb:frames.objectAt', { frameId, x, y, radiusPx: 6 }).then(
        (hit) => {
          if (!hit) {
            setNote(`No catalog star within 6 px of ${x.toFixed(1)}, ${y.toFixed(1)}.`);
            return;
          }
          setNote(null);
          if (targetId === null) {
            setTargetId(hit.objectId);
            return;
          }
          if (hit.objectId === targetId) {
            setNote(`Object ${hit.objectId} is the target.`);
            return;
          }
          // The first pick replaces the automatic choice; later picks toggle one star. The stored picks
          // (not the ensemble's list, which leaves out comparisons it rejected as variable) are toggled.
          const next = picked.includes(hit.objectId)
            ? picked.filter((id) => id !== hit.objectId)
            : [...picked, hit.objectId];
          void setComps(targetId, next);
        },
        (e: unknown) => setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e))),
      );
      return true;
    },
    [picking, frameId, targetId, picked, setComps, setTargetId],
  );
  const positions = ensemble.data?.positions;
  const painters = useMemo(() => (positions?.length ? [comparisonPainter(positions)] : []), [positions]);
  const toggle = (
    <FormControlLabel
      control={
        <Switch
          checked={picking}
          onChange={(e) => setPicking(e.target.checked)}
          slotProps={{ input: { 'aria-label': 'Pick target and comparison stars (P)' } }}
        />
      }
      label="Pick comparisons (P)"
      title="Click the target, then click stars to add or remove them as comparison stars"
    />
  );
  // A failed ensemble (too few picked stars) leaves no curve: show the picks and what is missing.
  const data = ensemble.error ? undefined : ensemble.data;
  const source = picked.length ? 'user' : 'auto';
  const shownComps = source === 'user' ? picked : (data?.compObjects ?? []);
  const good = data ? data.time.map((_, i) => i).filter((i) => data.mag[i] !== null && !data.flags[i]) : [];
  const panel =
    picking || targetId !== null ? (
      <Box
        data-testid="comparison-panel"
        data-target={targetId ?? ''}
        data-comp-source={targetId === null ? '' : source}
      >
        <Typography variant="subtitle2">Ensemble photometry</Typography>
        {targetId === null ? (
          <Typography variant="body2" color="text.secondary">
            Click the target star.
          </Typography>
        ) : (
          <>
            <Typography variant="body2">
              <span style={{ color: ROLE_COLOURS.target }}>Target T</span>: object {targetId}
              {data ? ` · ${data.filter || 'no filter'} · ${data.timeSystem}` : ''}
            </Typography>
            <Typography variant="body2" data-testid="comparison-list" data-comps={shownComps.join(',')}>
              <span style={{ color: ROLE_COLOURS.comp }}>Comparisons</span> (
              {source === 'user' ? 'picked' : 'automatic'}
              ): {shownComps.join(', ') || '—'}
              {data?.rejectedObjects.length
                ? ` · rejected as variable: ${data.rejectedObjects.map((r) => r.objectId).join(', ')}`
                : ''}
            </Typography>
            {source === 'user' && picked.length < 2 && (
              <Typography variant="caption" color="warning.main" data-testid="comparison-few">
                Pick at least 2 comparison stars for an ensemble.
              </Typography>
            )}
            <Box sx={{ display: 'flex', gap: 1, my: 0.5 }}>
              <Button
                size="small"
                variant="outlined"
                disabled={source !== 'user'}
                onClick={() => void setComps(targetId, [])}
              >
                Automatic
              </Button>
              <Button size="small" variant="outlined" onClick={() => setTargetId(null)}>
                Change target
              </Button>
            </Box>
            {data && good.length > 0 && (
              <Plot
                width={340}
                height={140}
                xLabel={data.timeSystem === 'BJD_TDB' ? 'BJD_TDB − 2400000.5' : 'MJD (UTC)'}
                yLabel="Δmag"
                invertY
                series={[
                  {
                    x: good.map((i) => data.time[i]),
                    y: good.map((i) => data.mag[i] as number),
                    yErr: good.map((i) => data.magErr[i]),
                    mode: 'points',
                  },
                ]}
                title="Differential light curve"
              />
            )}
          </>
        )}
        {note && (
          <Typography variant="caption" color="text.secondary" data-testid="comparison-note">
            {note}
          </Typography>
        )}
        <ErrorNote error={error ?? (source === 'user' && picked.length < 2 ? null : ensemble.error)} />
      </Box>
    ) : null;
  return { onPick, painters, toggle, panel };
}
