import { Box, Button, Typography } from '@mui/material';
import { useMemo, type ReactNode } from 'react';
import type { FrameRow } from '../../../src-main/common/workbench-dto.js';
import { useEvent, useInvoke } from '../../api/hooks.js';
import { navigate } from '../../app/route.js';
import { useKeyboard } from '../../app/shortcuts.js';
import { useViewState } from '../../app/view-state.js';
import { ErrorNote } from '../../components/ErrorNote.js';
import { SendFrameTo } from '../../components/SendFrameTo.js';
import { VirtualTable } from '../../components/VirtualTable.js';
import { FRAME_COLUMNS, frameSearchText } from './columns.js';

/** Every frame of the workspace: sortable, filterable; Enter or double click opens it in the viewer. */
export function FramesView(): ReactNode {
  const frames = useInvoke('owb:frames.list', {});
  const [selected, setSelected] = useViewState('frames.selected', -1);
  const rows = useMemo(() => frames.data ?? [], [frames.data]);
  const source = useMemo(() => ({ kind: 'array' as const, rows }), [rows]);
  useEvent('owb:frames.added', frames.reload);
  useEvent('owb:sources.added', frames.reload);
  useEvent('owb:jobs.changed', frames.reload);
  const open = (row: FrameRow): void => navigate('viewer', { frame: row.id });
  useKeyboard((e) => {
    if (e.key === 'ArrowDown') setSelected((s) => Math.min(rows.length - 1, s + 1));
    else if (e.key === 'ArrowUp') setSelected((s) => Math.max(0, s - 1));
    else if (e.key === 'Enter' && rows[selected]) open(rows[selected]);
    else return false;
    return true;
  });
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', height: '100%', minHeight: 0 }}>
      <Box sx={{ display: 'flex', alignItems: 'baseline', gap: 2, mb: 1 }}>
        <Typography variant="h6">Frames</Typography>
        <Typography variant="body2" color="text.secondary">
          Double-click or Enter opens a frame in the viewer.
        </Typography>
        <Box sx={{ flex: 1 }} />
        <SendFrameTo frameId={rows[selected]?.id} />
        <Button onClick={frames.reload}>Refresh</Button>
      </Box>
      <ErrorNote error={frames.error} />
      {!frames.loading && rows.length === 0 && !frames.error && (
        <Typography color="text.secondary" sx={{ my: 2 }}>
          No frames in this workspace yet. Add a watched folder in Pipeline, or run `owb demo`.
        </Typography>
      )}
      <Box sx={{ flex: 1, minHeight: 0 }}>
        <VirtualTable
          testId="frames-table"
          columns={FRAME_COLUMNS}
          source={source}
          rowHeight={52}
          rowKey={(r) => r.id}
          onOpen={open}
          onSelect={(_, i) => setSelected(i)}
          selectedIndex={selected}
          searchText={frameSearchText}
          searchPlaceholder="Search file, type, filter, status…"
        />
      </Box>
    </Box>
  );
}
