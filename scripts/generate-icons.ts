/**
 * Writes the PWA icons (public/icons/*.png) with nothing but node:zlib: a Flowkeep mark, three
 * nodes joined by two edges, drawn with signed distance functions so the edges are smooth.
 * Run with `npx tsx scripts/generate-icons.ts`; the PNGs are committed, so this only reruns
 * when the mark changes.
 */
import { deflateSync } from 'node:zlib';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

type Rgba = [number, number, number, number];

const BACKGROUND: Rgba = [79, 70, 229, 255]; // #4f46e5, the manifest's theme colour
const FOREGROUND: Rgba = [255, 255, 255, 255];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function encodePng(size: number, pixels: Uint8Array): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    rows[y * (size * 4 + 1)] = 0; // filter: none
    Buffer.from(pixels.buffer, y * size * 4, size * 4).copy(rows, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function segmentDistance(px: number, py: number, ax: number, ay: number, bx: number, by: number) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function roundedSquareDistance(px: number, py: number, half: number, radius: number) {
  const qx = Math.abs(px) - half + radius;
  const qy = Math.abs(py) - half + radius;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Coverage (0..1) of a pixel by a shape whose signed distance at its centre is `d` pixels. */
function coverage(d: number): number {
  return Math.max(0, Math.min(1, 0.5 - d));
}

/**
 * `scale` shrinks the mark: maskable icons keep it inside the central 80 % safe zone, and fill
 * the whole square with the background because the platform applies its own mask.
 */
function drawIcon(size: number, options: { maskable: boolean }): Uint8Array {
  const pixels = new Uint8Array(size * size * 4);
  const scale = options.maskable ? 0.62 : 0.8;
  const unit = (size / 2) * scale; // mark coordinates run from -1 to 1
  const nodes: Array<[number, number]> = [
    [-0.55, -0.5],
    [0.55, -0.5],
    [0, 0.55],
  ];
  const nodeRadius = 0.26 * unit;
  const edgeWidth = 0.09 * unit;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const px = x + 0.5 - size / 2;
      const py = y + 0.5 - size / 2;
      const background = options.maskable
        ? 1
        : coverage(roundedSquareDistance(px, py, size / 2, size * 0.22));
      let mark = Infinity;
      for (const [nx, ny] of nodes)
        mark = Math.min(mark, Math.hypot(px - nx * unit, py - ny * unit) - nodeRadius);
      for (const from of [nodes[0]!, nodes[1]!]) {
        const to = nodes[2]!;
        mark = Math.min(
          mark,
          segmentDistance(px, py, from[0] * unit, from[1] * unit, to[0] * unit, to[1] * unit) -
            edgeWidth,
        );
      }
      const foreground = coverage(mark) * background;
      const offset = (y * size + x) * 4;
      for (let c = 0; c < 3; c++) {
        pixels[offset + c] = Math.round(
          BACKGROUND[c]! * (1 - foreground / Math.max(background, 1e-9)) +
            FOREGROUND[c]! * (foreground / Math.max(background, 1e-9)),
        );
      }
      pixels[offset + 3] = Math.round(255 * background);
    }
  }
  return pixels;
}

const outDir = fileURLToPath(new URL('../public/icons/', import.meta.url));
mkdirSync(outDir, { recursive: true });
const icons: Array<[string, number, boolean]> = [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
  ['apple-touch-icon-180.png', 180, true],
  ['favicon-64.png', 64, false],
];
for (const [name, size, maskable] of icons) {
  writeFileSync(outDir + name, encodePng(size, drawIcon(size, { maskable })));
  console.log(`wrote public/icons/${name}`);
}
