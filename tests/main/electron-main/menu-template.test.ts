// The Electron menu is built from the shared shortcut table (issue 26 §5): every table entry is a menu item
// with its accelerator, shown but not registered, whose click sends exactly the table's key to the page.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { acceleratorOf, keyEventInit, SHORTCUTS, type KeyStroke } from '../../../src-main/common/shortcuts.js';
import { keydownScript, menuTemplate } from '../../../src-main/electron-main/menu-template.js';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
}

describe('application menu template', () => {
  const sent: KeyStroke[] = [];
  const items = flatten(menuTemplate({ mac: false, onOpenWorkspace: () => {}, sendKey: (s) => sent.push(s) }));

  it('lists every shortcut of the table with its accelerator, not registered, sending its key', () => {
    for (const s of SHORTCUTS) {
      const item = items.find((i) => i.id === s.id);
      assert.ok(item, `${s.id} is in the menu`);
      assert.equal(item.label, s.label);
      assert.equal(item.accelerator, acceleratorOf(s.stroke), s.id);
      assert.equal(item.registerAccelerator, false, `${s.id}: the page handles the key itself`);
      sent.length = 0;
      (item.click as () => void)();
      assert.deepEqual(sent, [s.stroke], `${s.id} sends its stroke`);
    }
  });

  it('names all seven views on Alt+1 … Alt+7, with curation, regions and photometry keys', () => {
    const view = items.filter((i) => /^global\.view-/.test(i.id ?? ''));
    assert.deepEqual(
      view.map((i) => i.label),
      ['Frames', 'Viewer', 'Curation', 'Catalog', 'Pipeline', 'Datasets', 'Models'],
    );
    assert.equal(view[6].accelerator, 'Alt+7');
    const byId = (id: string) => items.find((i) => i.id === id)?.accelerator;
    assert.equal(byId('regions.photometry'), 'M');
    assert.equal(byId('regions.masked-detection'), 'Shift+M');
    assert.equal(byId('viewer.catalog-stars'), 'A');
    assert.equal(byId('viewer.turn-cw'), 'Shift+T');
    assert.equal(byId('curation.next'), 'Right');
    assert.equal(byId('global.help'), 'F1');
  });

  it('dispatches the keydown a key press gives', () => {
    assert.equal(
      keydownScript({ key: 'M', shift: true }),
      `window.dispatchEvent(new KeyboardEvent('keydown', {"key":"M","shiftKey":true,"altKey":false,"ctrlKey":false}))`,
    );
    assert.deepEqual(keyEventInit({ key: '1', alt: true }), {
      key: '1',
      shiftKey: false,
      altKey: true,
      ctrlKey: false,
    });
  });
});
