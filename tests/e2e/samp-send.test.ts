/**
 * SAMP from the UI in Chromium: "Send to…" on the catalog starts the workbench's own hub when none runs,
 * lists the tools on it (an astropy.samp client), sends the sources table, and what the tool sends back
 * (coord.pointAt.sky) is shown in the catalog view.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { astropyPeer, PY } from '../main/node/samp/astropy-peer.js';
import { chromiumAvailable, openWorkbench, screenshot, type Workbench } from './harness.js';

const hasSamp = existsSync(PY) && spawnSync(PY, ['-c', 'import astropy.samp'], { stdio: 'ignore' }).status === 0;
const skip = !chromiumAvailable() ? 'no Chromium at /usr/bin/chromium' : !hasSamp ? 'needs astropy.samp' : false;
const home = mkdtempSync(join(tmpdir(), 'owb-e2e-samp-'));
const lockfile = join(home, 'hub.samp');
const saved = process.env.SAMP_HUB;

describe('SAMP "Send to…" in Chromium', { skip }, () => {
  let bench: Workbench;
  let peer: Awaited<ReturnType<typeof astropyPeer>> | undefined;

  before(async () => {
    // owb serve inherits this: its hub writes the lockfile here, never in the user's home.
    process.env.SAMP_HUB = `std-lockurl:${pathToFileURL(lockfile).href}`;
    bench = await openWorkbench('samp', { frames: 1, sizePx: 128, starCount: 8 });
  });
  after(async () => {
    await peer?.stop();
    await bench?.close();
    if (saved === undefined) delete process.env.SAMP_HUB;
    else process.env.SAMP_HUB = saved;
    rmSync(home, { recursive: true, force: true });
  });

  it('starts a hub, lists the astropy client, sends the table, and shows its pointAt', async () => {
    const { page, served } = bench;
    await page.goto(`${served.url}#/catalog`);
    await page.getByTestId('send-sources').click();
    await page.getByText('No other SAMP tool is running').waitFor();
    assert.ok(existsSync(lockfile), 'the workbench started its own hub');
    await page.keyboard.press('Escape');
    peer = await astropyPeer(lockfile, 'client', home);
    await page.getByTestId('send-sources').click();
    await page.getByRole('menuitem', { name: 'astropy-peer' }).click();
    const got = await peer.next((o) => o.got === 'table.load.votable', 'the sources table');
    assert.match(String((got.params as Record<string, string>).url), /^file:\/\/.*\/samp\/owb-sources-all-/);
    await page.getByRole('status').getByText('sent to astropy-peer').waitFor();
    // The peer answers a table with coord.pointAt.sky at (10.5, −20.25).
    const shown = page.getByTestId('samp-selected');
    await shown.waitFor();
    assert.match(
      await shown.innerText(),
      /^astropy-peer pointed at RA 10\.50000°, Dec -20\.25000°: no catalog object within 5″/,
    );
    await screenshot(page, 'samp-send-to');
  });

  it("sends a frame's FITS file from the frames list and from the viewer (image.load.fits)", async () => {
    const { page, served } = bench;
    assert.ok(peer, 'the first case registered the astropy peer');
    await page.goto(`${served.url}#/frames`);
    assert.equal(await page.getByTestId('send-frame').isDisabled(), true, 'no frame selected yet');
    // Row 0 of the table is its header.
    await page.getByTestId('frames-table').getByRole('row').nth(1).click();
    await page.getByTestId('send-frame').click();
    await page.getByRole('menuitem', { name: 'astropy-peer' }).click();
    const fromList = await peer.next((o) => o.got === 'image.load.fits', 'the frame from the frames list');
    const params = fromList.params as Record<string, string>;
    assert.match(params.url, /^file:\/\/.*\.fits$/);
    assert.equal(params['image-id'], 'owb-frame-1');
    await page.goto(`${served.url}#/viewer?frame=1`);
    await page.getByTestId('viewer-send-frame').click();
    await page.getByRole('menuitem', { name: 'astropy-peer' }).click();
    const fromViewer = await peer.next((o) => o.got === 'image.load.fits', 'the frame from the viewer');
    assert.equal((fromViewer.params as Record<string, string>).url, params.url);
    await screenshot(page, 'samp-send-frame');
  });
});
