import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import type { ModelRunDetail } from '../../../src-main/common/models-dto.js';

type Row = [string, (r: ModelRunDetail) => number | string | null, number?];

const ROWS: Row[] = [
  ['held-out AUC', (r) => r.heldOut?.auc ?? null, 4],
  ['TPR at 1 % FPR', (r) => r.heldOut?.tprAtFpr1 ?? null, 4],
  ['accuracy at 0.5', (r) => r.heldOut?.accuracy ?? null, 4],
  ['log loss', (r) => r.heldOut?.loss ?? null, 4],
  ['held-out stamps', (r) => r.heldOut?.count ?? null],
  ['false positives at 0.5', (r) => r.heldOut?.confusion.fp ?? null],
  ['false negatives at 0.5', (r) => r.heldOut?.confusion.fn ?? null],
  ['epochs', (r) => r.epochs.length],
  ['training seconds', (r) => r.epochs.reduce((s, e) => s + e.seconds, 0), 1],
  ['seed', (r) => Number(r.settings.seed)],
  ['learning rate', (r) => Number(r.settings.learningRate)],
  ['batch', (r) => Number(r.settings.batchSize)],
  ['augment', (r) => String(r.settings.augment)],
  ['input', (r) => `${r.input.width}×${r.input.height}×${r.input.channels}`],
  [
    'data',
    (r) =>
      `${r.dataset.layout}: ${Object.entries(r.dataset.counts)
        .map(([k, n]) => `${n} ${k}`)
        .join(', ')}`,
  ],
  ['dataset hash', (r) => r.dataset.hash.slice(0, 12)],
  ['code version', (r) => r.codeVersion],
];

function shown(v: number | string | null, digits?: number): string {
  if (v === null) return '—';
  if (typeof v === 'number') return digits === undefined ? String(v) : v.toFixed(digits);
  return v;
}

/** Two runs side by side: held-out metrics, settings and data, with the difference of the numbers. */
export function RunComparison({ runs }: { runs: ModelRunDetail[] }): ReactNode {
  if (runs.length < 2)
    return (
      <Typography variant="body2" color="text.secondary">
        Tick a second run to compare it with {runs[0]?.name ?? 'the first'}.
      </Typography>
    );
  const [a, b] = runs;
  return (
    <Box
      component="table"
      data-testid="run-comparison"
      sx={{
        alignSelf: 'flex-start',
        fontSize: 13,
        borderCollapse: 'collapse',
        '& td, & th': { pr: 3, py: 0.25, textAlign: 'left' },
      }}
    >
      <thead>
        <tr>
          <th />
          <th>{a.name}</th>
          <th>{b.name}</th>
          <th>
            {b.name} − {a.name}
          </th>
        </tr>
      </thead>
      <tbody>
        {ROWS.map(([name, get, digits]) => {
          const va = get(a);
          const vb = get(b);
          const delta = typeof va === 'number' && typeof vb === 'number' ? vb - va : null;
          return (
            <tr key={name}>
              <td>{name}</td>
              <td>{shown(va, digits)}</td>
              <td>{shown(vb, digits)}</td>
              <td>{delta === null ? '' : `${delta > 0 ? '+' : ''}${shown(delta, digits)}`}</td>
            </tr>
          );
        })}
      </tbody>
    </Box>
  );
}
