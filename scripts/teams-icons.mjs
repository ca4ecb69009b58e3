// Draws the Teams app icons into appPackage/: color.png (192x192, full colour) and
// outline.png (32x32, white on transparent), as Teams requires.
//
//   node scripts/teams-icons.mjs
//
// The PNGs are committed; rerun this only to change the artwork. The shape is a speech
// bubble with "IT" in it, rasterised with 4x4 supersampling and written as 8-bit RGBA
// PNGs with a small hand-written encoder (signature, IHDR, one IDAT, IEND).
import { Buffer } from 'node:buffer';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, 'appPackage');

const ACCENT = [0x1d, 0x4e, 0x89]; // #1D4E89, the manifest's accentColor
const WHITE = [0xff, 0xff, 0xff];
const SUPERSAMPLE = 4;

// ---- shapes, in unit coordinates (0..1 across the icon, y pointing down) ----

/** Signed distance to a rounded rectangle (negative inside). */
function roundRect(x, y, { x0, y0, x1, y1, r }) {
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  const qx = Math.abs(x - cx) - ((x1 - x0) / 2 - r);
  const qy = Math.abs(y - cy) - ((y1 - y0) / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}

/** Signed distance to a triangle (negative inside). */
function triangle(x, y, [a, b, c]) {
  const edges = [
    [a, b],
    [b, c],
    [c, a],
  ];
  let d = Infinity;
  let sign = 0;
  for (const [[px, py], [qx, qy]] of edges) {
    const ex = qx - px;
    const ey = qy - py;
    const wx = x - px;
    const wy = y - py;
    const t = Math.max(0, Math.min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
    d = Math.min(d, Math.hypot(wx - ex * t, wy - ey * t));
    sign += Math.sign(ex * wy - ey * wx);
  }
  return Math.abs(sign) === 3 ? -d : d;
}

const BODY = { x0: 0.14, y0: 0.17, x1: 0.86, y1: 0.71, r: 0.13 };
const TAIL = [
  [0.27, 0.64],
  [0.47, 0.64],
  [0.24, 0.86],
];

/** The speech bubble: body plus tail. */
const bubble = (x, y) => Math.min(roundRect(x, y, BODY), triangle(x, y, TAIL));

/** Block letters "I" and "T", centred in the bubble body. */
const LETTER_RECTS = [
  // I: stem and serifs
  { x0: 0.305, y0: 0.3, x1: 0.395, y1: 0.58 },
  { x0: 0.26, y0: 0.3, x1: 0.44, y1: 0.36 },
  { x0: 0.26, y0: 0.52, x1: 0.44, y1: 0.58 },
  // T: bar and stem
  { x0: 0.5, y0: 0.3, x1: 0.74, y1: 0.36 },
  { x0: 0.575, y0: 0.3, x1: 0.665, y1: 0.58 },
];
const letters = (x, y) => LETTER_RECTS.some((r) => x >= r.x0 && x <= r.x1 && y >= r.y0 && y <= r.y1);

/** Fraction of a pixel's subsamples for which `inside(x, y)` holds. */
function coverage(size, px, py, inside) {
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLE; sy++) {
    for (let sx = 0; sx < SUPERSAMPLE; sx++) {
      const x = (px + (sx + 0.5) / SUPERSAMPLE) / size;
      const y = (py + (sy + 0.5) / SUPERSAMPLE) / size;
      if (inside(x, y)) hits++;
    }
  }
  return hits / (SUPERSAMPLE * SUPERSAMPLE);
}

const mix = (a, b, t) => a.map((v, i) => Math.round(v * (1 - t) + b[i] * t));

/** 192x192: accent background, white bubble, "IT" in the accent colour. */
function drawColor(size) {
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const inBubble = coverage(size, px, py, (x, y) => bubble(x, y) <= 0);
      const inLetters = coverage(size, px, py, letters);
      const rgb = mix(mix(ACCENT, WHITE, inBubble), ACCENT, inLetters);
      rgba.set([...rgb, 255], (py * size + px) * 4);
    }
  }
  return rgba;
}

/** 32x32: white bubble outline and white "IT" on a transparent background. */
function drawOutline(size) {
  const stroke = 2 / size; // two pixels
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const alpha = coverage(size, px, py, (x, y) => {
        const d = bubble(x, y);
        return (d <= 0 && d > -stroke) || letters(x, y);
      });
      // Fully transparent pixels stay 0,0,0,0; every visible pixel is pure white.
      if (alpha > 0) rgba.set([...WHITE, Math.round(alpha * 255)], (py * size + px) * 4);
    }
  }
  return rgba;
}

// ---- PNG encoder ----

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(8 + data.length + 4);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), 8 + data.length);
  return out;
}

function encodePng(width, height, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type: truecolour with alpha
  ihdr[10] = 0; // compression: deflate
  ihdr[11] = 0; // filter method 0
  ihdr[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter type None
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUT_DIR, { recursive: true });
for (const [file, size, draw] of [
  ['color.png', 192, drawColor],
  ['outline.png', 32, drawOutline],
]) {
  const png = encodePng(size, size, draw(size));
  writeFileSync(path.join(OUT_DIR, file), png);
  console.log(`wrote appPackage/${file} (${size}x${size}, ${png.length} bytes)`);
}
