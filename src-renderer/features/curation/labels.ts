/** Curation keys → stored labels. */
export function labelForKey(key: string): string | null {
  const k = key.toLowerCase();
  if (k === 'a') return 'accept';
  if (k === 'r') return 'reject';
  if (/^[1-9]$/.test(k)) return `class:${k}`;
  return null;
}

export const CLASS_NAMES: Record<string, string> = {
  'class:1': 'star',
  'class:2': 'galaxy',
  'class:3': 'artefact',
  'class:4': 'cosmic ray',
  'class:5': 'satellite trail',
  'class:6': 'variable',
  'class:7': 'transient',
  'class:8': 'asteroid',
  'class:9': 'other',
};

export function labelText(label: string | null): string {
  if (!label) return 'unlabelled';
  return CLASS_NAMES[label] ? `${label} (${CLASS_NAMES[label]})` : label;
}

export const CURATION_HELP: Array<[string, string]> = [
  ['A', 'accept'],
  ['R', 'reject'],
  [
    '1 – 9',
    `class label (${Object.entries(CLASS_NAMES)
      .map(([k, v]) => `${k.slice(6)} ${v}`)
      .join(', ')})`,
  ],
  ['U, Ctrl+Z', 'undo the last decision'],
  ['V', 'open the frame in the viewer, centred on this item'],
  ['O', 'candidates: next order (as found, most uncertain first, score highest first, score lowest first)'],
  ['→ / ↓', 'next item'],
  ['← / ↑', 'previous item'],
  ['?', 'show or hide this help'],
];
