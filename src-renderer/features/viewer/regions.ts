/** DS9 region shapes the viewer draws (image coordinates, converted to 0-based pixel centres). */
export type Region =
  | { shape: 'circle'; x: number; y: number; r: number; text?: string }
  | { shape: 'ellipse'; x: number; y: number; a: number; b: number; angleDeg: number; text?: string }
  | { shape: 'box'; x: number; y: number; w: number; h: number; angleDeg: number; text?: string }
  | { shape: 'point'; x: number; y: number; text?: string };

/**
 * Parses the `image`-coordinate shapes of a DS9 region file (circle, ellipse, box, point); other
 * coordinate systems and shapes are skipped and counted, so the UI can say what it ignored.
 */
export function parseDs9Regions(text: string): { regions: Region[]; skipped: number } {
  const regions: Region[] = [];
  let skipped = 0;
  let system = 'physical';
  for (const raw of text.split(/[\n;]/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#') || line.startsWith('global')) continue;
    if (/^(image|physical|fk5|icrs|galactic|ecliptic|wcs|linear)$/i.test(line)) {
      system = line.toLowerCase();
      continue;
    }
    const m = /^([a-z]+)\(([^)]*)\)\s*(?:#.*text=\{([^}]*)\})?/i.exec(line);
    if (!m || (system !== 'image' && system !== 'physical')) {
      skipped++;
      continue;
    }
    const args = m[2].split(',').map((s) => Number.parseFloat(s));
    const text = m[3];
    // DS9 image coordinates are 1-based pixel centres.
    const x = args[0] - 1;
    const y = args[1] - 1;
    switch (m[1].toLowerCase()) {
      case 'circle':
        regions.push({ shape: 'circle', x, y, r: args[2], text });
        break;
      case 'ellipse':
        regions.push({ shape: 'ellipse', x, y, a: args[2], b: args[3], angleDeg: args[4] ?? 0, text });
        break;
      case 'box':
        regions.push({ shape: 'box', x, y, w: args[2], h: args[3], angleDeg: args[4] ?? 0, text });
        break;
      case 'point':
        regions.push({ shape: 'point', x, y, text });
        break;
      default:
        skipped++;
    }
  }
  return { regions, skipped };
}
