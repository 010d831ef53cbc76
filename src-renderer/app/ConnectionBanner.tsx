import { Alert, Chip, Tooltip } from '@mui/material';
import type { ReactNode } from 'react';
import type { ConnectionState } from '../api/bridge.js';

const CHIP: Record<ConnectionState, { label: string; color: 'success' | 'error' | 'warning' | 'default' }> = {
  connecting: { label: 'connecting…', color: 'default' },
  connected: { label: 'connected', color: 'success' },
  offline: { label: 'offline', color: 'error' },
  restarted: { label: 'server restarted', color: 'warning' },
};

/** The connection chip of the top bar. */
export function ConnectionChip({ state, root }: { state: ConnectionState; root: string }): ReactNode {
  return (
    <Tooltip title={root}>
      <Chip
        size="small"
        variant="outlined"
        color={CHIP[state].color}
        label={CHIP[state].label}
        data-testid="connection-chip"
      />
    </Tooltip>
  );
}

/**
 * A full-width notice under the top bar while the link to `owb serve` is down: what happened, that
 * nothing is saved meanwhile, and, once the server is back with a new token, that only its new URL works
 * (the token is per server start; this page cannot learn the new one by itself).
 */
export function ConnectionBanner({ state }: { state: ConnectionState }): ReactNode {
  if (state === 'offline')
    return (
      <Alert severity="error" variant="filled" square data-testid="connection-banner" role="alert">
        Connection to owb serve lost. Changes made now are not saved (keys say “not saved”). Retrying every second…
      </Alert>
    );
  if (state === 'restarted')
    return (
      <Alert severity="warning" variant="filled" square data-testid="connection-banner" role="alert">
        owb serve was restarted and no longer accepts this page’s token. Open the new URL it printed (
        <code>http://127.0.0.1:…/?token=…</code>) to continue; nothing is saved from this page.
      </Alert>
    );
  return null;
}
