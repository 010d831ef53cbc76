/**
 * GLSL ES 3.00 sources of the WebGL2 frame renderer. The fragment shader repeats `renderRgba` step by
 * step, so the two paths give the same picture: level k = ⌊(v − lo) × scale⌋ clipped to [0, 4095] in
 * float32, stretch of k / 4095 (astropy's definitions, as `core/display`), 8-bit level rounded, optional
 * inversion, then the colour map's row of a 256 × N lookup texture. NaN is opaque black.
 */

/** Stretch codes of the `u_stretch` uniform, in the order of `STRETCHES`. */
export const STRETCH_CODES = { linear: 0, log: 1, sqrt: 2, asinh: 3, histeq: 4 } as const;

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
uniform sampler2D u_data;     // R32F tile
uniform sampler2D u_table;    // R32F 4096 × 1: the histogram-equalisation table
uniform sampler2D u_colormaps; // RGBA8 256 × N
uniform vec2 u_tileSize;
uniform float u_lo;
uniform float u_scale;
uniform int u_stretch;
uniform float u_logA;
uniform float u_asinhA;
uniform bool u_invert;
uniform int u_colormap;
out vec4 color;

float stretched(float t) {
  if (u_stretch == 1) return log(u_logA * t + 1.0) / log(u_logA + 1.0);
  if (u_stretch == 2) return sqrt(t);
  if (u_stretch == 3) {
    // asinh(x) = ln(x + sqrt(x² + 1)) for x >= 0, spelled out: not every ANGLE back end has asinh.
    float x = t / u_asinhA;
    float top = 1.0 / u_asinhA;
    return log(x + sqrt(x * x + 1.0)) / log(top + sqrt(top * top + 1.0));
  }
  return t;
}

void main() {
  ivec2 at = clamp(ivec2(floor(v_texel)), ivec2(0), ivec2(u_tileSize) - 1);
  float v = texelFetch(u_data, at, 0).r;
  // NaN by its bits: a compiler may fold isnan(v) away.
  if ((floatBitsToUint(v) & 0x7fffffffu) > 0x7f800000u) {
    color = vec4(0.0, 0.0, 0.0, 1.0);
    return;
  }
  float x = (v - u_lo) * u_scale;
  int k = x >= 4095.0 ? 4095 : x > 0.0 ? int(x) : 0;
  float s = u_stretch == 4 ? texelFetch(u_table, ivec2(k, 0), 0).r : stretched(float(k) / 4095.0);
  int c = int(floor(s * 255.0 + 0.5));
  if (u_invert) c = 255 - c;
  c = clamp(c, 0, 255);
  color = vec4(texelFetch(u_colormaps, ivec2(c, u_colormap), 0).rgb, 1.0);
}
`;
