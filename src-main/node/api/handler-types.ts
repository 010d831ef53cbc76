import type { InvokeChannel, InvokeRequest, InvokeResponse } from '../../common/ipc-contract.js';
import type { WorkbenchServices } from './services.js';

export type Handler<K extends InvokeChannel> = (
  request: InvokeRequest<K>,
) => Promise<InvokeResponse<K>> | InvokeResponse<K>;

/** Exactly one handler per contract key: the mapped type makes a missing key a compile error. */
export type Handlers = { [K in InvokeChannel]: Handler<K> };

export type HandlerGroup<K extends InvokeChannel> = (services: WorkbenchServices) => { [P in K]: Handler<P> };
