import { inflateSync } from 'node:zlib';

/** An 8-bit RGB or RGBA, non-interlaced PNG (what Chromium's --screenshot writes), decoded. */
export interface Pixels {
  width: number;
  height: number;
  /** [r, g, b] of pixel (x, y). */
  at(x: number, y: number): [number, number, number];
}

/** Decodes a PNG with zlib and the five row filters; throws for the kinds it does not read. */
export function decodePng(png: Buffer): Pixels {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let offset = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const data: Buffer[] = [];
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const body = png.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      const [depth, color, , , interlace] = [body[8], body[9], body[10], body[11], body[12]];
      if (depth !== 8 || interlace !== 0 || (color !== 2 && color !== 6))
        throw new Error(`PNG kind not read here: depth ${depth}, colour ${color}, interlace ${interlace}`);
      channels = color === 6 ? 4 : 3;
    }
    if (type === 'IDAT') data.push(body);
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const stride = width * channels;
  const out = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) unfilter(raw, out, y, stride, channels);
  return {
    width,
    height,
    at: (x, y) => {
      const i = y * stride + x * channels;
      return [out[i]!, out[i + 1]!, out[i + 2]!];
    },
  };
}

function unfilter(raw: Buffer, out: Buffer, y: number, stride: number, bpp: number): void {
  const filter = raw[y * (stride + 1)]!;
  const src = y * (stride + 1) + 1;
  const row = y * stride;
  for (let i = 0; i < stride; i++) {
    const a = i >= bpp ? out[row + i - bpp]! : 0;
    const b = y > 0 ? out[row - stride + i]! : 0;
    const c = i >= bpp && y > 0 ? out[row - stride + i - bpp]! : 0;
    const x = raw[src + i]!;
    out[row + i] = (x + predict(filter, a, b, c)) & 0xff;
  }
}

function predict(filter: number, a: number, b: number, c: number): number {
  if (filter === 0) return 0;
  if (filter === 1) return a;
  if (filter === 2) return b;
  if (filter === 3) return (a + b) >> 1;
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}
