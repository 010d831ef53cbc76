import { Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function CatalogView(): ReactNode {
  return <Typography variant="h6">CatalogView</Typography>;
}
