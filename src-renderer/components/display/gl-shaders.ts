/**
 * GLSL ES 3.00 sources of the WebGL2 frame renderer. The fragment shader repeats `renderRgba` step by
 * step, so the two paths give the same picture: level k = ⌊(v − lo) × scale⌋ clipped to [0, 4095] in
 * float32 (`lo`, `scale` uniforms), then k's colour from the display table (`displayTable`: stretch,
 * inversion and colour map, a 4097 × 1 RGBA8 texture of 16 KiB whose last entry is NaN's opaque black).
 *
 * Why a table and not the stretch's formula in the shader: without a GPU, Chromium draws with
 * SwiftShader on the CPU, where a log or asinh per fragment doubled the time of a draw (≈ 30 ms against
 * ≈ 14 ms for 1100 × 760 fragments on this machine under load), and a display change within one frame
 * is the goal. Rewriting 16 KiB costs microseconds, and the table is the one `renderRgba` uses. For
 * the same reason the shader has no branches (≈ 22 → 15 ms per 1100 × 760 draw in the same test).
 */

export const VERTEX_SHADER = `#version 300 es
precision highp float;
in vec2 a_unit;
// Tile rectangle in texels of its level: x0, y0, width, height.
uniform vec4 u_tile;
// Image units (full-resolution pixels) per texel of this level.
uniform float u_binning;
// The view as ImageStage's ViewTransform: screen = (zoom * x + panX, panY - zoom * y), y up in the image.
uniform vec3 u_view;
uniform vec2 u_viewport;
out vec2 v_texel;
void main() {
  vec2 texel = a_unit * u_tile.zw;
  vec2 image = (u_tile.xy + texel) * u_binning;
  vec2 screen = vec2(u_view.x * image.x + u_view.y, u_view.z - u_view.x * image.y);
  gl_Position = vec4(screen.x / u_viewport.x * 2.0 - 1.0, 1.0 - screen.y / u_viewport.y * 2.0, 0.0, 1.0);
  v_texel = texel;
}
`;

export const FRAGMENT_SHADER = `#version 300 es
precision highp float;
precision highp int;
precision highp sampler2D;
in vec2 v_texel;
uniform sampler2D u_data;  // R32F tile
uniform sampler2D u_table; // RGBA8 4097 × 1: level → colour, and the NaN colour last
uniform ivec2 u_tileMax;   // tile size − 1
uniform float u_lo;
uniform float u_scale;
out vec4 color;

void main() {
  // v_texel >= 0, so truncation is floor; the min guards the far edge's interpolated coordinate.
  float v = texelFetch(u_data, min(ivec2(v_texel), u_tileMax), 0).r;
  // Selects, no branches: SwiftShader runs fragments four at a time and pays for a branch either way.
  // ±Infinity clamp to the end levels; NaN (by its bits: a compiler may fold isnan away) takes entry 4096.
  float x = clamp((v - u_lo) * u_scale, 0.0, 4095.0);
  int k = (floatBitsToUint(v) & 0x7fffffffu) > 0x7f800000u ? 4096 : int(x);
  color = texelFetch(u_table, ivec2(k, 0), 0);
}
`;
