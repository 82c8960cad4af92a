import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzipSync, gzip } from 'node:zlib';
import { OpenBmdError, describeThrown } from '../core/errors.js';
import type { Matrix3, Point3 } from '../core/geometry.js';
import type { PixelArray } from '../core/pixel-array.js';
import type { ValueUnit } from '../core/value-unit.js';
import type { Volume3D } from '../core/volume3d.js';
import { createVolume3D } from '../core/volume3d.js';
import { readNifti1Header } from './nifti1-header.js';

/** NIfTI-1 datatype codes and the arrays openbmd maps them to. */
const DATATYPES: readonly { code: number; bits: number; make: (b: ArrayBuffer, n: number, offset: number) => PixelArray; is: (a: PixelArray) => boolean }[] = [
  { code: 2, bits: 8, make: (b, n, o) => new Uint8Array(b, o, n), is: (a) => a instanceof Uint8Array },
  { code: 256, bits: 8, make: (b, n, o) => new Int8Array(b, o, n), is: (a) => a instanceof Int8Array },
  { code: 4, bits: 16, make: (b, n, o) => new Int16Array(b, o, n), is: (a) => a instanceof Int16Array },
  { code: 512, bits: 16, make: (b, n, o) => new Uint16Array(b, o, n), is: (a) => a instanceof Uint16Array },
  { code: 8, bits: 32, make: (b, n, o) => new Int32Array(b, o, n), is: (a) => a instanceof Int32Array },
  { code: 768, bits: 32, make: (b, n, o) => new Uint32Array(b, o, n), is: (a) => a instanceof Uint32Array },
  { code: 16, bits: 32, make: (b, n, o) => new Float32Array(b, o, n), is: (a) => a instanceof Float32Array },
  { code: 64, bits: 64, make: (b, n, o) => new Float64Array(b, o, n), is: (a) => a instanceof Float64Array },
];

const gzipAsync = promisify(gzip);

/** The largest volume inflated (1 GiB): a hostile .gz stops there, not at the memory's end. */
const MAX_INFLATED_BYTES = 1 << 30;

/**
 * The inflate's output chunk: the size the gzip trailer states (ISIZE, the length mod 2^32), so a
 * volume inflates into one buffer without the concatenation of many; the trailer is only a hint
 * (a multi-member or lying file still inflates, in more chunks), bounded to 64 KiB-64 MiB.
 */
function inflateChunkBytes(gz: Uint8Array): number {
  const n = gz.length;
  if (n < 18) return 64 * 1024;
  const stated = (gz[n - 4]! | (gz[n - 3]! << 8) | (gz[n - 2]! << 16)) + gz[n - 1]! * 2 ** 24;
  return Math.min(64 * 1024 * 1024, Math.max(64 * 1024, stated + 1));
}

const HEADER_BYTES = 348;
const VOX_OFFSET = 352;

/** Whether a path names a NIfTI-1 file (.nii or .nii.gz), by its extension. */
export function isNiftiPath(path: string): boolean {
  return /\.nii(\.gz)?$/i.test(path);
}

export interface ReadNiftiOptions {
  unit?: ValueUnit;
}

/**
 * Reads a NIfTI-1 (.nii or .nii.gz) volume. NIfTI's world frame is RAS; openbmd's is LPS, so the
 * first two rows of the affine change sign. The scaling (scl_slope/scl_inter) is applied when set.
 */
export async function readNifti(file: string, options: ReadNiftiOptions = {}): Promise<Volume3D> {
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (thrown) {
    throw new OpenBmdError('FILE_NOT_FOUND', `cannot be read (${describeThrown(thrown)})`, { file });
  }
  let bytes: Uint8Array = raw;
  if (raw[0] === 0x1f && raw[1] === 0x8b) {
    try {
      bytes = gunzipSync(raw, { maxOutputLength: MAX_INFLATED_BYTES, chunkSize: inflateChunkBytes(raw) });
    } catch (thrown) {
      throw new OpenBmdError('MALFORMED', `gzip stream is damaged (${describeThrown(thrown)})`, { file });
    }
  }
  // The header parsed where it lies; the voxels stay where they were read or inflated (a volume can
  // be hundreds of MB).
  const buffer = bytes.buffer as ArrayBuffer;
  const base = bytes.byteOffset;
  const header = readNifti1Header(bytes);
  if (header === undefined) throw new OpenBmdError('UNSUPPORTED', 'is not a NIfTI-1 file (no n+1 magic)', { file });
  const dims = header.dims;
  const rank = dims[0] ?? 0;
  if (rank < 2 || rank > 4 || (rank === 4 && (dims[4] ?? 1) !== 1)) {
    throw new OpenBmdError('UNSUPPORTED', `NIfTI with ${rank} dimensions (${dims.slice(1, rank + 1).join('x')}) is not a single 2-D or 3-D volume`, { file });
  }
  const size: [number, number, number] = [dims[1] ?? 1, dims[2] ?? 1, rank >= 3 ? (dims[3] ?? 1) : 1];
  if (size.some((n) => n < 1)) throw new OpenBmdError('MALFORMED', `NIfTI dimensions ${size.join(' x ')} are not sizes (each at least 1)`, { file });
  const type = DATATYPES.find((t) => t.code === header.datatypeCode);
  if (type === undefined) throw new OpenBmdError('UNSUPPORTED', `NIfTI datatype ${header.datatypeCode} is not supported`, { file });
  if (header.bitsPerVoxel !== type.bits)
    throw new OpenBmdError('MALFORMED', `NIfTI datatype ${header.datatypeCode} has ${type.bits} bits per voxel, the header says ${header.bitsPerVoxel}`, {
      file,
    });
  // A single-file NIfTI's voxels start after its 348-byte header and the 4 extension bytes; a smaller
  // offset (0 from some writers) is read as 352, as nibabel reads it.
  if (!Number.isInteger(header.voxOffset) || header.voxOffset < 0)
    throw new OpenBmdError('MALFORMED', `vox_offset ${header.voxOffset} is not a byte offset`, { file });
  const voxOffset = Math.max(352, header.voxOffset);
  if (header.affine.some((row) => row.some((x) => !Number.isFinite(x))))
    throw new OpenBmdError('MALFORMED', 'the voxel-to-world transform (sform or qform) holds values that are not numbers', {
      file,
    });
  const count = size[0] * size[1] * size[2];
  const needed = voxOffset + (count * type.bits) / 8;
  if (needed > bytes.byteLength) {
    throw new OpenBmdError('TRUNCATED', `voxel data needs ${needed} bytes, the file has ${bytes.byteLength}`, { file });
  }
  const voxelBytes = (count * type.bits) / 8;
  // The voxels in place where they are aligned for their array (vox_offset 352, the usual, is); else
  // copied out; a 4-D file's extra volumes are cut either way.
  const offset = base + voxOffset;
  const inPlace = header.littleEndian && Number.isInteger(offset) && offset % (type.bits / 8) === 0;
  let data = inPlace
    ? type.make(buffer, count, offset)
    : type.make(swapIfBigEndian(buffer.slice(offset, offset + voxelBytes), type.bits, header.littleEndian), count, 0);
  const slope = header.sclSlope;
  const inter = header.sclInter;
  if (Number.isFinite(slope) && slope !== 0 && (slope !== 1 || inter !== 0)) {
    const scaled = new Float64Array(count);
    for (let i = 0; i < count; i++) scaled[i] = data[i]! * slope + inter;
    data = scaled;
  }
  const a = header.affine;
  const spacing: [number, number, number] = [0, 1, 2].map((c) => Math.hypot(a[0]![c]!, a[1]![c]!, a[2]![c]!)) as [number, number, number];
  const lps = (row: number, c: number): number => (row < 2 ? -1 : 1) * a[row]![c]!;
  const direction = [0, 1, 2].flatMap((r) => [0, 1, 2].map((c) => lps(r, c) / (spacing[c]! || 1))) as Matrix3;
  const origin: Point3 = [lps(0, 3), lps(1, 3), lps(2, 3)];
  return createVolume3D({
    data,
    size,
    spacingMm: spacing.map((s) => (s > 0 ? s : 1)) as [number, number, number],
    originMm: origin,
    direction,
    unit: options.unit ?? 'raw',
  });
}

function swapIfBigEndian(buffer: ArrayBuffer, bits: number, littleEndian: boolean): ArrayBuffer {
  if (littleEndian || bits === 8) return buffer;
  const bytes = new Uint8Array(buffer);
  const step = bits / 8;
  for (let i = 0; i < bytes.length; i += step) bytes.subarray(i, i + step).reverse();
  return buffer;
}

/** Writes a NIfTI-1 single file (.nii, or gzipped when the name ends in .gz), sform in RAS. */
export async function writeNifti(file: string, volume: Volume3D, description = 'openbmd'): Promise<void> {
  const type = DATATYPES.find((t) => t.is(volume.data));
  if (type === undefined) throw new OpenBmdError('INTERNAL', 'volume data has no NIfTI datatype');
  const header = new ArrayBuffer(VOX_OFFSET);
  const v = new DataView(header);
  v.setInt32(0, HEADER_BYTES, true);
  const [nx, ny, nz] = volume.size;
  [3, nx, ny, nz, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, true));
  v.setInt16(70, type.code, true);
  v.setInt16(72, type.bits, true);
  [1, volume.spacingMm[0], volume.spacingMm[1], volume.spacingMm[2], 0, 0, 0, 0].forEach((p, i) => v.setFloat32(76 + 4 * i, p, true));
  v.setFloat32(108, VOX_OFFSET, true);
  v.setFloat32(112, 1, true);
  v.setFloat32(116, 0, true);
  v.setUint8(123, 2); // xyzt_units: mm
  const text = new TextEncoder().encode(description.slice(0, 79));
  new Uint8Array(header, 148, 80).set(text);
  v.setInt16(252, 0, true); // qform_code: unset, the sform carries the geometry
  v.setInt16(254, 1, true); // sform_code: scanner anatomical
  const d = volume.direction;
  for (let r = 0; r < 3; r++) {
    const sign = r < 2 ? -1 : 1; // LPS -> RAS
    for (let c = 0; c < 3; c++) v.setFloat32(280 + 16 * r + 4 * c, sign * d[3 * r + c]! * volume.spacingMm[c]!, true);
    v.setFloat32(280 + 16 * r + 12, sign * volume.originMm[r]!, true);
  }
  new Uint8Array(header, 344, 4).set([0x6e, 0x2b, 0x31, 0]); // "n+1\0"
  const data = new Uint8Array(volume.data.buffer, volume.data.byteOffset, volume.data.byteLength);
  const whole = new Uint8Array(VOX_OFFSET + data.length);
  whole.set(new Uint8Array(header), 0);
  whole.set(data, VOX_OFFSET);
  // Level 1: label volumes of hundreds of MB compress nearly as well, several times faster. Off the
  // main thread, so a caller can go on (encode a picture) while it compresses.
  // One output chunk for the whole stream (up to 64 MiB): in the default 16 KiB chunks every chunk
  // waits for the main thread between them, so a busy caller stalled the compression.
  const chunkSize = Math.min(64 * 2 ** 20, Math.max(2 ** 16, whole.length + 2 ** 12));
  await writeFile(file, file.endsWith('.gz') ? await gzipAsync(whole, { level: 1, chunkSize }) : whole);
}
