import { Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function DatasetsView(): ReactNode {
  return <Typography variant="h6">DatasetsView</Typography>;
}
