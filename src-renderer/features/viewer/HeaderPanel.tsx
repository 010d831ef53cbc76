import { Box, TextField, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { FrameDetail } from '../../../src-main/common/workbench-dto.js';

/** The frame's FITS header as cards, filterable by keyword or value. */
export function HeaderPanel({ header }: { header: FrameDetail['header'] }): ReactNode {
  const [filter, setFilter] = useState('');
  const q = filter.trim().toUpperCase();
  const cards = q ? header.filter((c) => c.key.includes(q) || String(c.value).toUpperCase().includes(q)) : header;
  return (
    <Box sx={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }} data-testid="header-panel">
      <TextField
        placeholder="Filter header…"
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
        sx={{ mb: 1 }}
      />
      <Box sx={{ overflowY: 'auto', flex: 1, fontFamily: 'monospace', fontSize: 12 }}>
        {cards.map((c, i) => (
          <Box key={`${c.key}-${i}`} sx={{ display: 'flex', gap: 1, whiteSpace: 'nowrap' }} title={c.comment}>
            <Typography
              component="span"
              sx={{ width: 76, flex: 'none', fontFamily: 'inherit', fontSize: 'inherit' }}
              color="primary"
            >
              {c.key}
            </Typography>
            <Typography
              component="span"
              sx={{ fontFamily: 'inherit', fontSize: 'inherit', overflow: 'hidden', textOverflow: 'ellipsis' }}
            >
              {c.value === null ? '' : String(c.value)}
            </Typography>
          </Box>
        ))}
        {cards.length === 0 && <Typography color="text.secondary">No cards.</Typography>}
      </Box>
    </Box>
  );
}
