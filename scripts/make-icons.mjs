#!/usr/bin/env node
// Draws Kaavan's icons and writes them as PNG files (plain Node: no image library).
//
//   node scripts/make-icons.mjs
//
// Writes:
//   resources/tray/<status>.png and <status>@2x.png   (16 and 32 px; status = ok|warning|error|idle)
//   resources/icon.png                                 (256 px window icon)
//   build/icon.png                                     (1024 px, electron-builder derives .icns/.ico)
//
// Shapes are described as layers of "coverage" functions and rendered with supersampling
// (anti-aliasing), composited with premultiplied alpha, then encoded as 8-bit RGBA PNG with
// node:zlib. Tray icons are a coloured disc with a thin dark rim (reads on light bars) and a
// high-contrast glyph (reads on dark bars, and tells the states apart without relying on colour).
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// PNG encoding

const CRC_TABLE = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes straight-alpha RGBA bytes (width*height*4) as a PNG file. */
export function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: RGBA
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    // Filter type 1 ("Sub") per row: smaller files for smooth shapes, trivial to compute.
    const out = y * (stride + 1);
    raw[out] = 1;
    for (let i = 0; i < stride; i++) {
      const left = i >= 4 ? rgba[y * stride + i - 4] : 0;
      raw[out + 1 + i] = (rgba[y * stride + i] - left) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Geometry: each shape says whether a point (in pixel units, y down) is inside it.

const disc = (cx, cy, r) => (x, y) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

function distanceToSegment(x, y, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy || 1)));
  return Math.hypot(x - (ax + t * dx), y - (ay + t * dy));
}

/** A polyline drawn with round caps and joins, `width` thick. */
const stroke = (points, width) => (x, y) => {
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i];
    const [bx, by] = points[i + 1];
    if (distanceToSegment(x, y, ax, ay, bx, by) <= width / 2) return true;
  }
  return false;
};

const union = (...shapes) => (x, y) => shapes.some((s) => s(x, y));

/** Rounded square with superellipse corners ("squircle"), as app icons on every OS use. */
const squircle = (x0, y0, size, n = 5) => (x, y) => {
  const u = Math.abs((x - (x0 + size / 2)) / (size / 2));
  const v = Math.abs((y - (y0 + size / 2)) / (size / 2));
  return u ** n + v ** n <= 1;
};

// ---------------------------------------------------------------------------------------------
// Rendering

/**
 * Renders layers bottom to top. A layer is { shape, color } where color is [r,g,b,a] (0..255,
 * alpha 0..1) or a function (x, y) => [r,g,b,a] for gradients.
 */
function render(size, layers, samples) {
  const rgba = Buffer.alloc(size * size * 4);
  const n = samples * samples;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      // Premultiplied accumulation over all samples of this pixel.
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = px + (sx + 0.5) / samples;
          const y = py + (sy + 0.5) / samples;
          let cr = 0, cg = 0, cb = 0, ca = 0;
          for (const layer of layers) {
            if (!layer.shape(x, y)) continue;
            const [lr, lg, lb, la] = typeof layer.color === 'function' ? layer.color(x, y) : layer.color;
            // "over" with premultiplied colour
            cr = lr * la + cr * (1 - la);
            cg = lg * la + cg * (1 - la);
            cb = lb * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr; g += cg; b += cb; a += ca;
        }
      }
      const i = (py * size + px) * 4;
      const alpha = a / n;
      // Back to straight alpha for PNG.
      rgba[i] = alpha > 0 ? Math.round(r / n / alpha) : 0;
      rgba[i + 1] = alpha > 0 ? Math.round(g / n / alpha) : 0;
      rgba[i + 2] = alpha > 0 ? Math.round(b / n / alpha) : 0;
      rgba[i + 3] = Math.round(alpha * 255);
    }
  }
  return rgba;
}

const hex = (value, alpha = 1) => [
  parseInt(value.slice(1, 3), 16),
  parseInt(value.slice(3, 5), 16),
  parseInt(value.slice(5, 7), 16),
  alpha,
];

// ---------------------------------------------------------------------------------------------
// Tray icons (designed on a 16-unit grid, scaled to the output size)

export const TRAY_STATUSES = {
  ok: { fill: '#1f9d55', glyph: 'check', ink: '#ffffff' },
  warning: { fill: '#f2a516', glyph: 'bang', ink: '#2b1d00' },
  error: { fill: '#d93636', glyph: 'cross', ink: '#ffffff' },
  idle: { fill: '#8b929c', glyph: 'dash', ink: '#ffffff' },
};

function glyphShape(glyph, s) {
  const p = (x, y) => [x * s, y * s];
  switch (glyph) {
    case 'check':
      return stroke([p(4.9, 8.3), p(7.0, 10.4), p(11.1, 5.9)], 1.9 * s);
    case 'bang':
      return union(stroke([p(8, 4.3), p(8, 8.6)], 2.0 * s), disc(8 * s, 11.3 * s, 1.15 * s));
    case 'cross':
      return union(stroke([p(5.5, 5.5), p(10.5, 10.5)], 1.9 * s), stroke([p(10.5, 5.5), p(5.5, 10.5)], 1.9 * s));
    case 'dash':
      return stroke([p(5.2, 8), p(10.8, 8)], 2.0 * s);
    default:
      throw new Error(`unknown glyph ${glyph}`);
  }
}

export function drawTrayIcon(status, size) {
  const spec = TRAY_STATUSES[status];
  const s = size / 16;
  return render(
    size,
    [
      // Dark rim so the disc keeps its edge on a light menu bar.
      { shape: disc(8 * s, 8 * s, 7.5 * s), color: [0, 0, 0, 0.38] },
      { shape: disc(8 * s, 8 * s, 6.75 * s), color: hex(spec.fill) },
      { shape: glyphShape(spec.glyph, s), color: hex(spec.ink) },
    ],
    size <= 32 ? 16 : 8,
  );
}

// ---------------------------------------------------------------------------------------------
// App icon (designed on a 1024-unit grid): a dark squircle with a green pulse line crossing a ring.

export function drawAppIcon(size) {
  const s = size / 1024;
  const margin = 72 * s;
  const box = size - 2 * margin;
  const top = hex('#22324a');
  const bottom = hex('#0e1621');
  const background = (_x, y) => {
    const t = Math.min(1, Math.max(0, (y - margin) / box));
    return [top[0] + (bottom[0] - top[0]) * t, top[1] + (bottom[1] - top[1]) * t, top[2] + (bottom[2] - top[2]) * t, 1];
  };
  const ring = (x, y) => {
    const d = Math.hypot(x - 512 * s, y - 512 * s);
    return d <= 300 * s && d >= 262 * s;
  };
  const pulse = [
    [180, 540], [370, 540], [430, 420], [500, 690], [575, 330], [640, 540], [844, 540],
  ].map(([x, y]) => [x * s, y * s]);
  return render(
    size,
    [
      { shape: squircle(margin, margin, box), color: background },
      { shape: ring, color: hex('#3b5272') },
      { shape: stroke(pulse, 58 * s), color: hex('#0e1621', 0.9) },
      { shape: stroke(pulse, 40 * s), color: hex('#3ddc84') },
      { shape: disc(844 * s, 540 * s, 44 * s), color: hex('#3ddc84') },
    ],
    size >= 512 ? 3 : 6,
  );
}

// ---------------------------------------------------------------------------------------------

function write(relative, png) {
  const file = join(root, relative);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, png);
  console.log(`wrote ${relative} (${png.length} bytes)`);
}

function main() {
  for (const status of Object.keys(TRAY_STATUSES)) {
    write(`resources/tray/${status}.png`, encodePng(16, 16, drawTrayIcon(status, 16)));
    write(`resources/tray/${status}@2x.png`, encodePng(32, 32, drawTrayIcon(status, 32)));
  }
  write('resources/icon.png', encodePng(256, 256, drawAppIcon(256)));
  write('build/icon.png', encodePng(1024, 1024, drawAppIcon(1024)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
