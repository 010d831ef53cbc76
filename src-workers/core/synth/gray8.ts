/** The 8-bit value of one pixel, `round(255·clip(value + pedestal, 0, 1))` with halves rounding up (`toGray8`). */
export function gray8(value: number, pedestal: number): number {
  const v = 255 * (value + pedestal) + 0.5;
  return v <= 0 ? 0 : v >= 255 ? 255 : v | 0;
}
