// Sites from observatory names (observatories.ts): which header values match (OBSERVAT, or a TELESCOP that is a
// site name; case, blanks and punctuation ignored; whole names only), what a match gives (the table's geodetic
// position through WGS84, named in the source), and that coordinates in the header still win in frameTimes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FitsHeader } from '../../../../src-workers/core/fits/index.js';
import {
  KNOWN_OBSERVATORIES,
  geodeticToItrs,
  knownObservatory,
  siteFromObservatoryName,
} from '../../../../src-workers/core/time/index.js';
import { frameTimes } from '../../../../src-main/node/pipeline/frame-time.js';

const h = (cards: Record<string, string | number>): FitsHeader => FitsHeader.from(cards);

describe('observatory names', () => {
  it('match OBSERVAT without regard to case, blanks or punctuation', () => {
    for (const name of ['SAAO', 'saao', ' S.A.A.O. ', 'Sutherland'])
      assert.equal(knownObservatory(name)?.names[0], 'SAAO');
    assert.equal(knownObservatory('kitt peak')?.names[0], 'KPNO');
    assert.equal(knownObservatory('gemini south')?.names[0], 'Gemini-South');
    assert.equal(knownObservatory(''), undefined);
    assert.equal(knownObservatory('My Backyard'), undefined);
  });

  it('use OBSERVAT first, then a TELESCOP that is itself a site, never a telescope name containing one', () => {
    const s = siteFromObservatoryName(h({ OBSERVAT: 'SAAO', TELESCOP: 'SAAO 1.0m' }));
    assert.equal(s?.source, "OBSERVAT 'SAAO' (known observatory)");
    assert.deepEqual(s?.itrsM, geodeticToItrs(20 + 48.7 / 60, -(32 + 22.7 / 60), 1798));
    assert.equal(siteFromObservatoryName(h({ TELESCOP: 'SAAO 1.0m' })), undefined);
    assert.equal(
      siteFromObservatoryName(h({ TELESCOP: 'Gemini-South' }))?.source,
      "TELESCOP 'Gemini-South' (known observatory)",
    );
  });

  it('has no name twice and only positions on the Earth', () => {
    const seen = new Set<string>();
    for (const o of KNOWN_OBSERVATORIES) {
      assert.ok(Math.abs(o.longitudeDeg) <= 180 && Math.abs(o.latitudeDeg) <= 90 && o.heightM > 0 && o.heightM < 5000);
      const r = Math.hypot(...geodeticToItrs(o.longitudeDeg, o.latitudeDeg, o.heightM));
      assert.ok(r > 6.35e6 && r < 6.39e6, `${o.names[0]}: ${r} m from the geocentre`);
      for (const n of o.names) {
        const k = n.toUpperCase().replace(/[^A-Z0-9]/g, '');
        assert.ok(!seen.has(k), `${n} twice`);
        seen.add(k);
      }
    }
  });

  it('serve frameTimes after the header coordinates and before the profile site', () => {
    const base = { 'DATE-OBS': '2013-07-13T00:56:18', EXPTIME: 150, RA: '22:04:08', DEC: '-00:55:31', EQUINOX: 2000 };
    const profile = { itrsM: geodeticToItrs(-17.88, 28.76, 2396), source: 'profile site' };
    assert.match(frameTimes(h({ ...base, OBSERVAT: 'SAAO' }), undefined, profile).timeSource ?? '', /OBSERVAT 'SAAO'/);
    assert.match(
      frameTimes(h({ ...base, OBSERVAT: 'SAAO', 'LAT-OBS': -32.38, 'LONG-OBS': 20.81 }), undefined, profile)
        .timeSource ?? '',
      /LONG-OBS\/LAT-OBS$/,
    );
    assert.match(frameTimes(h({ ...base, OBSERVAT: 'Home' }), undefined, profile).timeSource ?? '', /profile site$/);
    assert.match(frameTimes(h({ ...base, OBSERVAT: 'Home' })).timeNote ?? '', /no BJD_TDB: no observatory position/);
  });
});
