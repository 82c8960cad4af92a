/**
 * The NIfTI-1 header (348 bytes; the fields and the three ways to the voxel-to-world affine as
 * nifti1.h defines them, NIfTI DFWG 2004). Read here rather than by a library: the reader it
 * replaced pulled in a whole JavaScript inflate at start-up (about 20 ms of every process that reads
 * a volume) for a header openbmd parses in a few lines.
 */
export interface Nifti1Header {
  littleEndian: boolean;
  /** dim[0..7]: dim[0] the rank, dim[1..] the sizes. */
  dims: number[];
  datatypeCode: number;
  bitsPerVoxel: number;
  /** pixdim[0..7]: pixdim[0] is qfac's sign, pixdim[1..3] the voxel size. */
  pixDims: number[];
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  /** Voxel (i, j, k, 1) -> world (x, y, z, 1) in NIfTI's RAS+ frame, row by row. */
  affine: number[][];
}

export const NIFTI1_HEADER_BYTES = 348;

/** The rotation of a unit quaternion whose first component a is implied (nifti1.h, method 2). */
function quaternionRotation(b: number, c: number, d: number): number[][] {
  let a = 1 - (b * b + c * c + d * d);
  // Rounding can leave b, c, d a little over unit length: a is then 0 and they are renormalised.
  if (a < 1e-7) {
    const norm = Math.hypot(b, c, d);
    [b, c, d] = [b / norm, c / norm, d / norm];
    a = 0;
  } else a = Math.sqrt(a);
  return [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - b * b - c * c],
  ];
}

/**
 * The header of a single-file NIfTI-1 from its first bytes, or undefined when they are not one (too
 * short, no "n+1" magic, or sizeof_hdr not 348 in either byte order). The affine: the sform where
 * its code is set and the qform's is not higher, else the qform (quaternion, qfac, offsets), else
 * the voxel sizes alone (nifti1.h's methods 3, 2 and 1, chosen as nifti-reader-js chose them).
 */
export function readNifti1Header(bytes: Uint8Array): Nifti1Header | undefined {
  if (bytes.byteLength < NIFTI1_HEADER_BYTES) return undefined;
  // "n+1": header and voxels in one file (a "ni1" header's voxels are in a separate .img).
  if (bytes[344] !== 0x6e || bytes[345] !== 0x2b || bytes[346] !== 0x31) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, NIFTI1_HEADER_BYTES);
  const littleEndian = view.getInt32(0, true) === NIFTI1_HEADER_BYTES;
  if (!littleEndian && view.getInt32(0, false) !== NIFTI1_HEADER_BYTES) return undefined;
  const short = (at: number): number => view.getInt16(at, littleEndian);
  const float = (at: number): number => view.getFloat32(at, littleEndian);
  const dims = Array.from({ length: 8 }, (_, i) => short(40 + 2 * i));
  const pixDims = Array.from({ length: 8 }, (_, i) => float(76 + 4 * i));
  const qformCode = short(252);
  const sformCode = short(254);
  const affine = [
    [pixDims[1]!, 0, 0, 0],
    [0, pixDims[2]!, 0, 0],
    [0, 0, pixDims[3]!, 0],
    [0, 0, 0, 1],
  ];
  if (qformCode > 0 && sformCode < qformCode) {
    const rotation = quaternionRotation(float(256), float(260), float(264));
    const qfac = pixDims[0]! < 0 ? -1 : 1;
    const scale = [pixDims[1]!, pixDims[2]!, qfac * pixDims[3]!];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) affine[r]![c] = rotation[r]![c]! * scale[c]!;
      affine[r]![3] = float(268 + 4 * r);
    }
  } else if (sformCode > 0) {
    for (let r = 0; r < 3; r++) for (let c = 0; c < 4; c++) affine[r]![c] = float(280 + 16 * r + 4 * c);
  }
  return {
    littleEndian,
    dims,
    datatypeCode: short(70),
    bitsPerVoxel: short(72),
    pixDims,
    voxOffset: float(108),
    sclSlope: float(112),
    sclInter: float(116),
    qformCode,
    sformCode,
    affine,
  };
}
