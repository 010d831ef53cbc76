/**
 * The WebGL2 path of `FrameRaster`. Each level of a frame is uploaded once as R32F textures, in tiles
 * no larger than MAX_TEXTURE_SIZE (rows handed to the GPU straight from the frame's Float32Array through
 * UNPACK_ROW_LENGTH / SKIP_*, no copy). The fragment shader (`gl-shaders.ts`) applies the limits
 * (uniforms) and the display table (stretch, inversion, colour map: a 16 KiB texture rewritten when they
 * change), so a display change costs one draw and never touches the frame's pixels.
 */
import type { PixelsDto } from '../../../src-main/common/workbench-dto.js';
import type { FrameRaster, FrameRasterOptions, RasterFrame } from './frame-raster.js';
import { FRAGMENT_SHADER, VERTEX_SHADER } from './gl-shaders.js';
import { pickLevel } from './levels.js';
import { displayTable, LEVELS, levelIndexParams, type DisplaySettings } from './stretch.js';

interface Tile {
  x0: number;
  y0: number;
  width: number;
  height: number;
  texture: WebGLTexture;
}

interface Uploaded {
  tiles: Tile[];
  bytes: number;
  lastUsed: number;
  /** Level rows uploaded so far; a level is drawable once all are. */
  rowsDone: number;
}

/** Pixels per upload strip of `prepare`: 2^21 (8 MiB), a few ms of main thread each. */
const STRIP_PIXELS = 1 << 21;

const UNIFORMS = [
  'u_tile',
  'u_binning',
  'u_view',
  'u_viewport',
  'u_data',
  'u_table',
  'u_tileMax',
  'u_lo',
  'u_scale',
] as const;
type UniformName = (typeof UNIFORMS)[number];

export class GlRaster implements FrameRaster {
  readonly kind = 'webgl2' as const;
  private readonly program: WebGLProgram;
  private readonly uniforms: Record<UniformName, WebGLUniformLocation | null>;
  private readonly quad: WebGLVertexArrayObject;
  private readonly table: WebGLTexture;
  private readonly tileSize: number;
  private readonly cacheBytes: number;
  private uploaded = new Map<PixelsDto, Uploaded>();
  private tableFor: { settings: DisplaySettings; sample: Float32Array } | null = null;
  private clock = 0;
  private lost = false;

  /** A raster on `canvas`, or null when the browser gives no WebGL2 context or the shaders fail. */
  static create(canvas: HTMLCanvasElement, options: FrameRasterOptions = {}): GlRaster | null {
    let gl: WebGL2RenderingContext | null;
    try {
      // No preserveDrawingBuffer: the compositor may swap instead of copying; read-backs happen right after a draw.
      gl = canvas.getContext('webgl2', { antialias: false, alpha: false, preserveDrawingBuffer: false });
    } catch {
      return null;
    }
    if (!gl) return null;
    try {
      return new GlRaster(canvas, gl, options);
    } catch {
      return null;
    }
  }

  private constructor(
    readonly canvas: HTMLCanvasElement,
    private readonly gl: WebGL2RenderingContext,
    options: FrameRasterOptions,
  ) {
    const max = gl.getParameter(gl.MAX_TEXTURE_SIZE) as number;
    this.tileSize = Math.max(1, Math.min(max, options.maxTileSizePx ?? 8192));
    this.cacheBytes = options.cacheBytes ?? 512 * 1024 * 1024;
    this.program = linkProgram(gl);
    this.uniforms = Object.fromEntries(UNIFORMS.map((n) => [n, gl.getUniformLocation(this.program, n)])) as Record<
      UniformName,
      WebGLUniformLocation | null
    >;
    const vao = gl.createVertexArray();
    const buffer = gl.createBuffer();
    if (!vao || !buffer) throw new Error('WebGL2: no vertex array');
    gl.bindVertexArray(vao);
    gl.bindBuffer(gl.ARRAY_BUFFER, buffer);
    gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([0, 0, 1, 0, 0, 1, 1, 1]), gl.STATIC_DRAW);
    const at = gl.getAttribLocation(this.program, 'a_unit');
    gl.enableVertexAttribArray(at);
    gl.vertexAttribPointer(at, 2, gl.FLOAT, false, 0, 0);
    gl.bindVertexArray(null);
    this.quad = vao;
    this.table = makeTexture(gl);
    gl.texImage2D(gl.TEXTURE_2D, 0, gl.RGBA8, LEVELS + 1, 1, 0, gl.RGBA, gl.UNSIGNED_BYTE, null);
    canvas.addEventListener('webglcontextlost', this.onLost);
  }

  /**
   * Uploads `level` in strips of rows with the main thread free between them (a 4096² frame is 64 MiB:
   * ≈ 0.2 s in one piece under SwiftShader, which would hold up a display change). Until it is done,
   * `draw` picks among the other levels.
   */
  async prepare(level: PixelsDto): Promise<void> {
    if (this.lost) return;
    const entry = this.uploaded.get(level) ?? this.allocate(level);
    const strip = Math.max(1, Math.floor(STRIP_PIXELS / level.width));
    while (!this.lost && entry.rowsDone < level.height && this.uploaded.get(level) === entry) {
      this.uploadRows(level, entry, Math.min(level.height, entry.rowsDone + strip));
      if (entry.rowsDone < level.height) await new Promise<void>((resume) => setTimeout(resume, 0));
    }
  }

  draw(frame: RasterFrame, widthPx: number, heightPx: number): void {
    const gl = this.gl;
    if (this.lost || gl.isContextLost()) return;
    if (this.canvas.width !== widthPx || this.canvas.height !== heightPx) {
      this.canvas.width = widthPx;
      this.canvas.height = heightPx;
    }
    gl.viewport(0, 0, widthPx, heightPx);
    // Levels still uploading in strips are left out, unless there is nothing else to draw.
    const ready = frame.levels.filter((l) => {
      const u = this.uploaded.get(l);
      return !u || u.rowsDone === l.height;
    });
    const level = pickLevel(ready.length ? ready : frame.levels, frame.view.zoom);
    // Black around the frame; skipped when the frame covers the canvas (a clear is a pass over it).
    if (!level || !covers(level, frame.view, widthPx, heightPx)) {
      gl.clearColor(0, 0, 0, 1);
      gl.clear(gl.COLOR_BUFFER_BIT);
    }
    if (!level) return;
    const uploaded = this.upload(level);
    gl.useProgram(this.program);
    this.setDisplay(frame.settings, frame.sample);
    const u = this.uniforms;
    gl.uniform1f(u.u_binning, level.binning);
    gl.uniform3f(u.u_view, frame.view.zoom, frame.view.panX, frame.view.panY);
    gl.uniform2f(u.u_viewport, widthPx, heightPx);
    gl.uniform1i(u.u_data, 0);
    gl.uniform1i(u.u_table, 1);
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.table);
    gl.activeTexture(gl.TEXTURE0);
    gl.bindVertexArray(this.quad);
    for (const t of uploaded.tiles) {
      gl.bindTexture(gl.TEXTURE_2D, t.texture);
      gl.uniform4f(u.u_tile, t.x0, t.y0, t.width, t.height);
      gl.uniform2i(u.u_tileMax, t.width - 1, t.height - 1);
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    }
    gl.bindVertexArray(null);
  }

  dispose(): void {
    this.canvas.removeEventListener('webglcontextlost', this.onLost);
    for (const u of this.uploaded.values()) for (const t of u.tiles) this.gl.deleteTexture(t.texture);
    this.uploaded.clear();
    this.lost = true;
  }

  /** The tiles holding `level`, uploading what is missing now, and freeing the least recently drawn past the budget. */
  private upload(level: PixelsDto): Uploaded {
    const entry = this.uploaded.get(level) ?? this.allocate(level);
    entry.lastUsed = ++this.clock;
    if (entry.rowsDone < level.height) this.uploadRows(level, entry, level.height);
    return entry;
  }

  /** Immutable R32F storage for each tile of `level`, nothing uploaded yet. */
  private allocate(level: PixelsDto): Uploaded {
    const gl = this.gl;
    const tiles: Tile[] = [];
    gl.activeTexture(gl.TEXTURE0);
    for (let y0 = 0; y0 < level.height; y0 += this.tileSize) {
      for (let x0 = 0; x0 < level.width; x0 += this.tileSize) {
        const width = Math.min(this.tileSize, level.width - x0);
        const height = Math.min(this.tileSize, level.height - y0);
        const texture = makeTexture(gl);
        gl.texStorage2D(gl.TEXTURE_2D, 1, gl.R32F, width, height);
        tiles.push({ x0, y0, width, height, texture });
      }
    }
    const entry = { tiles, bytes: level.width * level.height * 4, lastUsed: ++this.clock, rowsDone: 0 };
    this.uploaded.set(level, entry);
    this.evict(level);
    return entry;
  }

  /** Uploads level rows [entry.rowsDone, until) into the tiles they cross, straight from the frame's array. */
  private uploadRows(level: PixelsDto, entry: Uploaded, until: number): void {
    const gl = this.gl;
    const from = entry.rowsDone;
    gl.activeTexture(gl.TEXTURE0);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, level.width);
    for (const t of entry.tiles) {
      const y0 = Math.max(from, t.y0);
      const y1 = Math.min(until, t.y0 + t.height);
      if (y1 <= y0) continue;
      gl.bindTexture(gl.TEXTURE_2D, t.texture);
      gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, t.x0);
      gl.pixelStorei(gl.UNPACK_SKIP_ROWS, y0);
      gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, y0 - t.y0, t.width, y1 - y0, gl.RED, gl.FLOAT, level.data);
    }
    gl.pixelStorei(gl.UNPACK_ROW_LENGTH, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_PIXELS, 0);
    gl.pixelStorei(gl.UNPACK_SKIP_ROWS, 0);
    entry.rowsDone = until;
  }

  private evict(keep: PixelsDto): void {
    let total = 0;
    for (const u of this.uploaded.values()) total += u.bytes;
    const byAge = [...this.uploaded.entries()].sort((a, b) => a[1].lastUsed - b[1].lastUsed);
    for (const [level, u] of byAge) {
      if (total <= this.cacheBytes) break;
      if (level === keep) continue;
      for (const t of u.tiles) this.gl.deleteTexture(t.texture);
      this.uploaded.delete(level);
      total -= u.bytes;
    }
  }

  private setDisplay(settings: DisplaySettings, sample: Float32Array): void {
    const gl = this.gl;
    const { lo, scale } = levelIndexParams(settings.limits);
    gl.uniform1f(this.uniforms.u_lo, lo);
    gl.uniform1f(this.uniforms.u_scale, scale);
    // The table depends on the stretch, colour map and inversion (histeq: on the limits and sample too).
    const made = this.tableFor;
    if (made && made.sample === sample && sameTable(made.settings, settings)) return;
    this.tableFor = { settings, sample };
    const words = new Uint32Array(LEVELS + 1);
    words.set(displayTable(settings, sample));
    words[LEVELS] = 0xff000000; // NaN: opaque black, as renderRgba draws it
    gl.activeTexture(gl.TEXTURE1);
    gl.bindTexture(gl.TEXTURE_2D, this.table);
    gl.pixelStorei(gl.UNPACK_ALIGNMENT, 4);
    gl.texSubImage2D(
      gl.TEXTURE_2D,
      0,
      0,
      0,
      LEVELS + 1,
      1,
      gl.RGBA,
      gl.UNSIGNED_BYTE,
      new Uint8Array(words.buffer, words.byteOffset, words.byteLength),
    );
    gl.activeTexture(gl.TEXTURE0);
  }

  private readonly onLost = (e: Event): void => {
    // Textures are gone with the context; this raster stops drawing and its owner makes a new one.
    e.preventDefault();
    this.lost = true;
    this.uploaded.clear();
  };
}

/** Whether `level` drawn at `view` covers the whole canvas. */
function covers(level: PixelsDto, view: RasterFrame['view'], widthPx: number, heightPx: number): boolean {
  const right = view.zoom * level.width * level.binning + view.panX;
  const bottom = view.panY;
  const top = view.panY - view.zoom * level.height * level.binning;
  return view.panX <= 0 && top <= 0 && right >= widthPx && bottom >= heightPx;
}

function sameTable(a: DisplaySettings, b: DisplaySettings): boolean {
  return (
    a.stretch === b.stretch &&
    a.colormap === b.colormap &&
    a.invert === b.invert &&
    (a.stretch !== 'histeq' || (a.limits.lo === b.limits.lo && a.limits.hi === b.limits.hi))
  );
}

function makeTexture(gl: WebGL2RenderingContext): WebGLTexture {
  const texture = gl.createTexture();
  if (!texture) throw new Error('WebGL2: no texture');
  gl.bindTexture(gl.TEXTURE_2D, texture);
  // Float textures are not filterable everywhere; the shader fetches texels itself.
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, gl.NEAREST);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
  gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
  return texture;
}

function linkProgram(gl: WebGL2RenderingContext): WebGLProgram {
  const program = gl.createProgram();
  if (!program) throw new Error('WebGL2: no program');
  for (const [type, source] of [
    [gl.VERTEX_SHADER, VERTEX_SHADER],
    [gl.FRAGMENT_SHADER, FRAGMENT_SHADER],
  ] as const) {
    const shader = gl.createShader(type);
    if (!shader) throw new Error('WebGL2: no shader');
    gl.shaderSource(shader, source);
    gl.compileShader(shader);
    if (!gl.getShaderParameter(shader, gl.COMPILE_STATUS))
      throw new Error(`WebGL2 shader: ${gl.getShaderInfoLog(shader) ?? 'does not compile'}`);
    gl.attachShader(program, shader);
  }
  gl.linkProgram(program);
  if (!gl.getProgramParameter(program, gl.LINK_STATUS))
    throw new Error(`WebGL2 program: ${gl.getProgramInfoLog(program) ?? 'does not link'}`);
  return program;
}
