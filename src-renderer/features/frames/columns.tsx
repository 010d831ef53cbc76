import { Chip, Tooltip } from '@mui/material';
import type { FrameRow } from '../../../src-main/common/workbench-dto.js';
import type { Column } from '../../components/VirtualTable.js';
import { Thumbnail } from './Thumbnail.js';

const num = (v: number | null, digits: number): string => (v == null ? '—' : v.toFixed(digits));

const STATUS_COLOUR: Record<string, 'default' | 'success' | 'warning' | 'error' | 'info'> = {
  done: 'success',
  processed: 'success',
  filed: 'info',
  failed: 'error',
  processing: 'info',
  queued: 'warning',
};

export const FRAME_COLUMNS: Column<FrameRow>[] = [
  { key: 'thumb', header: '', width: 60, render: (r) => <Thumbnail frameId={r.id} sizePx={44} /> },
  { key: 'id', header: '#', width: 56, align: 'right', value: (r) => r.id },
  { key: 'fileName', header: 'File', width: 280, value: (r) => r.fileName },
  { key: 'imageType', header: 'Type', width: 80, value: (r) => r.imageType },
  { key: 'filter', header: 'Filter', width: 70, value: (r) => r.filter },
  {
    key: 'exposureSec',
    header: 'Exp (s)',
    width: 80,
    align: 'right',
    value: (r) => r.exposureSec,
    render: (r) => num(r.exposureSec, 1),
  },
  {
    key: 'dateObs',
    header: 'Time (UTC)',
    width: 180,
    value: (r) => r.dateObs,
    render: (r) => r.dateObs?.replace('T', ' ').slice(0, 19) ?? '—',
  },
  {
    key: 'size',
    header: 'Size',
    width: 100,
    align: 'right',
    value: (r) => (r.width ?? 0) * (r.height ?? 0),
    render: (r) => (r.width ? `${r.width}×${r.height}` : '—'),
  },
  {
    key: 'fwhmPx',
    header: 'FWHM (px)',
    width: 90,
    align: 'right',
    value: (r) => r.fwhmPx,
    render: (r) => num(r.fwhmPx, 2),
  },
  {
    key: 'backgroundAdu',
    header: 'Bkg (ADU)',
    width: 100,
    align: 'right',
    value: (r) => r.backgroundAdu,
    render: (r) => num(r.backgroundAdu, 1),
  },
  {
    key: 'starCount',
    header: 'Stars',
    width: 70,
    align: 'right',
    value: (r) => r.starCount,
    render: (r) => (r.starCount == null ? '—' : String(r.starCount)),
  },
  {
    key: 'solveStatus',
    header: 'WCS',
    width: 96,
    value: (r) => r.solveStatus ?? '',
    render: (r) =>
      r.solveStatus ? (
        <Tooltip title={r.solveReason ?? (r.photZp != null ? `zero point ${r.photZp.toFixed(3)} (V_T)` : '')}>
          <Chip
            size="small"
            variant="outlined"
            label={r.solveStatus}
            color={r.solveStatus === 'solved' ? 'success' : 'warning'}
          />
        </Tooltip>
      ) : (
        '—'
      ),
  },
  {
    key: 'checksumState',
    header: 'Integrity',
    width: 90,
    value: (r) => r.checksumState ?? null,
    render: (r) => <IntegrityChip state={r.checksumState ?? null} note={r.checksumNote ?? null} />,
  },
  {
    key: 'status',
    header: 'Status',
    width: 100,
    value: (r) => r.status,
    render: (r) => (
      <Chip size="small" variant="outlined" label={r.status} color={STATUS_COLOUR[r.status] ?? 'default'} />
    ),
  },
];

/** CHECKSUM/DATASUM verdict: a red chip (the mismatch in its tooltip) for `bad`, a quiet one for `ok`. */
function IntegrityChip({ state, note }: { state: FrameRow['checksumState']; note: string | null }) {
  if (state === 'bad')
    return (
      <Tooltip title={note ?? 'CHECKSUM/DATASUM does not match'}>
        <Chip size="small" color="error" label="bad sum" aria-label={`checksum bad: ${note ?? ''}`} />
      </Tooltip>
    );
  if (state === 'ok')
    return (
      <Tooltip title="CHECKSUM/DATASUM verified">
        <Chip size="small" variant="outlined" color="success" label="sum ok" />
      </Tooltip>
    );
  return <span title={state === 'absent' ? 'no CHECKSUM/DATASUM in the file' : 'not verified'}>—</span>;
}

export const frameSearchText = (r: FrameRow): string =>
  `${r.fileName} ${r.imageType} ${r.filter ?? ''} ${r.status} ${r.dateObs ?? ''} ${r.solveStatus ?? ''}${r.checksumState === 'bad' ? ' bad-checksum' : ''}`;
