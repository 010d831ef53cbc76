// The shared shortcut table: no key does two things in one view, and the help dialogs list every entry.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { helpRows, keyText, SHORTCUTS, VIEW_ORDER } from '../../../src-main/common/shortcuts.js';
import { VIEW_LABELS, VIEWS } from '../../../src-renderer/app/route.js';
import { CURATION_HELP } from '../../../src-renderer/features/curation/labels.js';

const strokeId = (s: { key: string; shift?: boolean; alt?: boolean; ctrl?: boolean }): string =>
  `${s.ctrl ? 'C' : ''}${s.alt ? 'A' : ''}${s.shift ? 'S' : ''}+${s.key.toLowerCase()}`;

describe('shortcut table', () => {
  it('gives no key two actions within one view (global keys count in every view)', () => {
    for (const scope of ['frames', 'viewer', 'curation'] as const) {
      const seen = new Map<string, string>();
      for (const s of SHORTCUTS.filter((x) => x.scope === scope || x.scope === 'global'))
        for (const stroke of [s.stroke, ...(s.aliases ?? [])]) {
          const id = strokeId(stroke);
          assert.ok(!seen.has(id), `${scope}: ${keyText(stroke)} is both ${seen.get(id)} and ${s.id}`);
          seen.set(id, s.id);
        }
    }
  });

  it('has unique ids and names the renderer views in route order', () => {
    assert.equal(new Set(SHORTCUTS.map((s) => s.id)).size, SHORTCUTS.length);
    assert.deepEqual(
      VIEWS.map((v) => VIEW_LABELS[v]),
      [...VIEW_ORDER],
    );
  });

  it('help rows list every entry with its keys, aliases included', () => {
    for (const scope of ['global', 'frames', 'viewer', 'curation'] as const) {
      const rows = helpRows(scope);
      const entries = SHORTCUTS.filter((s) => s.scope === scope);
      assert.equal(rows.length, entries.length);
      entries.forEach((s, i) => {
        assert.ok(rows[i][0].split(', ').includes(keyText(s.stroke)), `${s.id}: ${rows[i][0]}`);
        assert.ok(rows[i][1].endsWith(s.help));
      });
    }
    assert.deepEqual(CURATION_HELP, helpRows('curation'));
    assert.ok(CURATION_HELP.some(([key]) => key === 'U, Ctrl+Z'));
  });
});
