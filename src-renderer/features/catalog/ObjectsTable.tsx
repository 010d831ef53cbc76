import { Alert, Box, TextField, Typography } from '@mui/material';
import type { ReactNode } from 'react';
import { useViewState } from '../../app/view-state.js';
import type { ObjectRow } from '../../../src-main/common/workbench-dto.js';
import { VirtualTable, type Column } from '../../components/VirtualTable.js';
import { usePagedObjects, type ObjectFilter } from './usePagedSources.js';

const f = (v: number | null | undefined, d: number): string => (v == null || !Number.isFinite(v) ? '—' : v.toFixed(d));

const COLUMNS: Column<ObjectRow>[] = [
  { key: 'id', header: 'Object', width: 90, align: 'right', render: (o) => String(o.id) },
  { key: 'raDeg', header: 'RA (°)', width: 120, align: 'right', render: (o) => f(o.raDeg, 6) },
  { key: 'decDeg', header: 'Dec (°)', width: 120, align: 'right', render: (o) => f(o.decDeg, 6) },
  // Wide enough for the bold header and its sort arrow (at 120 px "Measurements ▴" ran into "Mean mag").
  { key: 'nMeasurements', header: 'Measurements', width: 150, align: 'right', render: (o) => String(o.nMeasurements) },
  { key: 'meanMag', header: 'Mean mag', width: 110, align: 'right', render: (o) => f(o.meanMag, 3) },
];

/** Objects (sources cross-matched across frames), paged and server-sorted; selecting one shows its light curve. */
export function ObjectsTable({ onObject }: { onObject: (id: number) => void }): ReactNode {
  const [filter, setFilter] = useViewState<ObjectFilter>('objects.filter', { sortBy: 'id' });
  const [selectedIndex, setSelectedIndex] = useViewState<number | undefined>('objects.selectedIndex', undefined);
  const { source, total, error } = usePagedObjects(filter);
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Box sx={{ display: 'flex', gap: 1, alignItems: 'center', mb: 1 }}>
        <Typography variant="body2" color="text.secondary" data-testid="objects-total">
          {total.toLocaleString()} objects
        </Typography>
        <TextField
          label="Min measurements"
          type="number"
          value={filter.minMeasurements ?? ''}
          onChange={(e) =>
            setFilter({
              ...filter,
              minMeasurements: e.target.value === '' ? undefined : Math.max(0, Math.round(Number(e.target.value))),
            })
          }
          sx={{ width: 160 }}
        />
      </Box>
      {error && <Alert severity="error">{error}</Alert>}
      <Box sx={{ flex: 1, minHeight: 0 }}>
        <VirtualTable
          testId="objects-table"
          columns={COLUMNS}
          source={source}
          rowKey={(o) => o.id}
          sort={{ key: filter.sortBy ?? 'id', descending: Boolean(filter.descending) }}
          onSortChange={(s) =>
            s.key !== 'meanMag' &&
            setFilter({ ...filter, sortBy: s.key as ObjectFilter['sortBy'], descending: s.descending })
          }
          onSelect={(o, i) => {
            setSelectedIndex(i);
            onObject(o.id);
          }}
          selectedIndex={selectedIndex}
        />
      </Box>
    </Box>
  );
}
