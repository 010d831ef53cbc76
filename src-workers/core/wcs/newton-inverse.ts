/**
 * Inverts a smooth plane distortion (ξ, η) → (X, Y) by Newton iteration with a forward-difference Jacobian
 * (step 1e-7 × the coordinates' size, at least 1e-10), from the starting guess (X, Y). Stops when a step is
 * below 1e-15 (the units of the plane, degrees for TPV and IRAF), when the Jacobian is singular, or after
 * `maxIterations`. Shared by the TPV and IRAF TNX/ZPX distortions, whose forward maps are polynomial.
 */
export function newtonInverse2d(
  forward: (x: number, y: number) => [number, number],
  X: number,
  Y: number,
  maxIterations: number,
): [number, number] {
  let x = X;
  let y = Y;
  for (let iter = 0; iter < maxIterations; iter++) {
    const [fx, fy] = forward(x, y);
    const ex = fx - X;
    const ey = fy - Y;
    const h = 1e-7 * Math.max(1e-3, Math.abs(x) + Math.abs(y));
    const [ax, ay] = forward(x + h, y);
    const [bx, by] = forward(x, y + h);
    const j11 = (ax - fx) / h;
    const j21 = (ay - fy) / h;
    const j12 = (bx - fx) / h;
    const j22 = (by - fy) / h;
    const det = j11 * j22 - j12 * j21;
    if (det === 0 || !Number.isFinite(det)) break;
    const dx = (j22 * ex - j12 * ey) / det;
    const dy = (-j21 * ex + j11 * ey) / det;
    x -= dx;
    y -= dy;
    if (Math.abs(dx) < 1e-15 && Math.abs(dy) < 1e-15) break;
  }
  return [x, y];
}
