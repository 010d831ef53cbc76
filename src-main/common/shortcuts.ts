/**
 * Every keyboard shortcut of the workbench, in one table that the Electron menu (labels and accelerators),
 * the renderer's help dialogs and the tests read, so the three cannot drift apart. The renderer's key
 * handlers act on these keys; a Chromium spec presses each one as the menu does and checks it is handled.
 *
 * A stroke is described as the `KeyboardEvent` the page receives (`key`, modifier flags): the menu
 * dispatches exactly that event (its accelerators are shown, not registered, so a key is never handled
 * twice), and help and accelerator texts are derived from it.
 */

/** Where a key acts: everywhere, or while one view is shown. */
export type ShortcutScope = 'global' | 'frames' | 'viewer' | 'curation';

/** The application-menu submenu that lists the action. */
export type ShortcutMenu = 'View' | 'Frames' | 'Viewer' | 'Regions' | 'Curation' | 'Help';

/** One key press, as `KeyboardEvent.key` plus modifiers (Shift+T arrives as key 'T' with shiftKey). */
export interface KeyStroke {
  key: string;
  shift?: boolean;
  alt?: boolean;
  ctrl?: boolean;
}

export interface Shortcut {
  /** Stable name, `scope.action`. */
  id: string;
  scope: ShortcutScope;
  menu: ShortcutMenu;
  /** Menu item label (title case, as menus read). */
  label: string;
  /** What the key does, as the help dialog says it. */
  help: string;
  /** The stroke the menu shows and dispatches. */
  stroke: KeyStroke;
  /** Further strokes doing the same (shown in the help, not in the menu). */
  aliases?: KeyStroke[];
}

/** Views in the order of Alt+1 … Alt+7 (the renderer's route list must match, a test checks it). */
export const VIEW_ORDER = ['Frames', 'Viewer', 'Curation', 'Catalog', 'Pipeline', 'Datasets', 'Models'] as const;

/** Curation classes on keys 1 … 9. */
export const CURATION_CLASSES = [
  'star',
  'galaxy',
  'artefact',
  'cosmic ray',
  'satellite trail',
  'variable',
  'transient',
  'asteroid',
  'other',
] as const;

const k = (key: string, mods: Omit<KeyStroke, 'key'> = {}): KeyStroke => ({ key, ...mods });

export const SHORTCUTS: readonly Shortcut[] = [
  ...VIEW_ORDER.map((view, i): Shortcut => ({
    id: `global.view-${view.toLowerCase()}`,
    scope: 'global',
    menu: 'View',
    label: view,
    help: `show the ${view} view`,
    stroke: k(String(i + 1), { alt: true }),
  })),
  {
    id: 'global.night',
    scope: 'global',
    menu: 'View',
    label: 'Night Mode',
    help: 'toggle night mode (red on black)',
    stroke: k('n', { alt: true }),
  },
  { id: 'global.help', scope: 'global', menu: 'Help', label: 'Keyboard Shortcuts', help: 'this help', stroke: k('F1') },

  {
    id: 'frames.next',
    scope: 'frames',
    menu: 'Frames',
    label: 'Next Frame',
    help: 'select the next frame',
    stroke: k('ArrowDown'),
  },
  {
    id: 'frames.previous',
    scope: 'frames',
    menu: 'Frames',
    label: 'Previous Frame',
    help: 'select the previous frame',
    stroke: k('ArrowUp'),
  },
  {
    id: 'frames.open',
    scope: 'frames',
    menu: 'Frames',
    label: 'Open in Viewer',
    help: 'open the selected frame in the viewer',
    stroke: k('Enter'),
  },

  { id: 'viewer.fit', scope: 'viewer', menu: 'Viewer', label: 'Zoom to Fit', help: 'zoom to fit', stroke: k('f') },
  { id: 'viewer.one-to-one', scope: 'viewer', menu: 'Viewer', label: 'Zoom 1:1', help: 'zoom 1:1', stroke: k('1') },
  {
    id: 'viewer.turn-ccw',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Rotate 90° Counter-clockwise',
    help: 'turn the image 90° counter-clockwise',
    stroke: k('t'),
  },
  {
    id: 'viewer.turn-cw',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Rotate 90° Clockwise',
    help: 'turn the image 90° clockwise',
    stroke: k('T', { shift: true }),
  },
  {
    id: 'viewer.flip-x',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Flip X',
    help: 'flip the image x axis',
    stroke: k('x'),
  },
  {
    id: 'viewer.flip-y',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Flip Y',
    help: 'flip the image y axis',
    stroke: k('y'),
  },
  {
    id: 'viewer.stretch',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Cycle Stretch',
    help: 'next stretch',
    stroke: k('s'),
  },
  {
    id: 'viewer.colormap',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Cycle Colour Map',
    help: 'next colour map',
    stroke: k('c'),
  },
  {
    id: 'viewer.invert',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Invert',
    help: 'invert the colour map',
    stroke: k('i'),
  },
  {
    id: 'viewer.overlays',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Detections Overlay',
    help: 'show or hide the detections overlay',
    stroke: k('o'),
  },
  {
    id: 'viewer.grid',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'RA/Dec Grid',
    help: 'RA/Dec grid and compass',
    stroke: k('g'),
  },
  { id: 'viewer.contours', scope: 'viewer', menu: 'Viewer', label: 'Contours', help: 'contours', stroke: k('k') },
  {
    id: 'viewer.catalog-stars',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Catalog Stars',
    help: 'catalog stars over the image',
    stroke: k('a'),
  },
  {
    id: 'viewer.blink',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Blink',
    help: 'blink with the chosen frame',
    stroke: k('b'),
  },
  {
    id: 'viewer.lock',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Cycle Frame Lock',
    help: 'lock frames: none, pixels, WCS',
    stroke: k('l'),
  },
  { id: 'viewer.next-hdu', scope: 'viewer', menu: 'Viewer', label: 'Next HDU', help: 'next image HDU', stroke: k('h') },
  {
    id: 'viewer.previous-plane',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Previous Cube Plane',
    help: 'previous cube plane',
    stroke: k(','),
  },
  {
    id: 'viewer.next-plane',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Next Cube Plane',
    help: 'next cube plane',
    stroke: k('.'),
  },
  {
    id: 'viewer.pick',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Pick Target and Comparison Stars',
    help: 'pick target and comparison stars',
    stroke: k('p'),
  },
  {
    id: 'viewer.aperture-smaller',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Smaller Aperture',
    help: 'aperture radius −0.5 px',
    stroke: k('['),
  },
  {
    id: 'viewer.aperture-larger',
    scope: 'viewer',
    menu: 'Viewer',
    label: 'Larger Aperture',
    help: 'aperture radius +0.5 px',
    stroke: k(']'),
  },

  {
    id: 'regions.draw',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Draw Circle / Box / Point / Off',
    help: 'draw circles, boxes, points, then off',
    stroke: k('r'),
  },
  {
    id: 'regions.ellipse',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Draw Ellipses',
    help: 'draw ellipses',
    stroke: k('e'),
  },
  {
    id: 'regions.polygon',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Draw a Polygon',
    help: 'draw a polygon (click the vertices)',
    stroke: k('q'),
  },
  {
    id: 'regions.close-polygon',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Close the Polygon',
    help: 'close the polygon being drawn',
    stroke: k('Enter'),
  },
  {
    id: 'regions.cancel-polygon',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Cancel the Polygon',
    help: 'drop the polygon being drawn',
    stroke: k('Escape'),
  },
  {
    id: 'regions.delete-last',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Delete Last Region',
    help: 'remove the last region',
    stroke: k('Delete'),
  },
  {
    id: 'regions.photometry',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Photometry at the Regions',
    help: 'photometry at the regions',
    stroke: k('m'),
  },
  {
    id: 'regions.masked-detection',
    scope: 'viewer',
    menu: 'Regions',
    label: 'Detect with the Regions Masked',
    help: 'detect again with the regions masked',
    stroke: k('M', { shift: true }),
  },

  { id: 'curation.accept', scope: 'curation', menu: 'Curation', label: 'Accept', help: 'accept', stroke: k('a') },
  { id: 'curation.reject', scope: 'curation', menu: 'Curation', label: 'Reject', help: 'reject', stroke: k('r') },
  ...CURATION_CLASSES.map((name, i): Shortcut => ({
    id: `curation.class-${i + 1}`,
    scope: 'curation',
    menu: 'Curation',
    label: `Class ${i + 1}: ${name[0].toUpperCase()}${name.slice(1)}`,
    help: `class label ${i + 1} (${name})`,
    stroke: k(String(i + 1)),
  })),
  {
    id: 'curation.undo',
    scope: 'curation',
    menu: 'Curation',
    label: 'Undo Last Decision',
    help: 'undo the last decision',
    stroke: k('u'),
    aliases: [k('z', { ctrl: true })],
  },
  {
    id: 'curation.view',
    scope: 'curation',
    menu: 'Curation',
    label: 'View in Frame',
    help: 'open the frame in the viewer, centred on this item',
    stroke: k('v'),
  },
  {
    id: 'curation.order',
    scope: 'curation',
    menu: 'Curation',
    label: 'Next Candidate Order',
    help: 'candidates: next order (as found, most uncertain first, score highest first, score lowest first)',
    stroke: k('o'),
  },
  {
    id: 'curation.next',
    scope: 'curation',
    menu: 'Curation',
    label: 'Next Item',
    help: 'next item',
    stroke: k('ArrowRight'),
    aliases: [k('ArrowDown')],
  },
  {
    id: 'curation.previous',
    scope: 'curation',
    menu: 'Curation',
    label: 'Previous Item',
    help: 'previous item',
    stroke: k('ArrowLeft'),
    aliases: [k('ArrowUp')],
  },
  {
    id: 'curation.help',
    scope: 'curation',
    menu: 'Curation',
    label: 'Curation Keys',
    help: 'show or hide this help',
    stroke: k('?'),
  },
];

const NAMED: Record<string, [accelerator: string, shown: string]> = {
  ArrowUp: ['Up', '↑'],
  ArrowDown: ['Down', '↓'],
  ArrowLeft: ['Left', '←'],
  ArrowRight: ['Right', '→'],
  Enter: ['Enter', 'Enter'],
  Escape: ['Escape', 'Esc'],
  Delete: ['Delete', 'Delete'],
};

function baseKey(stroke: KeyStroke, shown: boolean): string {
  const named = NAMED[stroke.key];
  if (named) return named[shown ? 1 : 0];
  return stroke.key.length === 1 ? stroke.key.toUpperCase() : stroke.key;
}

/** Electron accelerator text for a stroke (`Shift+T`, `Alt+1`, `CmdOrCtrl+Z`, `Right`). */
export function acceleratorOf(stroke: KeyStroke): string {
  const mods = [stroke.ctrl && 'CmdOrCtrl', stroke.alt && 'Alt', stroke.shift && 'Shift'].filter(Boolean);
  return [...mods, baseKey(stroke, false)].join('+');
}

/** The stroke as the help dialog shows it (`Shift+T`, `Ctrl+Z`, `→`). */
export function keyText(stroke: KeyStroke): string {
  const mods = [stroke.ctrl && 'Ctrl', stroke.alt && 'Alt', stroke.shift && 'Shift'].filter(Boolean);
  return [...mods, baseKey(stroke, true)].join('+');
}

/** The init of the `keydown` event the page receives for a stroke (what the menu dispatches). */
export function keyEventInit(stroke: KeyStroke): { key: string; shiftKey: boolean; altKey: boolean; ctrlKey: boolean } {
  return {
    key: stroke.key,
    shiftKey: stroke.shift === true,
    altKey: stroke.alt === true,
    ctrlKey: stroke.ctrl === true,
  };
}

/** Help rows `[keys, what they do]` for one scope, in table order; aliases follow the main key. */
export function helpRows(scope: ShortcutScope): Array<[string, string]> {
  return SHORTCUTS.filter((s) => s.scope === scope).map((s) => [
    [s.stroke, ...(s.aliases ?? [])].map(keyText).join(', '),
    s.menu === 'Regions' ? `regions: ${s.help}` : s.help,
  ]);
}
