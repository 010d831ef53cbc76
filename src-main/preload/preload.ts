/**
 * The preload of the workbench window: exposes `window.owb = { invoke, on }` and nothing else, over
 * `contextBridge` (contextIsolation + sandbox). It forwards only channels of the contract, so a
 * compromised page cannot reach other IPC. Bundled to CommonJS (`dist/preload/preload.cjs`) because
 * sandboxed preloads cannot be ES modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  EVENT_CHANNELS,
  INVOKE_CHANNELS,
  type EventChannel,
  type InvokeChannel,
  type OwbBridge,
} from '../common/ipc-contract.js';
import type { Result } from '../common/result.js';

const invokeChannels = new Set<string>(INVOKE_CHANNELS);
const eventChannels = new Set<string>(EVENT_CHANNELS);

const bridge: OwbBridge = {
  invoke: (channel, request) => {
    if (!invokeChannels.has(channel))
      return Promise.resolve({
        ok: false,
        error: { code: 'UNKNOWN_CHANNEL', message: `unknown channel '${channel}'` },
      });
    return ipcRenderer.invoke(channel as InvokeChannel, request) as Promise<Result<never>>;
  },
  on: (channel, listener) => {
    if (!eventChannels.has(channel)) return () => undefined;
    const wrapped = (_event: IpcRendererEvent, payload: unknown): void => listener(payload as never);
    ipcRenderer.on(channel as EventChannel, wrapped);
    return () => {
      ipcRenderer.removeListener(channel, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('owb', bridge);
