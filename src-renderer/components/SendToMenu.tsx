import { Button, Divider, ListItemText, Menu, MenuItem, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import type { InvokeRequest } from '../../src-main/common/ipc-contract.js';
import type { SampStatus } from '../../src-main/common/workbench-dto.js';
import { call } from '../api/bridge.js';

type SendRequest = Omit<InvokeRequest<'owb:samp.send'>, 'to'>;

/**
 * "Send to…": the tools on the SAMP bus (DS9, TOPCAT, Aladin …), listed when the menu opens. Opening it
 * connects to the running hub, or starts the workbench's own so that tools started later can join.
 */
export function SendToMenu(props: {
  request: SendRequest;
  label?: string;
  disabled?: boolean;
  testId?: string;
}): ReactNode {
  const [anchor, setAnchor] = useState<HTMLElement | null>(null);
  const [status, setStatus] = useState<SampStatus | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const open = (el: HTMLElement): void => {
    setAnchor(el);
    setMessage(null);
    call('owb:samp.connect', {}).then(setStatus, (e: unknown) =>
      setStatus({ connected: false, ownHub: false, clients: [], reason: e instanceof Error ? e.message : String(e) }),
    );
  };
  const send = (to?: string): void => {
    setAnchor(null);
    call('owb:samp.send', { ...props.request, to }).then(
      (r) => setMessage(r.to.length ? `sent to ${to ?? `${r.to.length} tool(s)`}` : 'no tool took it'),
      (e: unknown) => setMessage(`not sent: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  return (
    <>
      <Button
        variant="outlined"
        disabled={props.disabled}
        data-testid={props.testId ?? 'send-to'}
        aria-haspopup="menu"
        onClick={(e) => open(e.currentTarget)}
      >
        {props.label ?? 'Send to…'}
      </Button>
      {message && (
        <Typography variant="caption" role="status" sx={{ alignSelf: 'center' }}>
          {message}
        </Typography>
      )}
      <Menu anchorEl={anchor} open={anchor !== null} onClose={() => setAnchor(null)}>
        {!status && <MenuItem disabled>Connecting to the SAMP hub…</MenuItem>}
        {status && !status.connected && <MenuItem disabled>{status.reason ?? 'SAMP is not connected'}</MenuItem>}
        {status?.connected && status.clients.length === 0 && (
          <MenuItem disabled>
            <ListItemText
              primary="No other SAMP tool is running"
              secondary={status.ownHub ? 'The workbench runs the hub: start DS9, TOPCAT or Aladin' : undefined}
            />
          </MenuItem>
        )}
        {status?.connected &&
          status.clients.length > 0 && [
            <MenuItem key="*" onClick={() => send()}>
              Every SAMP tool
            </MenuItem>,
            <Divider key="-" />,
            ...status.clients.map((c) => (
              <MenuItem key={c.id} onClick={() => send(c.name)}>
                {c.name}
              </MenuItem>
            )),
          ]}
      </Menu>
    </>
  );
}
