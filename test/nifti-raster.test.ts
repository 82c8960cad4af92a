import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { test } from 'node:test';
import { encode as encodePng } from 'fast-png';
import { OpenBmdError } from '../src/core/errors.js';
import type { Matrix3 } from '../src/core/geometry.js';
import { SeededRandom } from '../src/core/seeded-random.js';
import { createVolume3D, volumeIndexToPointMm } from '../src/core/volume3d.js';
import { readNifti, writeNifti } from '../src/io/nifti.js';
import { readRasterImage } from '../src/io/raster-image.js';
import { runCli } from './helpers/cli.js';
import { DEBIAN_PYTHON, announceSkip } from './helpers/reference-tools.js';
import { tempDir } from './helpers/temp-dir.js';

const dir = tempDir();

// Values exactly representable in float32, the precision of NIfTI's sform.
const GEOMETRY = {
  spacingMm: [0.75, 0.8125, 1.25] as [number, number, number],
  originMm: [-100.5, 20.25, 300] as [number, number, number],
  direction: [0, 1, 0, -1, 0, 0, 0, 0, 1] as Matrix3,
};

for (const [name, data] of [
  ['int16', new Int16Array(4 * 3 * 5).map((_, i) => i * 37 - 1000)],
  ['float32', new Float32Array(4 * 3 * 5).map((_, i) => i / 7)],
  ['uint8', new Uint8Array(4 * 3 * 5).map((_, i) => (i * 11) % 256)],
] as const) {
  for (const ext of ['.nii', '.nii.gz']) {
    test(`NIfTI round trip is exact: ${name}${ext}`, async () => {
      const volume = createVolume3D({ data, size: [4, 3, 5], unit: 'raw', ...GEOMETRY });
      const file = join(dir, `${name}${ext}`);
      await writeNifti(file, volume);
      const back = await readNifti(file);
      assert.deepEqual(back.size, volume.size);
      assert.deepEqual(back.spacingMm, volume.spacingMm);
      assert.deepEqual(back.originMm, volume.originMm);
      assert.deepEqual(
        back.direction.map((v) => v + 0),
        [...GEOMETRY.direction],
      );
      assert.equal(back.data.constructor, data.constructor);
      assert.deepEqual(Array.from(back.data), Array.from(data));
      assert.deepEqual(volumeIndexToPointMm(back, 1, 2, 3), volumeIndexToPointMm(volume, 1, 2, 3));
    });
  }
}

test('NIfTI header fields sit where the NIfTI-1 standard puts them (RAS sform)', async () => {
  const volume = createVolume3D({ data: new Int16Array(24), size: [2, 3, 4], unit: 'raw', spacingMm: [0.5, 0.5, 2], originMm: [10, 20, 30] });
  const file = join(dir, 'header.nii');
  await writeNifti(file, volume);
  const b = readFileSync(file);
  assert.equal(b.readInt32LE(0), 348);
  assert.deepEqual(
    [0, 1, 2, 3].map((i) => b.readInt16LE(40 + 2 * i)),
    [3, 2, 3, 4],
  );
  assert.equal(b.readInt16LE(70), 4); // DT_INT16
  assert.equal(b.readFloatLE(108), 352);
  assert.equal(b.toString('latin1', 344, 347), 'n+1');
  // LPS identity -> RAS: x and y flip sign, including the origin.
  assert.deepEqual(
    [0, 1, 2, 3].map((c) => b.readFloatLE(280 + 4 * c) + 0),
    [-0.5, 0, 0, -10],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((c) => b.readFloatLE(296 + 4 * c) + 0),
    [0, -0.5, 0, -20],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((c) => b.readFloatLE(312 + 4 * c) + 0),
    [0, 0, 2, 30],
  );
  assert.equal(b.length, 352 + 48);
});

test('a damaged NIfTI file is refused with a clear error', async () => {
  const file = join(dir, 'short.nii');
  const volume = createVolume3D({ data: new Int16Array(1000), size: [10, 10, 10], unit: 'raw', spacingMm: [1, 1, 1] });
  await writeNifti(file, volume);
  writeFileSync(file, readFileSync(file).subarray(0, 900));
  await assert.rejects(readNifti(file), (e: unknown) => e instanceof OpenBmdError && e.code === 'TRUNCATED' && e.message.includes('short.nii'));
});

test('a NIfTI header with impossible fields is refused naming the file; vox_offset 0 is read as 352 (as nibabel reads it)', async () => {
  const file = join(dir, 'fields.nii');
  const volume = createVolume3D({ data: Int16Array.from({ length: 24 }, (_, i) => i - 5), size: [2, 3, 4], unit: 'raw', spacingMm: [1, 1, 1] });
  await writeNifti(file, volume);
  const good = readFileSync(file);
  const edited = (edit: (v: DataView) => void): string => {
    const bytes = Uint8Array.from(good);
    edit(new DataView(bytes.buffer));
    const path = join(dir, 'edited.nii');
    writeFileSync(path, bytes);
    return path;
  };
  const malformed = (e: unknown): boolean => e instanceof OpenBmdError && e.code === 'MALFORMED' && e.message.includes('edited.nii');
  await assert.rejects(readNifti(edited((v) => v.setInt16(42, -5, true))), malformed, 'a negative size');
  await assert.rejects(readNifti(edited((v) => v.setFloat32(108, Number.NaN, true))), malformed, 'vox_offset NaN');
  await assert.rejects(readNifti(edited((v) => v.setFloat32(108, -100, true))), malformed, 'a negative vox_offset');
  await assert.rejects(readNifti(edited((v) => v.setFloat32(108, 352.5, true))), malformed, 'a fractional vox_offset');
  await assert.rejects(readNifti(edited((v) => v.setInt16(72, 8, true))), malformed, 'int16 with bitpix 8');
  await assert.rejects(readNifti(edited((v) => v.setFloat32(280, Number.NaN, true))), malformed, 'a NaN in the sform');
  const zeroOffset = await readNifti(edited((v) => v.setFloat32(108, 0, true)));
  assert.deepEqual(Array.from(zeroOffset.data), Array.from(volume.data));
});

test('NIfTI header fuzz: 500 deterministic mutations of the header are read or refused, never anything but an OpenBmdError', async () => {
  const volume = createVolume3D({ data: Float32Array.from({ length: 60 }, (_, i) => i / 7), size: [3, 4, 5], unit: 'raw', spacingMm: [0.5, 1, 2] });
  const file = join(dir, 'fuzz-source.nii');
  await writeNifti(file, volume);
  const good = readFileSync(file);
  const random = new SeededRandom(20261207);
  // The fields a reader acts on: dims, datatype, bitpix, pixdim, vox_offset, scaling, the codes, quaternion, offsets, sform.
  const fields = [0, 40, 42, 44, 46, 48, 70, 72, 76, 80, 84, 88, 108, 112, 116, 252, 254, 256, 260, 264, 268, 280, 284, 296, 312, 344];
  const specials = [0, -1, 1, 255, 32767, -32768, 0x7fc00000, 0x7f800000, 0xff800000];
  let read = 0;
  let refused = 0;
  for (let c = 0; c < 500; c++) {
    const bytes = Uint8Array.from(good);
    const view = new DataView(bytes.buffer);
    for (let m = 0; m <= random.nextInt(3); m++) {
      const at = fields[random.nextInt(fields.length)]!;
      const special = specials[random.nextInt(specials.length)]!;
      if (random.nextFloat() < 0.5) view.setUint32(at, random.nextFloat() < 0.5 ? special >>> 0 : Math.floor(random.nextFloat() * 2 ** 32));
      else view.setUint8(at + random.nextInt(4), random.nextInt(256));
    }
    const path = join(dir, 'fuzz.nii');
    writeFileSync(path, bytes);
    try {
      const v = await readNifti(path);
      assert.ok(
        v.spacingMm.every((s) => Number.isFinite(s) && s > 0) && v.originMm.every(Number.isFinite) && v.direction.every(Number.isFinite),
        `case ${c}: a geometry that is not numbers`,
      );
      read++;
    } catch (thrown) {
      assert.ok(thrown instanceof OpenBmdError, `case ${c}: ${String(thrown)}`);
      assert.ok(thrown.message.includes('fuzz.nii'), `case ${c}: ${thrown.message}`);
      refused++;
    }
  }
  assert.ok(read > 50 && refused > 50, `both outcomes exercised (${read} read, ${refused} refused)`);
});

// The voxels are read in place where they are aligned (vox_offset 352) and copied out where not;
// a gzip file whose trailer understates its length (two members) still inflates whole.
test('NIfTI voxels at an unaligned offset, and a .nii.gz of two gzip members, read as written', async () => {
  const data = new Float64Array(4 * 3 * 5).map((_, i) => i / 3 - 7);
  const volume = createVolume3D({ data, size: [4, 3, 5], unit: 'raw', ...GEOMETRY });
  const file = join(dir, 'aligned.nii');
  await writeNifti(file, volume);
  const written = readFileSync(file);
  // vox_offset 356: four bytes after the header (no extension flag set), not a multiple of 8.
  const shifted = Buffer.concat([written.subarray(0, 352), Buffer.alloc(4), written.subarray(352)]);
  shifted.writeFloatLE(356, 108);
  const unaligned = join(dir, 'unaligned.nii');
  writeFileSync(unaligned, shifted);
  const twoMembers = join(dir, 'two-members.nii.gz');
  writeFileSync(twoMembers, Buffer.concat([gzipSync(written.subarray(0, 1000)), gzipSync(written.subarray(1000))]));
  for (const f of [unaligned, twoMembers]) {
    const back = await readNifti(f);
    assert.equal(back.data.constructor, Float64Array, f);
    assert.deepEqual(Array.from(back.data), Array.from(data), f);
    assert.deepEqual(back.originMm, volume.originMm, f);
  }
});

test('PNG 16-bit grey (written by fast-png) read with the given spacing', async () => {
  const grey = new Uint16Array(5 * 3).map((_, i) => i * 4000);
  const file = join(dir, 'grey16.png');
  writeFileSync(file, encodePng({ width: 5, height: 3, data: grey, depth: 16, channels: 1 }));
  const image = await readRasterImage(file, { spacingMm: [0.2, 0.1] });
  assert.deepEqual(image.size, [5, 3]);
  assert.deepEqual(image.spacingMm, [0.1, 0.2]);
  assert.deepEqual(Array.from(image.data), Array.from(grey));
  await assert.rejects(readRasterImage(file, { spacingMm: undefined }), (e: unknown) => e instanceof OpenBmdError && e.code === 'MISSING_SPACING');
});

const cvMissing = announceSkip(
  spawnSync(DEBIAN_PYTHON, ['-c', 'import cv2, numpy'], { encoding: 'utf8' }).status === 0
    ? undefined
    : 'SKIPPED: OpenCV for Debian python missing (apt-get install python3-opencv; .ci/run does)',
);

test('PNG and TIFF written by OpenCV (16-bit grey, 8-bit colour) decode to the same values', { skip: cvMissing }, async () => {
  const script = `
import cv2, numpy as np, sys
d = sys.argv[1]
j, i = np.mgrid[0:37, 0:53]
grey = ((i * 257 + j * 31 * 7) % 65536).astype(np.uint16)
cv2.imwrite(d + '/cv16.png', grey)
cv2.imwrite(d + '/cv16.tif', grey)
bgr = np.stack([(i * 3) % 256, (j * 5) % 256, (i + j) % 256], axis=-1).astype(np.uint8)
cv2.imwrite(d + '/cv8.png', bgr)
cv2.imwrite(d + '/cv8.tif', bgr)
`;
  const run = spawnSync(DEBIAN_PYTHON, ['-c', script, dir], { encoding: 'utf8' });
  assert.equal(run.status, 0, run.stderr);
  for (const name of ['cv16.png', 'cv16.tif']) {
    const image = await readRasterImage(join(dir, name), { spacingMm: [0.1, 0.1] });
    assert.deepEqual(image.size, [53, 37], name);
    for (let j = 0; j < 37; j++) for (let i = 0; i < 53; i++) assert.equal(image.data[j * 53 + i], (i * 257 + j * 31 * 7) % 65536, `${name} (${i},${j})`);
  }
  for (const name of ['cv8.png', 'cv8.tif']) {
    const image = await readRasterImage(join(dir, name), { spacingMm: [0.1, 0.1] });
    assert.equal(image.samplesPerPixel, 3);
    // OpenCV arrays are BGR; files are RGB.
    const at = (i: number, j: number, s: number): number => image.data[(j * 53 + i) * 3 + s]!;
    assert.deepEqual([at(10, 20, 0), at(10, 20, 1), at(10, 20, 2)], [(10 + 20) % 256, (20 * 5) % 256, (10 * 3) % 256], name);
  }
});

test('CLI: inspect reads NIfTI and PNG; PNG without --spacing-mm is exit 2', async () => {
  const png = join(dir, 'cli.png');
  writeFileSync(png, encodePng({ width: 3, height: 2, data: new Uint16Array([0, 10, 20, 30, 40, 50]), depth: 16, channels: 1 }));
  const without = runCli(['inspect', png, '--json']);
  assert.equal(without.status, 2);
  assert.match(without.stderr, /cli\.png: PNG and TIFF images need the pixel spacing/);
  const withSpacing = runCli(['inspect', png, '--json', '--spacing-mm', '0.2,0.1']);
  assert.equal(withSpacing.status, 0, withSpacing.stderr);
  const report = JSON.parse(withSpacing.stdout) as { transferSyntax: string; rows: number; columns: number; pixelSpacingMm: number[]; stats: { mean: number } };
  assert.deepEqual([report.transferSyntax, report.rows, report.columns, report.pixelSpacingMm, report.stats.mean], ['PNG', 2, 3, [0.2, 0.1], 25]);
  const bad = runCli(['inspect', png, '--spacing-mm', 'abc']);
  assert.equal(bad.status, 2);
  const nii = join(dir, 'cli.nii.gz');
  await writeNifti(nii, createVolume3D({ data: new Int16Array([1, 2, 3, 4, 5, 6]), size: [3, 2, 1], spacingMm: [0.5, 0.25, 2], unit: 'raw' }));
  const niftiRun = runCli(['inspect', nii, '--json']);
  assert.equal(niftiRun.status, 0, niftiRun.stderr);
  const n = JSON.parse(niftiRun.stdout) as { transferSyntax: string; frames: number; pixelSpacingMm: number[]; stats: { min: number; max: number } };
  assert.deepEqual([n.transferSyntax, n.frames, n.pixelSpacingMm, n.stats.min, n.stats.max], ['NIfTI-1', 1, [0.25, 0.5], 1, 6]);
});

test('CLI: a DICOM file with a TIFF header in its preamble is read as DICOM', async () => {
  const { ctSlice } = await import('./helpers/dicom-bytes.js');
  const bytes = ctSlice({ rows: 2, columns: 2, stored: new Int16Array([1, 2, 3, 4]), positionMm: [0, 0, 0] });
  bytes.set([0x49, 0x49, 42, 0, 8, 0, 0, 0], 0); // dual-format TIFF/DICOM files start like this
  const file = join(dir, 'dual.dcm');
  writeFileSync(file, bytes);
  const run = runCli(['inspect', file, '--json']);
  assert.equal(run.status, 0, run.stderr);
  assert.equal((JSON.parse(run.stdout) as { modality: string }).modality, 'CT');
});
