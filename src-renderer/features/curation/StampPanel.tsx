import { Box, Chip, Typography } from '@mui/material';
import { useEffect, useState, type ReactNode } from 'react';
import type { CurationItem, StampSet } from '../../../src-main/common/workbench-dto.js';
import { PixelImage } from '../../components/PixelImage.js';
import { labelText } from './labels.js';
import { stampsFor } from './useCurationQueue.js';

declare global {
  interface Window {
    /** Key-press → stamp-shown latencies (ms), read by the UI benchmark. */
    __owbCurationLatencies?: number[];
    __owbLastCurationKeyAt?: number;
  }
}

/** The current item's stamps (science, reference, difference) with its measurements and label. */
export function StampPanel({
  item,
  position,
  total,
}: {
  item: CurationItem;
  position: number;
  total: number;
}): ReactNode {
  const [stamps, setStamps] = useState<StampSet | null>(null);
  const [shownId, setShownId] = useState<string>('');
  useEffect(() => {
    let live = true;
    void stampsFor(item).then((s) => {
      if (!live) return;
      setStamps(s);
      setShownId(`${item.kind}:${item.id}`);
    });
    return () => {
      live = false;
    };
  }, [item]);
  useEffect(() => {
    if (!shownId) return;
    const pressed = window.__owbLastCurationKeyAt;
    if (pressed !== undefined) {
      // After React committed the stamp canvases: the next paint shows them.
      requestAnimationFrame(() => {
        (window.__owbCurationLatencies ??= []).push(performance.now() - pressed);
        window.__owbLastCurationKeyAt = undefined;
      });
    }
  }, [shownId]);
  const ready = shownId === `${item.kind}:${item.id}`;
  const panes: Array<[string, StampSet['science'] | null | undefined]> = [
    ['science', stamps?.science],
    ['reference', stamps?.reference],
    ['difference', stamps?.difference],
  ];
  return (
    <Box
      data-testid="curation-current"
      data-item-id={item.id}
      data-ready={ready ? 'yes' : 'no'}
      sx={{ display: 'flex', gap: 3, alignItems: 'flex-start' }}
    >
      <Box sx={{ display: 'flex', gap: 1.5 }}>
        {panes.map(([name, pixels]) => (
          <Box key={name} sx={{ textAlign: 'center' }}>
            <Box
              sx={{
                width: 220,
                height: 220,
                border: 1,
                borderColor: 'divider',
                display: 'flex',
                alignItems: 'center',
                justifyContent: 'center',
                bgcolor: '#000',
              }}
            >
              {pixels && ready ? (
                <PixelImage pixels={pixels} sizePx={220} label={`${name} stamp`} stretch="asinh" limits="percentile" />
              ) : (
                <Typography variant="caption" color="text.secondary">
                  {ready ? `no ${name}` : '…'}
                </Typography>
              )}
            </Box>
            <Typography variant="caption" color="text.secondary">
              {name}
            </Typography>
          </Box>
        ))}
      </Box>
      <Box sx={{ minWidth: 240 }}>
        <Typography variant="subtitle1">
          {item.kind} #{item.id}{' '}
          <Typography component="span" color="text.secondary">
            ({position + 1} of {total})
          </Typography>
        </Typography>
        <Chip
          data-testid="curation-label"
          label={labelText(item.label)}
          color={
            item.label === 'accept'
              ? 'success'
              : item.label === 'reject'
                ? 'error'
                : item.label
                  ? 'secondary'
                  : 'default'
          }
          variant={item.label ? 'filled' : 'outlined'}
          sx={{ my: 1 }}
        />
        {item.kind === 'candidate' && (
          <Chip
            data-testid="curation-score"
            label={item.modelScore != null ? `P(real) ${item.modelScore.toFixed(3)}` : 'not scored'}
            color={item.modelScore == null ? 'default' : item.modelScore >= 0.5 ? 'success' : 'error'}
            variant="outlined"
            title="probability of real by the active real/bogus model"
            sx={{ my: 1, ml: 1 }}
          />
        )}
        <Box
          component="table"
          sx={{ fontSize: 13, '& td': { pr: 2, py: 0.25 }, '& td:first-of-type': { color: 'text.secondary' } }}
        >
          <tbody>
            <tr>
              <td>frame</td>
              <td>{item.frameId}</td>
            </tr>
            <tr>
              <td>x, y (px)</td>
              <td>
                {item.x.toFixed(2)}, {item.y.toFixed(2)}
              </td>
            </tr>
            <tr>
              <td>RA, Dec (°)</td>
              <td>
                {item.raDeg != null && item.decDeg != null
                  ? `${item.raDeg.toFixed(5)}, ${item.decDeg.toFixed(5)}`
                  : '—'}
              </td>
            </tr>
            {Object.entries(item.measurements).map(([k, v]) => (
              <tr key={k}>
                <td>{k}</td>
                <td>{typeof v === 'number' ? Number(v.toPrecision(5)).toString() : (v ?? '—')}</td>
              </tr>
            ))}
          </tbody>
        </Box>
      </Box>
    </Box>
  );
}
