// openbmd's NIfTI-1 header reader against two independent ones: nifti-reader-js (the library it
// replaced, every field and the affine by its own rule) and nibabel (get_best_affine, where the two
// libraries' rules agree), on headers crafted for each way to the affine, both byte orders, a
// quaternion a little over unit length, and the real CT of ../shared/realdata.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import * as niftiReader from 'nifti-reader-js';
import { readNifti1Header } from '../src/io/nifti1-header.js';
import { pythonModulesMissing, runPythonJson } from './helpers/python-reference.js';
import { announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const noNibabel = announceSkip(pythonModulesMissing(['nibabel', 'numpy'], 'python3-nibabel'));
const REAL_CT = fileURLToPath(new URL('../../../shared/realdata/totalseg-example-ct/example_ct.nii.gz', import.meta.url));

interface Crafted {
  name: string;
  littleEndian: boolean;
  qformCode: number;
  sformCode: number;
  /** quatern_b, c, d. */
  quaternion: [number, number, number];
  qfac: number;
  qoffset: [number, number, number];
  srow: number[][];
}

/** A 352-byte single-file NIfTI-1 header with 2 x 3 x 4 int16 voxels after it. */
function craft(c: Crafted): Uint8Array {
  const bytes = new Uint8Array(352 + 2 * 24);
  const v = new DataView(bytes.buffer);
  const le = c.littleEndian;
  v.setInt32(0, 348, le);
  [3, 2, 3, 4, 1, 1, 1, 1].forEach((d, i) => v.setInt16(40 + 2 * i, d, le));
  v.setInt16(70, 4, le);
  v.setInt16(72, 16, le);
  [c.qfac, 0.75, 1.25, 2.5, 1, 0, 0, 0].forEach((p, i) => v.setFloat32(76 + 4 * i, p, le));
  v.setFloat32(108, 352, le);
  v.setFloat32(112, 2, le);
  v.setFloat32(116, -1024, le);
  v.setInt16(252, c.qformCode, le);
  v.setInt16(254, c.sformCode, le);
  c.quaternion.forEach((q, i) => v.setFloat32(256 + 4 * i, q, le));
  c.qoffset.forEach((q, i) => v.setFloat32(268 + 4 * i, q, le));
  c.srow.forEach((row, r) => row.forEach((x, k) => v.setFloat32(280 + 16 * r + 4 * k, x, le)));
  bytes.set([0x6e, 0x2b, 0x31, 0], 344);
  return bytes;
}

// A rotation about an oblique axis (30 degrees about (1, 2, 2) / 3), as a unit quaternion.
const half = Math.PI / 12;
const OBLIQUE: [number, number, number] = [Math.sin(half) / 3, (2 * Math.sin(half)) / 3, (2 * Math.sin(half)) / 3];
const SROW = [
  [-0.74, 0.05, 0.1, 91.5],
  [0.04, 1.2, -0.3, -126.25],
  [-0.02, 0.31, 2.45, -72.0],
];
const base = { quaternion: OBLIQUE, qfac: 1, qoffset: [12.5, -30.25, 88] as [number, number, number], srow: SROW };
const CASES: (Crafted & { nibabelAgrees: boolean })[] = [
  { name: 'sform only', littleEndian: true, qformCode: 0, sformCode: 1, ...base, nibabelAgrees: true },
  { name: 'qform only', littleEndian: true, qformCode: 1, sformCode: 0, ...base, nibabelAgrees: true },
  { name: 'qform only, qfac -1', littleEndian: true, qformCode: 2, sformCode: 0, ...base, qfac: -1, nibabelAgrees: true },
  { name: 'qform only, big-endian', littleEndian: false, qformCode: 1, sformCode: 0, ...base, qfac: -1, nibabelAgrees: true },
  { name: 'sform only, big-endian', littleEndian: false, qformCode: 0, sformCode: 2, ...base, nibabelAgrees: true },
  { name: 'both, equal codes (the sform)', littleEndian: true, qformCode: 1, sformCode: 1, ...base, nibabelAgrees: true },
  // nifti-reader-js takes the qform where its code is the higher; nibabel takes any sform.
  { name: 'both, the qform code higher', littleEndian: true, qformCode: 2, sformCode: 1, ...base, nibabelAgrees: false },
  // Neither: nifti1.h's method 1 (voxel sizes); nibabel centres the grid instead.
  { name: 'neither', littleEndian: true, qformCode: 0, sformCode: 0, ...base, nibabelAgrees: false },
];

function assertAffineClose(actual: number[][], expected: number[][], what: string): void {
  for (let r = 0; r < 4; r++)
    for (let c = 0; c < 4; c++) {
      const [a, e] = [actual[r]![c]!, expected[r]![c]!];
      assert.ok(Math.abs(a - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${what}: affine[${r}][${c}] ${a} against ${e}`);
    }
}

function libraryHeader(bytes: Uint8Array): niftiReader.NIFTI1 {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  assert.ok(niftiReader.isNIFTI1(copy));
  return niftiReader.readHeader(copy) as niftiReader.NIFTI1;
}

test('every field and the affine as nifti-reader-js reads them, each way to the affine, both byte orders', () => {
  for (const c of CASES) {
    const bytes = craft(c);
    const ours = readNifti1Header(bytes)!;
    const theirs = libraryHeader(bytes);
    assert.equal(ours.littleEndian, theirs.littleEndian, c.name);
    assert.deepEqual(ours.dims, theirs.dims, c.name);
    assert.equal(ours.datatypeCode, theirs.datatypeCode);
    assert.equal(ours.bitsPerVoxel, theirs.numBitsPerVoxel);
    assert.deepEqual(ours.pixDims, theirs.pixDims);
    assert.deepEqual([ours.voxOffset, ours.sclSlope, ours.sclInter], [theirs.vox_offset, theirs.scl_slope, theirs.scl_inter]);
    assert.deepEqual([ours.qformCode, ours.sformCode], [c.qformCode, c.sformCode]);
    assertAffineClose(ours.affine, theirs.affine, c.name);
  }
});

test('not a single-file NIfTI-1: no header', () => {
  const good = craft(CASES[0]!);
  assert.equal(readNifti1Header(good.subarray(0, 347)), undefined, 'too short');
  const pair = Uint8Array.from(good);
  pair.set([0x6e, 0x69, 0x31], 344); // "ni1": the voxels are in a separate .img
  assert.equal(readNifti1Header(pair), undefined);
  const size = Uint8Array.from(good);
  new DataView(size.buffer).setInt32(0, 540, true); // NIfTI-2's sizeof_hdr
  assert.equal(readNifti1Header(size), undefined);
});

test('the affine as nibabel gives it (get_best_affine), including a quaternion a little over unit length', { skip: noNibabel }, () => {
  const dir = tempDir();
  const files = CASES.filter((c) => c.nibabelAgrees).map((c, i) => ({ c, file: join(dir, `case-${i}.nii`) }));
  // float32 rounding of b, c, d whose squares sum to 1 + 1e-7: a is 0 (a rotation of 180 degrees).
  const over: Crafted = { name: 'b^2 + c^2 + d^2 just over 1', littleEndian: true, qformCode: 1, sformCode: 0, ...base, quaternion: [0.6, 0.48, 0.6400001] };
  files.push({ c: { ...over, nibabelAgrees: true }, file: join(dir, 'over.nii') });
  for (const { c, file } of files) writeFileSync(file, craft(c));
  const affines = runPythonJson<number[][][]>(
    'import json, sys, nibabel\nfiles = json.load(sys.stdin)\nprint(json.dumps([nibabel.load(f).header.get_best_affine().tolist() for f in files]))',
    files.map((f) => f.file),
  );
  files.forEach(({ c, file }, i) => assertAffineClose(readNifti1Header(readFileSync(file))!.affine, affines[i]!, c.name));
});

const noRealCt = announceSkip(existsSync(REAL_CT) ? undefined : `SKIPPED: ${REAL_CT} not found (the real CT of ../shared/realdata)`);

test('the real CT: the header and affine as nifti-reader-js reads them', { skip: noRealCt }, () => {
  const bytes = gunzipSync(readFileSync(REAL_CT));
  const ours = readNifti1Header(bytes)!;
  const theirs = libraryHeader(bytes.subarray(0, 352));
  assert.deepEqual(ours.dims, theirs.dims);
  assert.equal(ours.datatypeCode, theirs.datatypeCode);
  assert.deepEqual([ours.qformCode, ours.sformCode, ours.voxOffset], [theirs.qform_code, theirs.sform_code, theirs.vox_offset]);
  assertAffineClose(ours.affine, theirs.affine, 'real CT');
});

test('the real CT: the affine as nibabel gives it', { skip: noRealCt ?? noNibabel }, () => {
  const [nibabelAffine] = runPythonJson<number[][][]>(
    'import json, sys, nibabel\nf = json.load(sys.stdin)\nprint(json.dumps([nibabel.load(f).header.get_best_affine().tolist()]))',
    REAL_CT,
  );
  assertAffineClose(readNifti1Header(gunzipSync(readFileSync(REAL_CT)))!.affine, nibabelAffine!, 'real CT against nibabel');
});
