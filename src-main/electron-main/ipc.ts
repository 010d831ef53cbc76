import { ipcMain, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { EVENT_CHANNELS, INVOKE_CHANNELS } from '../common/ipc-contract.js';
import { fail } from '../common/result.js';
import { dispatch, type Handlers } from '../node/api/handlers.js';
import type { EventHub } from '../node/api/event-hub.js';

/**
 * One `ipcMain.handle` per contract key (the same handlers `owb serve` uses). A request is answered only
 * when it comes from our window's main frame showing our own renderer; payloads are validated by
 * `dispatch` (guards) before a handler runs.
 */
export function registerIpc(handlers: Handlers, win: BrowserWindow, rendererUrl: string, events: EventHub): () => void {
  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return (
      event.sender === win.webContents &&
      frame !== null &&
      frame === event.sender.mainFrame &&
      frame.url.split('#')[0] === rendererUrl
    );
  };
  for (const channel of INVOKE_CHANNELS) {
    ipcMain.handle(channel, (event, request: unknown) => {
      if (!trusted(event)) return fail('UNTRUSTED_SENDER', `${channel}: request from an unexpected frame was refused`);
      return dispatch(handlers, channel, request);
    });
  }
  const eventSet = new Set<string>(EVENT_CHANNELS);
  const unsubscribe = events.onAny((channel, payload) => {
    if (eventSet.has(channel) && !win.isDestroyed()) win.webContents.send(channel, payload);
  });
  return () => {
    unsubscribe();
    for (const channel of INVOKE_CHANNELS) ipcMain.removeHandler(channel);
  };
}
