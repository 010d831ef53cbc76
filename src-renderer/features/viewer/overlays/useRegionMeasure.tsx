import { Box, Button, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useMemo, useState, type ReactNode } from 'react';
import type { MaskedDetection, RegionPhotometry } from '../../../../src-main/common/region-measure-dto.js';
import { drawnRegionsDs9, type DrawnRegion } from '../../../../src-workers/core/viewer/index.js';
import { ApiError, call } from '../../../api/bridge.js';
import { useKeyboard } from '../../../app/shortcuts.js';
import { ErrorNote } from '../../../components/ErrorNote.js';
import { imageToScreen } from '../view-transform.js';
import type { OverlayPainter } from './painters.js';

/** The DS9 text's first region line: drawnRegionsDs9 writes a comment, `global` and the system first. */
const FIRST_REGION_LINE = 4;
const MARK = '#76ff03';

const fmt = (v: number | null, digits = 6): string =>
  v !== null && Number.isFinite(v) ? Number(v.toPrecision(digits)).toString() : '—';

function detectionPainter(d: MaskedDetection): OverlayPainter {
  return (ctx, t) => {
    ctx.save();
    ctx.strokeStyle = MARK;
    ctx.lineWidth = 1.5;
    for (let i = 0; i < d.count; i++) {
      const [sx, sy] = imageToScreen(t, d.x[i], d.y[i]);
      ctx.strokeRect(sx - 5, sy - 5, 10, 10);
    }
    ctx.restore();
  };
}

/**
 * The viewer's regions put to work (issue 26 §2): M measures forced photometry at them (circles as exact
 * apertures, other shapes over the pixels inside, sky from an annulus; magnitudes with the frame's zero
 * point), Shift+M detects the frame's sources again with the pixels inside them masked and marks them.
 * Both run on the server (`owb:frames.regionPhotometry`, `owb:frames.detectMasked`).
 */
export function useRegionMeasure(
  frameId: number | null,
  regions: readonly DrawnRegion[],
): { panel: ReactNode; painter: OverlayPainter | null } {
  const [phot, setPhot] = useState<{ frameId: number; result: RegionPhotometry } | null>(null);
  const [masked, setMasked] = useState<{ frameId: number; result: MaskedDetection } | null>(null);
  const [busy, setBusy] = useState<'phot' | 'detect' | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const text = useMemo(() => (regions.length ? drawnRegionsDs9(regions, 'image') : ''), [regions]);
  const run = async (what: 'phot' | 'detect'): Promise<void> => {
    if (frameId === null || !text || busy) return;
    setBusy(what);
    try {
      if (what === 'phot')
        setPhot({ frameId, result: await call('owb:frames.regionPhotometry', { frameId, regions: text }) });
      else setMasked({ frameId, result: await call('owb:frames.detectMasked', { frameId, regions: text }) });
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
    } finally {
      setBusy(null);
    }
  };
  useKeyboard((e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.key.toLowerCase() !== 'm' || !text) return false;
    void run(e.shiftKey ? 'detect' : 'phot');
    return true;
  });
  const shownPhot = phot?.frameId === frameId ? phot.result : null;
  const shownMasked = masked?.frameId === frameId ? masked.result : null;
  const painter = useMemo(() => (shownMasked ? detectionPainter(shownMasked) : null), [shownMasked]);
  if (!regions.length) return { panel: null, painter: null };
  const panel = (
    <Box data-testid="region-measure" sx={{ mb: 1 }}>
      <Box sx={{ display: 'flex', gap: 1, my: 0.5 }}>
        <Button size="small" variant="outlined" disabled={busy !== null} onClick={() => void run('phot')}>
          Photometry (M)
        </Button>
        <Button size="small" variant="outlined" disabled={busy !== null} onClick={() => void run('detect')}>
          Detect, masked (Shift+M)
        </Button>
      </Box>
      <ErrorNote error={error} />
      {shownPhot && (
        <Box data-testid="region-photometry" data-rows={JSON.stringify(shownPhot.rows)}>
          <Table
            size="small"
            aria-label="Photometry at the regions"
            sx={{ '& td, & th': { px: 0.75, whiteSpace: 'nowrap', fontFamily: 'monospace' } }}
          >
            <TableHead>
              <TableRow>
                <TableCell>#</TableCell>
                <TableCell>shape</TableCell>
                <TableCell align="right">flux ± err (ADU)</TableCell>
                <TableCell align="right">mag</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {shownPhot.rows.map((r) => (
                <TableRow key={r.line} title={`sky ${fmt(r.backgroundAdu)} ADU/px from r ${r.annulusPx.join('–')} px`}>
                  <TableCell>{r.line - FIRST_REGION_LINE + 1}</TableCell>
                  <TableCell>
                    {r.shape}
                    {r.incomplete ? ' *' : ''}
                  </TableCell>
                  <TableCell align="right">
                    {fmt(r.flux)} ± {fmt(r.fluxErr, 2)}
                  </TableCell>
                  <TableCell align="right">
                    {r.mag === null ? '—' : `${r.mag.toFixed(3)} ± ${(r.magErr ?? Number.NaN).toFixed(3)}`}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <Typography variant="caption" color="text.secondary">
            Sky subtracted (annulus median; hover a row for it).{' '}
            {shownPhot.zeroPointMag === null
              ? 'No zero point for this frame: no magnitudes.'
              : `mag = −2.5 log10(flux) + ${shownPhot.zeroPointMag.toFixed(3)} (${shownPhot.zeroPointSource ?? ''}).`}
            {shownPhot.skipped > 0 ? ` ${shownPhot.skipped} points or excluded shapes not measured.` : ''}
            {shownPhot.rows.some((r) => r.incomplete) ? ' * off the frame, on NaN pixels or without sky.' : ''}
          </Typography>
        </Box>
      )}
      {shownMasked && (
        <Typography
          variant="caption"
          component="div"
          data-testid="masked-detection"
          data-count={shownMasked.count}
          data-xy={JSON.stringify(Array.from(shownMasked.x, (x, i) => [x, shownMasked.y[i]]))}
        >
          {shownMasked.count} sources detected with {shownMasked.maskedPx} pixels inside the regions masked (green
          squares).
        </Typography>
      )}
    </Box>
  );
  return { panel, painter };
}
