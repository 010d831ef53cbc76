import { Alert } from '@mui/material';
import type { ReactNode } from 'react';
import type { ApiError } from '../api/bridge.js';

/** How a view says that its data could not be loaded: the code and message from the services, not a blank page. */
export function ErrorNote({ error }: { error: ApiError | null }): ReactNode {
  if (!error) return null;
  return (
    <Alert severity={error.code === 'UNAVAILABLE' ? 'info' : 'error'} variant="outlined" sx={{ my: 1 }}>
      {error.code === 'UNAVAILABLE' ? '' : `${error.code}: `}
      {error.message}
    </Alert>
  );
}
