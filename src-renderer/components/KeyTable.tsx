import { Box, Typography } from '@mui/material';
import type { ReactNode } from 'react';

/**
 * Keys and what they do, as a two-column grid: the key column is as wide as its widest key, so every
 * description starts at the same x however long the keys or the descriptions are (a row of flex boxes
 * let long descriptions squeeze their key cell and broke the column). A table for screen readers.
 */
export function KeyTable({ rows, testId }: { rows: Array<[string, string]>; testId?: string }): ReactNode {
  return (
    <Box
      role="table"
      data-testid={testId}
      sx={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', columnGap: 2, rowGap: 0.75 }}
    >
      {rows.map(([key, action]) => (
        <Box key={`${key} ${action}`} role="row" sx={{ display: 'contents' }}>
          <Typography role="cell" sx={{ fontFamily: 'monospace', whiteSpace: 'nowrap' }} data-part="key">
            {key}
          </Typography>
          <Typography role="cell" color="text.secondary" data-part="action">
            {action}
          </Typography>
        </Box>
      ))}
    </Box>
  );
}
