// Every key of the shared shortcut table is handled in the renderer (issue 26 §5): a static check against
// the key handlers of the view it belongs to (the files under that view's folder with a `useKeyboard`
// handler or the curation key map). A key dropped from a handler, or a table entry no handler reads, fails.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { SHORTCUTS, type ShortcutScope } from '../../src-main/common/shortcuts.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const FOLDERS: Record<ShortcutScope, string> = {
  global: 'src-renderer/app',
  frames: 'src-renderer/features/frames',
  viewer: 'src-renderer/features/viewer',
  curation: 'src-renderer/features/curation',
};

function handlerFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return handlerFiles(path);
    const text = readFileSync(path, 'utf8');
    return /useKeyboard\(\(e\)|export function labelForKey/.test(text) ? [text] : [];
  });
}

/** Whether a handler source reads this key: as a literal, or as a digit in a handled range. */
function reads(source: string, key: string): boolean {
  const lower = key.length === 1 ? key.toLowerCase() : key;
  if (source.includes(`'${lower}'`) || source.includes(`'${key}'`)) return true;
  if (/^[1-9]$/.test(key)) return source.includes('/^[1-9]$/') || /e\.key >= '1' && e\.key <= /.test(source);
  return false;
}

describe('shortcut table against the renderer key handlers', () => {
  for (const scope of Object.keys(FOLDERS) as ShortcutScope[]) {
    it(`every ${scope} key is read by a handler of that view`, () => {
      const sources = handlerFiles(join(ROOT, FOLDERS[scope]));
      assert.ok(sources.length > 0);
      for (const s of SHORTCUTS.filter((x) => x.scope === scope))
        for (const stroke of [s.stroke, ...(s.aliases ?? [])]) {
          const handling = sources.filter((src) => reads(src, stroke.key));
          assert.ok(handling.length > 0, `${s.id}: no ${scope} handler reads key '${stroke.key}'`);
          if (stroke.shift)
            assert.ok(
              handling.some((src) => src.includes('e.shiftKey')),
              `${s.id}: Shift not read`,
            );
          if (stroke.alt)
            assert.ok(
              handling.some((src) => src.includes('e.altKey &&')),
              `${s.id}: Alt not read`,
            );
          if (stroke.ctrl)
            assert.ok(
              handling.some((src) => src.includes('e.ctrlKey || e.metaKey')),
              s.id,
            );
        }
    });
  }
});
