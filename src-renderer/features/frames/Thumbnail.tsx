import { useEffect, useState, type ReactNode } from 'react';
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import { call } from '../../api/bridge.js';
import { PixelImage } from '../../components/PixelImage.js';

const cache = new Map<number, Promise<PixelsDto | null>>();

function thumbnail(frameId: number): Promise<PixelsDto | null> {
  let hit = cache.get(frameId);
  if (!hit) {
    hit = call('owb:frames.thumbnail', { frameId, sizePx: 64 }).catch(() => null);
    cache.set(frameId, hit);
  }
  return hit;
}

/** A frame's preview, fetched once when its row first scrolls into view. */
export function Thumbnail({ frameId, sizePx }: { frameId: number; sizePx: number }): ReactNode {
  const [pixels, setPixels] = useState<PixelsDto | null>(null);
  useEffect(() => {
    let live = true;
    void thumbnail(frameId).then((p) => live && setPixels(p));
    return () => {
      live = false;
    };
  }, [frameId]);
  return <PixelImage pixels={pixels} sizePx={sizePx} label={`frame ${frameId} thumbnail`} />;
}
