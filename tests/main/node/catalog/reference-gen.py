"""Writes one reference list in every format astropy writes, plus the ICRS truth, for reference.test.ts."""
import json, sys
import numpy as np
from astropy.table import Table
from astropy.coordinates import SkyCoord, FK4
import astropy.units as u

out = sys.argv[1]
rng = np.random.default_rng(7)
n = 6
ra = np.array([0.0004, 359.9997, 150.123456, 210.5, 45.25, 300.75])
dec = np.array([-1.0, -1.0002, 2.2, -60.4, 89.1, 10.0])
mag = np.round(rng.uniform(8, 14, n), 3)
err = np.round(rng.uniform(0.01, 0.05, n), 3)
ids = [f"TYC {i}-{i * 7}-1" for i in range(n)]

t = Table()
t['Star'] = ids
t['alpha_x'] = ra * u.deg
t['alpha_x'].meta = {'ucd': 'pos.eq.ra;meta.main'}
t['delta_x'] = dec * u.deg
t['Vmag'] = mag * u.mag
t['e_Vmag'] = err * u.mag
t['delta_x'].meta = {'ucd': 'pos.eq.dec;meta.main'}

from astropy.io.votable import from_table, writeto
for fmt in ['tabledata', 'binary2', 'binary']:
    vt = from_table(t)
    f = vt.get_first_table()
    f.get_field_by_id('alpha_x').ucd = 'pos.eq.ra;meta.main'
    f.get_field_by_id('delta_x').ucd = 'pos.eq.dec;meta.main'
    f.get_field_by_id('Vmag').ucd = 'phot.mag;em.opt.V'
    f.get_field_by_id('e_Vmag').ucd = 'stat.error;phot.mag'
    f.get_field_by_id('Star').ucd = 'meta.id;meta.main'
    writeto(vt, f"{out}/ref-{fmt}.vot", tabledata_format=fmt)

t.write(f"{out}/ref.ecsv", overwrite=True)
t.write(f"{out}/ref.fits", overwrite=True)

# CSV in the VizieR style: sexagesimal RA in hours and Dec in degrees, named RAJ2000/DEJ2000, no units.
c = SkyCoord(ra * u.deg, dec * u.deg)
with open(f"{out}/ref.csv", "w") as fh:
    fh.write("# a reference list, VizieR style\nid,RAJ2000,DEJ2000,Vmag\n")
    for i in range(n):
        fh.write(f'"{ids[i]}",{c[i].ra.to_string(unit=u.hour, sep=":", precision=4, pad=True)},'
                 f'{c[i].dec.to_string(unit=u.deg, sep=":", precision=3, alwayssign=True, pad=True)},{mag[i]}\n')

# FK4 B1950 positions in a VOTable with COOSYS: the reader must bring them back to the same ICRS stars.
fk4 = c.transform_to(FK4(equinox='B1950'))
t4 = Table({'RA': fk4.ra.deg * u.deg, 'DE': fk4.dec.deg * u.deg})
vt = from_table(t4)
from astropy.io.votable.tree import CooSys
cs = CooSys(ID='B1950', system='eq_FK4', equinox='B1950', epoch='B1950')
vt.resources[0].coordinate_systems.append(cs)
f = vt.get_first_table()
f.get_field_by_id('RA').ucd = 'pos.eq.ra;meta.main'
f.get_field_by_id('DE').ucd = 'pos.eq.dec;meta.main'
f.get_field_by_id('RA').ref = 'B1950'
f.get_field_by_id('DE').ref = 'B1950'
writeto(vt, f"{out}/ref-fk4.vot")

json.dump({'ra': ra.tolist(), 'dec': dec.tolist(), 'mag': mag.tolist(), 'err': err.tolist(), 'ids': ids}, open(f"{out}/truth.json", "w"))
