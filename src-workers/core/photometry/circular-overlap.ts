/**
 * Exact area of overlap between a circle centred at the origin and an axis-aligned rectangle, the geometry
 * of photutils' `circular_overlap_grid(..., use_exact=1)` (photutils/geometry/circular_overlap.pyx).
 */

/** Area of overlap of the rectangle [xmin, xmax] × [ymin, ymax] with the circle of radius `r` at (0, 0). */
export function circleRectOverlap(xmin: number, ymin: number, xmax: number, ymax: number, r: number): number {
  if (xmin >= 0) {
    if (ymin >= 0) return overlapCore(xmin, ymin, xmax, ymax, r);
    if (ymax <= 0) return overlapCore(-ymax, xmin, -ymin, xmax, r);
    return circleRectOverlap(xmin, ymin, xmax, 0, r) + circleRectOverlap(xmin, 0, xmax, ymax, r);
  }
  if (xmax <= 0) {
    if (ymin >= 0) return overlapCore(-xmax, ymin, -xmin, ymax, r);
    if (ymax <= 0) return overlapCore(-xmax, -ymax, -xmin, -ymin, r);
    return circleRectOverlap(xmin, ymin, xmax, 0, r) + circleRectOverlap(xmin, 0, xmax, ymax, r);
  }
  if (ymin >= 0 || ymax <= 0)
    return circleRectOverlap(xmin, ymin, 0, ymax, r) + circleRectOverlap(0, ymin, xmax, ymax, r);
  return (
    circleRectOverlap(xmin, ymin, 0, 0, r) +
    circleRectOverlap(0, ymin, xmax, 0, r) +
    circleRectOverlap(xmin, 0, 0, ymax, r) +
    circleRectOverlap(0, 0, xmax, ymax, r)
  );
}

/** Rectangle entirely in the first quadrant (0 ≤ xmin, 0 ≤ ymin). */
function overlapCore(xmin: number, ymin: number, xmax: number, ymax: number, r: number): number {
  const r2 = r * r;
  if (xmin * xmin + ymin * ymin > r2) return 0;
  if (xmax * xmax + ymax * ymax < r2) return (xmax - xmin) * (ymax - ymin);
  const d1 = Math.sqrt(xmax * xmax + ymin * ymin);
  const d2 = Math.sqrt(xmin * xmin + ymax * ymax);
  if (d1 < r && d2 < r) {
    const x1 = Math.sqrt(r2 - ymax * ymax);
    const y1 = ymax;
    const x2 = xmax;
    const y2 = Math.sqrt(r2 - xmax * xmax);
    return (xmax - xmin) * (ymax - ymin) - triangle(x1, y1, x2, y2, xmax, ymax) + arc(x1, y1, x2, y2, r);
  }
  if (d1 < r) {
    const x1 = xmin;
    const y1 = Math.sqrt(r2 - xmin * xmin);
    const x2 = xmax;
    const y2 = Math.sqrt(r2 - xmax * xmax);
    return arc(x1, y1, x2, y2, r) + triangle(x1, y1, x1, ymin, xmax, ymin) + triangle(x1, y1, x2, ymin, x2, y2);
  }
  if (d2 < r) {
    const x1 = Math.sqrt(r2 - ymin * ymin);
    const y1 = ymin;
    const x2 = Math.sqrt(r2 - ymax * ymax);
    const y2 = ymax;
    return arc(x1, y1, x2, y2, r) + triangle(x1, y1, xmin, y1, xmin, ymax) + triangle(x1, y1, xmin, y2, x2, y2);
  }
  const x1 = Math.sqrt(r2 - ymin * ymin);
  const y1 = ymin;
  const x2 = xmin;
  const y2 = Math.sqrt(r2 - xmin * xmin);
  return arc(x1, y1, x2, y2, r) + triangle(x1, y1, x2, y2, xmin, ymin);
}

/** Circular segment between the chord (x1,y1)–(x2,y2) and the arc of radius r. */
function arc(x1: number, y1: number, x2: number, y2: number, r: number): number {
  const a = Math.hypot(x2 - x1, y2 - y1);
  const theta = 2 * Math.asin(Math.min(1, (0.5 * a) / r));
  return 0.5 * r * r * (theta - Math.sin(theta));
}

function triangle(x1: number, y1: number, x2: number, y2: number, x3: number, y3: number): number {
  return 0.5 * Math.abs(x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2));
}
