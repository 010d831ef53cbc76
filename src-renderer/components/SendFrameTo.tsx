import type { ReactNode } from 'react';
import { SendToMenu } from './SendToMenu.js';

/**
 * "Send frame to…": the frame's FITS file to DS9, Aladin or any SAMP tool (image.load.fits), from the frames
 * list (the selected row) and the viewer (the frame shown). Disabled while there is no frame.
 */
export function SendFrameTo(props: { frameId: number | null | undefined; testId?: string }): ReactNode {
  const frameId = props.frameId ?? undefined;
  return (
    <SendToMenu
      request={{ what: 'image', frameId }}
      label="Send frame to…"
      disabled={frameId === undefined}
      testId={props.testId ?? 'send-frame'}
    />
  );
}
