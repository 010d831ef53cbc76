import { CURATION_CLASSES, helpRows } from '../../../src-main/common/shortcuts.js';

/** Curation keys → stored labels. */
export function labelForKey(key: string): string | null {
  const k = key.toLowerCase();
  if (k === 'a') return 'accept';
  if (k === 'r') return 'reject';
  if (/^[1-9]$/.test(k)) return `class:${k}`;
  return null;
}

/** Class labels by key, from the shared shortcut table (keys 1 … 9). */
export const CLASS_NAMES: Record<string, string> = Object.fromEntries(
  CURATION_CLASSES.map((name, i) => [`class:${i + 1}`, name]),
);

export function labelText(label: string | null): string {
  if (!label) return 'unlabelled';
  return CLASS_NAMES[label] ? `${label} (${CLASS_NAMES[label]})` : label;
}

/** The curation help dialog's rows: the shared shortcut table's curation entries. */
export const CURATION_HELP: Array<[string, string]> = helpRows('curation');
