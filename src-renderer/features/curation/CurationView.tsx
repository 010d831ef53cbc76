import { Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function CurationView(): ReactNode {
  return <Typography variant="h6">CurationView</Typography>;
}
