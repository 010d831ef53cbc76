import { Typography } from '@mui/material';
import type { ReactNode } from 'react';

export function ViewerView(_props: { frameId: number | null }): ReactNode {
  return <Typography variant="h6">ViewerView</Typography>;
}
