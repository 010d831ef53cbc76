import { Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function PipelineView(): ReactNode {
  return <Typography variant="h6">PipelineView</Typography>;
}
