import { useEffect, useState } from 'react';

export const VIEWS = ['frames', 'viewer', 'curation', 'catalog', 'pipeline', 'datasets', 'models'] as const;
export type ViewName = (typeof VIEWS)[number];

export const VIEW_LABELS: Record<ViewName, string> = {
  frames: 'Frames',
  viewer: 'Viewer',
  curation: 'Curation',
  catalog: 'Catalog',
  pipeline: 'Pipeline',
  datasets: 'Datasets',
  models: 'Models',
};

export interface Route {
  view: ViewName;
  /** Optional parameters after the view, e.g. `#/viewer?frame=3`. */
  params: URLSearchParams;
}

/** Hash routes (`#/viewer?frame=3`) keep the token in `location.search` untouched and work under file:// too. */
export function parseHash(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#\/?/, '').split('?');
  const view = (VIEWS as readonly string[]).includes(path) ? (path as ViewName) : 'frames';
  return { view, params: new URLSearchParams(query) };
}

export function navigate(view: ViewName, params: Record<string, string | number> = {}): void {
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString();
  window.location.hash = `#/${view}${query ? `?${query}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = (): void => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}
