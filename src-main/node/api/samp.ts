import type { SampStatus } from '../../common/workbench-dto.js';
import { SampHub } from '../samp/hub.js';
import { SampLink } from '../samp/workbench-link.js';
import type { HandlerGroup } from './handler-types.js';

type SampKeys = 'owb:samp.status' | 'owb:samp.connect' | 'owb:samp.send';

/**
 * SAMP for the UI: connect on request (to the running hub, else a hub of our own, loopback only), send
 * tables, frames and positions, and forward what other tools send back as `owb:samp.selected` events.
 */
export const sampHandlers: HandlerGroup<SampKeys> = (services) => {
  let link: SampLink | null = null;
  let hub: SampHub | null = null;
  let reason: string | undefined;
  (services.atClose ??= []).push(async () => {
    await link?.close();
    await hub?.stop();
    link = null;
    hub = null;
  });

  async function status(): Promise<SampStatus> {
    if (!link) return { connected: false, ownHub: false, clients: [], reason };
    try {
      return { connected: true, ownHub: hub !== null, clients: await link.clients() };
    } catch (error) {
      // The hub went away (the user closed TOPCAT's hub, say): forget the link so connect can start over.
      reason = `the SAMP hub stopped answering: ${(error as Error).message}`;
      await link.close().catch(() => undefined);
      link = null;
      return { connected: false, ownHub: false, clients: [], reason };
    }
  }

  async function connected(): Promise<SampLink> {
    if (link) return link;
    const onSelect = (s: Parameters<typeof services.events.emit<'owb:samp.selected'>>[1]) =>
      services.events.emit('owb:samp.selected', s);
    try {
      link = await SampLink.connect({ db: services.db, root: services.root, onSelect });
    } catch (error) {
      if (!/no hub is running/.test((error as Error).message)) throw error;
      hub = await SampHub.start();
      link = await SampLink.connect({ db: services.db, root: services.root, onSelect });
    }
    reason = undefined;
    return link;
  }

  return {
    'owb:samp.status': () => status(),
    'owb:samp.connect': async () => {
      await connected();
      return status();
    },
    'owb:samp.send': async (req) => {
      const l = await connected();
      if (req.what === 'sky') {
        if (req.raDeg === undefined || req.decDeg === undefined)
          throw new RangeError('SAMP: sky needs raDeg and decDeg');
        return { to: await l.pointAt(req.raDeg, req.decDeg, req.to) };
      }
      if (req.what === 'image') {
        if (req.frameId === undefined) throw new RangeError('SAMP: image needs a frameId');
        return { to: await l.sendImage(req.frameId, req.to) };
      }
      return { to: (await l.sendSources(req.frameId, req.to)).to };
    },
  };
};
