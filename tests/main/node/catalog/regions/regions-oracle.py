"""astropy-regions' answer for region files: for every region, whether each point is inside (as a catalog selection)
and the pixel mask of the region on a frame. argv: REGION_FILE FORMAT POINTS_JSON [FRAME_HEADER_JSON]

Sky regions are tested through a TAN WCS centred on the region (north up, east left, 1"/px) in the region's own
frame, the plane our selection uses; with a frame header they become pixel regions through its WCS (to_pixel)."""
import json
import sys

import numpy as np
import astropy.units as u
from astropy.coordinates import SkyCoord
from astropy.wcs import WCS
from regions import PixCoord, PixelRegion, PolygonSkyRegion, Regions

path, fmt, points_path = sys.argv[1:4]
frame = json.loads(open(sys.argv[4]).read()) if len(sys.argv) > 4 else None
P = json.load(open(points_path))
# Annotations (text, points, CRTF 'ann' shapes) enclose no area; we skip them too.
AREA = ('Circle', 'Ellipse', 'Rectangle', 'Polygon', 'CircleAnnulus')
regs = [r for r in Regions.read(path, format=fmt)
        if r.meta.get('type') != 'ann' and type(r).__name__.replace('Pixel', '').replace('Sky', '')[:-6] in AREA]
pix = PixCoord(np.array(P['x'], float), np.array(P['y'], float))
sky = SkyCoord(np.array(P['ra']) * u.deg, np.array(P['dec']) * u.deg, frame='icrs')


def tan_at(center):
    w = WCS(naxis=2)
    name = center.frame.name
    lon, lat = center.spherical.lon.deg, center.spherical.lat.deg
    if name == 'galactic':
        w.wcs.ctype = ['GLON-TAN', 'GLAT-TAN']
    else:
        w.wcs.ctype = ['RA---TAN', 'DEC--TAN']
        w.wcs.radesys = {'icrs': 'ICRS', 'fk5': 'FK5', 'fk4': 'FK4'}[name]
        if name != 'icrs':
            w.wcs.equinox = 2000 if name == 'fk5' else 1950
    w.wcs.crval = [lon, lat]
    w.wcs.crpix = [0, 0]
    w.wcs.cdelt = [-1 / 3600, 1 / 3600]
    return w


out = {'regions': []}
if frame:
    wcs = WCS(frame['header'])
    yy, xx = np.mgrid[0:frame['height'], 0:frame['width']]
    grid = PixCoord(xx.ravel(), yy.ravel())
for r in regs:
    include = bool(r.meta.get('include', True))
    if isinstance(r, PixelRegion):
        c = r.contains(pix)
    else:
        center = r.vertices[0] if isinstance(r, PolygonSkyRegion) else r.center
        c = r.contains(sky, tan_at(center))
    if not include:  # astropy inverts contains() for exclude regions; we want the shape's own inside
        c = ~c
    entry = {'include': include, 'inside': np.asarray(c).astype(int).tolist()}
    if frame:
        pr = r if isinstance(r, PixelRegion) else r.to_pixel(wcs)
        m = pr.contains(grid)
        entry['mask'] = np.asarray(m if include else ~m).astype(int).tolist()
    out['regions'].append(entry)
print(json.dumps(out))
