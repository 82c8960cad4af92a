/**
 * Sequential-DCT Huffman JPEG decoder (ITU T.81 processes 1, 2 and 4: baseline and extended,
 * 8- or 12-bit samples). No WASM codec on npm decodes 12-bit JPEG, which DICOM's "JPEG Extended"
 * transfer syntax carries, so openbmd decodes it here. The inverse DCT is the integer "islow"
 * algorithm of the IJG library (the one GDCM and DCMTK use), computed in exact double arithmetic so
 * results match those decoders sample for sample. Colour components are returned as coded (no
 * YCbCr conversion); 12-bit colour JPEG does not occur in practice.
 */
export interface DecodedJpeg {
  width: number;
  height: number;
  components: number;
  precision: number;
  samples: Uint16Array;
}

export class JpegFormatError extends Error {}

interface FrameComponent {
  id: number;
  h: number;
  v: number;
  quantTable: number;
  blocksPerLine: number;
  blocksPerColumn: number;
  pixels: Uint16Array; // blocksPerLine*8 x blocksPerColumn*8
  dcPrediction: number;
  dcTable: number;
  acTable: number;
}

interface HuffmanTable {
  maxCode: Int32Array; // index 1..16, -1 when no codes of that length
  valPtr: Int32Array;
  minCode: Int32Array;
  values: Uint8Array;
}

const ZIGZAG = new Uint8Array([
  0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28, 35, 42, 49, 56, 57, 50, 43, 36, 29, 22,
  15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

/** Upper bound on decoded samples, so a forged header cannot allocate without limit. */
const MAX_SAMPLES = 1 << 26;

export function decodeJpegDct(data: Uint8Array): DecodedJpeg {
  if (data.length < 4 || data[0] !== 0xff || data[1] !== 0xd8) throw new JpegFormatError('no JPEG start-of-image marker');
  const quantTables: (Int32Array | undefined)[] = [];
  const dcTables: (HuffmanTable | undefined)[] = [];
  const acTables: (HuffmanTable | undefined)[] = [];
  let frame: { precision: number; width: number; height: number; components: FrameComponent[]; hMax: number; vMax: number } | undefined;
  let restartInterval = 0;
  let pos = 2;
  const u16 = (at: number): number => {
    if (at + 1 >= data.length) throw new JpegFormatError('JPEG stream ends inside a marker segment');
    return (data[at]! << 8) | data[at + 1]!;
  };
  while (pos < data.length) {
    if (data[pos] !== 0xff) {
      pos++;
      continue;
    }
    const marker = data[pos + 1];
    if (marker === undefined) break;
    pos += 2;
    if (marker === 0xff || marker === 0x00 || (marker >= 0xd0 && marker <= 0xd7)) {
      if (marker === 0xff) pos--;
      continue;
    }
    if (marker === 0xd9) break; // EOI
    const length = u16(pos);
    const segmentEnd = pos + length;
    if (length < 2 || segmentEnd > data.length) throw new JpegFormatError(`JPEG marker 0x${marker.toString(16)} segment overruns the stream`);
    const body = pos + 2;
    switch (marker) {
      case 0xdb: {
        let at = body;
        while (at < segmentEnd) {
          const pq = data[at]! >> 4;
          const tq = data[at]! & 15;
          at++;
          const table = new Int32Array(64);
          for (let k = 0; k < 64; k++) {
            table[ZIGZAG[k]!] = pq === 0 ? data[at]! : u16(at);
            at += pq === 0 ? 1 : 2;
          }
          if (tq > 3) throw new JpegFormatError('JPEG quantisation table id out of range');
          quantTables[tq] = table;
        }
        break;
      }
      case 0xc4: {
        let at = body;
        while (at < segmentEnd) {
          const tc = data[at]! >> 4;
          const th = data[at]! & 15;
          at++;
          const counts = data.subarray(at, at + 16);
          at += 16;
          let total = 0;
          for (const c of counts) total += c;
          if (at + total > segmentEnd || th > 3) throw new JpegFormatError('malformed JPEG Huffman table');
          const table = buildHuffmanTable(counts, data.subarray(at, at + total));
          at += total;
          (tc === 0 ? dcTables : acTables)[th] = table;
        }
        break;
      }
      case 0xdd:
        restartInterval = u16(body);
        break;
      case 0xc0:
      case 0xc1: {
        const precision = data[body]!;
        const height = u16(body + 1);
        const width = u16(body + 3);
        const count = data[body + 5]!;
        if (precision !== 8 && precision !== 12) throw new JpegFormatError(`JPEG sample precision ${precision} is not 8 or 12`);
        if (width === 0 || height === 0 || count === 0) throw new JpegFormatError('JPEG frame has zero size');
        if (width * height * count > MAX_SAMPLES) throw new JpegFormatError('JPEG frame too large');
        const components: FrameComponent[] = [];
        for (let c = 0; c < count; c++) {
          const at = body + 6 + 3 * c;
          const h = data[at + 1]! >> 4;
          const v = data[at + 1]! & 15;
          if (h < 1 || h > 4 || v < 1 || v > 4) throw new JpegFormatError('JPEG sampling factor out of range');
          components.push({
            id: data[at]!,
            h,
            v,
            quantTable: data[at + 2]!,
            blocksPerLine: 0,
            blocksPerColumn: 0,
            pixels: new Uint16Array(0),
            dcPrediction: 0,
            dcTable: 0,
            acTable: 0,
          });
        }
        const hMax = Math.max(...components.map((c) => c.h));
        const vMax = Math.max(...components.map((c) => c.v));
        const mcusPerLine = Math.ceil(width / (8 * hMax));
        const mcusPerColumn = Math.ceil(height / (8 * vMax));
        for (const c of components) {
          c.blocksPerLine = mcusPerLine * c.h;
          c.blocksPerColumn = mcusPerColumn * c.v;
          c.pixels = new Uint16Array(c.blocksPerLine * 8 * c.blocksPerColumn * 8);
        }
        frame = { precision, width, height, components, hMax, vMax };
        break;
      }
      case 0xc2:
      case 0xc3:
      case 0xc5:
      case 0xc6:
      case 0xc7:
      case 0xc9:
      case 0xca:
      case 0xcb:
      case 0xcd:
      case 0xce:
      case 0xcf:
        throw new JpegFormatError(`JPEG process (SOF 0x${marker.toString(16)}) is not sequential DCT Huffman`);
      case 0xda: {
        if (frame === undefined) throw new JpegFormatError('JPEG scan before frame header');
        const count = data[body]!;
        const scanComponents: FrameComponent[] = [];
        for (let c = 0; c < count; c++) {
          const id = data[body + 1 + 2 * c]!;
          const tables = data[body + 2 + 2 * c]!;
          const component = frame.components.find((fc) => fc.id === id);
          if (component === undefined) throw new JpegFormatError(`JPEG scan names unknown component ${id}`);
          component.dcTable = tables >> 4;
          component.acTable = tables & 15;
          scanComponents.push(component);
        }
        pos = decodeScan(data, segmentEnd, frame, scanComponents, restartInterval, quantTables, dcTables, acTables);
        continue;
      }
      default:
        break; // APPn, COM, DNL and others carry nothing the decoder needs
    }
    pos = segmentEnd;
  }
  if (frame === undefined) throw new JpegFormatError('JPEG stream has no frame header');
  return assemble(frame);
}

function buildHuffmanTable(counts: Uint8Array, values: Uint8Array): HuffmanTable {
  const maxCode = new Int32Array(18).fill(-1);
  const valPtr = new Int32Array(17);
  const minCode = new Int32Array(17);
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    const n = counts[length - 1]!;
    if (n > 0) {
      valPtr[length] = k;
      minCode[length] = code;
      code += n;
      k += n;
      maxCode[length] = code - 1;
    }
    code <<= 1;
  }
  maxCode[17] = 0x7fffffff;
  return { maxCode, valPtr, minCode, values: values.slice() };
}

class BitReader {
  private bitBuffer = 0;
  private bitCount = 0;
  private hitMarker = false;
  constructor(
    private readonly data: Uint8Array,
    public pos: number,
    private readonly end: number,
  ) {}

  bit(): number {
    if (this.bitCount === 0) this.fill();
    this.bitCount--;
    return (this.bitBuffer >> this.bitCount) & 1;
  }

  bits(n: number): number {
    let v = 0;
    for (let i = 0; i < n; i++) v = (v << 1) | this.bit();
    return v;
  }

  private fill(): void {
    // At a marker (or the end) the IJG decoder feeds zero bits; so do we.
    if (this.hitMarker || this.pos >= this.end) {
      this.bitBuffer = 0;
      this.bitCount = 8;
      return;
    }
    const b = this.data[this.pos]!;
    if (b === 0xff) {
      const next = this.data[this.pos + 1];
      if (next === 0x00) {
        this.pos += 2;
      } else {
        this.hitMarker = true;
        this.bitBuffer = 0;
        this.bitCount = 8;
        return;
      }
    } else {
      this.pos++;
    }
    this.bitBuffer = b;
    this.bitCount = 8;
  }

  /** Skips to just after the next RSTn marker and clears the bit buffer. */
  restart(): void {
    this.bitCount = 0;
    this.hitMarker = false;
    while (this.pos + 1 < this.end) {
      if (this.data[this.pos] === 0xff && this.data[this.pos + 1]! >= 0xd0 && this.data[this.pos + 1]! <= 0xd7) {
        this.pos += 2;
        return;
      }
      this.pos++;
    }
  }

  /** Position of the next marker after the entropy-coded data. */
  markerPosition(): number {
    let p = this.pos;
    while (p + 1 < this.end && !(this.data[p] === 0xff && this.data[p + 1] !== 0x00 && !(this.data[p + 1]! >= 0xd0 && this.data[p + 1]! <= 0xd7))) p++;
    return p;
  }
}

function decodeHuffman(reader: BitReader, table: HuffmanTable): number {
  let code = reader.bit();
  let length = 1;
  while (code > table.maxCode[length]!) {
    code = (code << 1) | reader.bit();
    length++;
    if (length > 16) return 0; // corrupt data: IJG warns and substitutes 0
  }
  return table.values[table.valPtr[length]! + code - table.minCode[length]!] ?? 0;
}

function extend(value: number, size: number): number {
  return size === 0 ? 0 : value < 1 << (size - 1) ? value - (1 << size) + 1 : value;
}

function decodeScan(
  data: Uint8Array,
  start: number,
  frame: { precision: number; width: number; height: number; components: FrameComponent[]; hMax: number; vMax: number },
  scan: FrameComponent[],
  restartInterval: number,
  quantTables: (Int32Array | undefined)[],
  dcTables: (HuffmanTable | undefined)[],
  acTables: (HuffmanTable | undefined)[],
): number {
  const reader = new BitReader(data, start, data.length);
  const block = new Int32Array(64);
  const workspace = new Float64Array(64);
  for (const c of scan) {
    c.dcPrediction = 0;
    if (quantTables[c.quantTable] === undefined || dcTables[c.dcTable] === undefined || acTables[c.acTable] === undefined) {
      throw new JpegFormatError('JPEG scan refers to a missing table');
    }
  }
  const decodeBlock = (c: FrameComponent, blockRow: number, blockCol: number): void => {
    block.fill(0);
    const dcTable = dcTables[c.dcTable]!;
    const acTable = acTables[c.acTable]!;
    const s = decodeHuffman(reader, dcTable);
    c.dcPrediction += s === 0 ? 0 : extend(reader.bits(s), s);
    block[0] = c.dcPrediction;
    for (let k = 1; k < 64;) {
      const rs = decodeHuffman(reader, acTable);
      const r = rs >> 4;
      const size = rs & 15;
      if (size === 0) {
        if (r === 15) {
          k += 16;
          continue;
        }
        break;
      }
      k += r;
      if (k > 63) break;
      block[ZIGZAG[k]!] = extend(reader.bits(size), size);
      k++;
    }
    if (blockRow >= c.blocksPerColumn || blockCol >= c.blocksPerLine) return;
    inverseDctIslow(
      block,
      quantTables[c.quantTable]!,
      workspace,
      frame.precision,
      c.pixels,
      blockRow * 8 * (c.blocksPerLine * 8) + blockCol * 8,
      c.blocksPerLine * 8,
    );
  };

  if (scan.length === 1) {
    const c = scan[0]!;
    // Non-interleaved: only the blocks covering the component's own extent are coded.
    const compWidth = Math.ceil((frame.width * c.h) / frame.hMax);
    const compHeight = Math.ceil((frame.height * c.v) / frame.vMax);
    const blocksWide = Math.ceil(compWidth / 8);
    const blocksHigh = Math.ceil(compHeight / 8);
    let n = 0;
    for (let br = 0; br < blocksHigh; br++) {
      for (let bc = 0; bc < blocksWide; bc++) {
        if (restartInterval > 0 && n > 0 && n % restartInterval === 0) {
          reader.restart();
          c.dcPrediction = 0;
        }
        decodeBlock(c, br, bc);
        n++;
      }
    }
  } else {
    const mcusPerLine = Math.ceil(frame.width / (8 * frame.hMax));
    const mcusPerColumn = Math.ceil(frame.height / (8 * frame.vMax));
    let n = 0;
    for (let mr = 0; mr < mcusPerColumn; mr++) {
      for (let mc = 0; mc < mcusPerLine; mc++) {
        if (restartInterval > 0 && n > 0 && n % restartInterval === 0) {
          reader.restart();
          for (const c of scan) c.dcPrediction = 0;
        }
        for (const c of scan) {
          for (let v = 0; v < c.v; v++) for (let h = 0; h < c.h; h++) decodeBlock(c, mr * c.v + v, mc * c.h + h);
        }
        n++;
      }
    }
  }
  return reader.markerPosition();
}

// IJG jidctint constants, scaled by 2^13.
const CONST_BITS = 13;
const F_0_298631336 = 2446;
const F_0_390180644 = 3196;
const F_0_541196100 = 4433;
const F_0_765366865 = 6270;
const F_0_899976223 = 7373;
const F_1_175875602 = 9633;
const F_1_501321110 = 12299;
const F_1_847759065 = 15137;
const F_1_961570560 = 16069;
const F_2_053119869 = 16819;
const F_2_562915447 = 20995;
const F_3_072711026 = 25172;

function descale(x: number, n: number): number {
  return Math.floor((x + 2 ** (n - 1)) / 2 ** n);
}

/** IJG "islow" inverse DCT of one dequantised block into `out` at `offset` (row stride `stride`). */
function inverseDctIslow(coef: Int32Array, quant: Int32Array, ws: Float64Array, precision: number, out: Uint16Array, offset: number, stride: number): void {
  const pass1Bits = precision === 12 ? 1 : 2;
  const center = precision === 12 ? 2048 : 128;
  const maxSample = precision === 12 ? 4095 : 255;
  const scale1 = 2 ** pass1Bits;
  const shift = 2 ** CONST_BITS;
  for (let col = 0; col < 8; col++) {
    const q = (r: number): number => coef[r * 8 + col]! * quant[r * 8 + col]!;
    if (
      coef[8 + col] === 0 &&
      coef[16 + col] === 0 &&
      coef[24 + col] === 0 &&
      coef[32 + col] === 0 &&
      coef[40 + col] === 0 &&
      coef[48 + col] === 0 &&
      coef[56 + col] === 0
    ) {
      const dc = q(0) * scale1;
      for (let r = 0; r < 8; r++) ws[r * 8 + col] = dc;
      continue;
    }
    const r = butterfly(q(0), q(1), q(2), q(3), q(4), q(5), q(6), q(7), shift);
    const n = CONST_BITS - pass1Bits;
    for (let k = 0; k < 8; k++) ws[k * 8 + col] = descale(r[k]!, n);
  }
  for (let row = 0; row < 8; row++) {
    const w = (c: number): number => ws[row * 8 + c]!;
    const base = offset + row * stride;
    if (w(1) === 0 && w(2) === 0 && w(3) === 0 && w(4) === 0 && w(5) === 0 && w(6) === 0 && w(7) === 0) {
      const v = clamp(descale(w(0), pass1Bits + 3) + center, maxSample);
      for (let c = 0; c < 8; c++) out[base + c] = v;
      continue;
    }
    const r = butterfly(w(0), w(1), w(2), w(3), w(4), w(5), w(6), w(7), shift);
    const n = CONST_BITS + pass1Bits + 3;
    for (let c = 0; c < 8; c++) out[base + c] = clamp(descale(r[c]!, n) + center, maxSample);
  }
}

const butterflyOut = new Float64Array(8);

/** The LL&M 1-D IDCT of jidctint.c, unscaled outputs in natural order. */
function butterfly(x0: number, x1: number, x2: number, x3: number, x4: number, x5: number, x6: number, x7: number, shift: number): Float64Array {
  let z1 = (x2 + x6) * F_0_541196100;
  const tmp2e = z1 + x6 * -F_1_847759065;
  const tmp3e = z1 + x2 * F_0_765366865;
  const tmp0e = (x0 + x4) * shift;
  const tmp1e = (x0 - x4) * shift;
  const tmp10 = tmp0e + tmp3e;
  const tmp13 = tmp0e - tmp3e;
  const tmp11 = tmp1e + tmp2e;
  const tmp12 = tmp1e - tmp2e;
  let tmp0 = x7;
  let tmp1 = x5;
  let tmp2 = x3;
  let tmp3 = x1;
  z1 = tmp0 + tmp3;
  let z2 = tmp1 + tmp2;
  let z3 = tmp0 + tmp2;
  let z4 = tmp1 + tmp3;
  const z5 = (z3 + z4) * F_1_175875602;
  tmp0 *= F_0_298631336;
  tmp1 *= F_2_053119869;
  tmp2 *= F_3_072711026;
  tmp3 *= F_1_501321110;
  z1 *= -F_0_899976223;
  z2 *= -F_2_562915447;
  z3 = z3 * -F_1_961570560 + z5;
  z4 = z4 * -F_0_390180644 + z5;
  tmp0 += z1 + z3;
  tmp1 += z2 + z4;
  tmp2 += z2 + z3;
  tmp3 += z1 + z4;
  const o = butterflyOut;
  o[0] = tmp10 + tmp3;
  o[7] = tmp10 - tmp3;
  o[1] = tmp11 + tmp2;
  o[6] = tmp11 - tmp2;
  o[2] = tmp12 + tmp1;
  o[5] = tmp12 - tmp1;
  o[3] = tmp13 + tmp0;
  o[4] = tmp13 - tmp0;
  return o;
}

function clamp(v: number, max: number): number {
  return v < 0 ? 0 : v > max ? max : v;
}

function assemble(frame: { width: number; height: number; components: FrameComponent[]; hMax: number; vMax: number; precision: number }): DecodedJpeg {
  const { width, height, components } = frame;
  const n = components.length;
  const samples = new Uint16Array(width * height * n);
  components.forEach((c, ci) => {
    const planeWidth = c.blocksPerLine * 8;
    const dw = Math.ceil((width * c.h) / frame.hMax);
    const dh = Math.ceil((height * c.v) / frame.vMax);
    const at = (x: number, y: number): number => c.pixels[Math.min(y, dh - 1) * planeWidth + x]!;
    const put = (x: number, y: number, v: number): void => {
      if (x < width && y < height) samples[(y * width + x) * n + ci] = v;
    };
    const fullSize = c.h === frame.hMax && c.v === frame.vMax;
    const h2 = c.h * 2 === frame.hMax && dw >= 2;
    if (fullSize) {
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, at(x, y));
    } else if (h2 && c.v === frame.vMax) {
      for (let y = 0; y < dh; y++)
        upsampleRowH2V1(
          (x) => at(x, y),
          dw,
          (x, v) => put(x, y, v),
        );
    } else if (h2 && c.v * 2 === frame.vMax) {
      for (let y = 0; y < dh; y++) {
        for (let half = 0; half < 2; half++) {
          const near = (x: number): number => at(x, y);
          const farRow = half === 0 ? Math.max(0, y - 1) : Math.min(dh - 1, y + 1);
          upsampleRowH2V2(
            near,
            (x) => at(x, farRow),
            dw,
            (x, v) => put(x, 2 * y + half, v),
          );
        }
      }
    } else {
      const sx = c.h / frame.hMax;
      const sy = c.v / frame.vMax;
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) put(x, y, at(Math.floor(x * sx), Math.floor(y * sy)));
    }
  });
  return { width, height, components: n, precision: frame.precision, samples };
}

/** IJG h2v1 "fancy" (triangle-filter) upsampling of one row, as jdsample.c defines it. */
function upsampleRowH2V1(input: (x: number) => number, dw: number, put: (x: number, v: number) => void): void {
  let v = input(0);
  put(0, v);
  put(1, (v * 3 + input(1) + 2) >> 2);
  for (let x = 1; x < dw - 1; x++) {
    v = input(x) * 3;
    put(2 * x, (v + input(x - 1) + 1) >> 2);
    put(2 * x + 1, (v + input(x + 1) + 2) >> 2);
  }
  v = input(dw - 1);
  put(2 * (dw - 1), (v * 3 + input(dw - 2) + 1) >> 2);
  put(2 * (dw - 1) + 1, v);
}

/** IJG h2v2 "fancy" upsampling: one output row from the nearer and the farther input row. */
function upsampleRowH2V2(near: (x: number) => number, far: (x: number) => number, dw: number, put: (x: number, v: number) => void): void {
  const colSum = (x: number): number => near(x) * 3 + far(x);
  let thisSum = colSum(0);
  let nextSum = colSum(1);
  put(0, (thisSum * 4 + 8) >> 4);
  put(1, (thisSum * 3 + nextSum + 7) >> 4);
  let lastSum = thisSum;
  thisSum = nextSum;
  for (let x = 1; x < dw - 1; x++) {
    nextSum = colSum(x + 1);
    put(2 * x, (thisSum * 3 + lastSum + 8) >> 4);
    put(2 * x + 1, (thisSum * 3 + nextSum + 7) >> 4);
    lastSum = thisSum;
    thisSum = nextSum;
  }
  put(2 * (dw - 1), (thisSum * 3 + lastSum + 8) >> 4);
  put(2 * (dw - 1) + 1, (thisSum * 4 + 7) >> 4);
}
