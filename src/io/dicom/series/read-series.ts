import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OpenBmdError } from '../../../core/errors.js';
import { directionFromAxes } from '../../../core/geometry.js';
import type { Vector3 } from '../../../core/geometry.js';
import type { PixelArray } from '../../../core/pixel-array.js';
import type { Volume3D } from '../../../core/volume3d.js';
import { createVolume3D } from '../../../core/volume3d.js';
import type { DicomImage } from '../dicom-image.js';
import { readDicomFile } from '../read-dicom.js';
import { orderSlices } from './series-geometry.js';
import type { SliceArena } from './slice-arena.js';
import { addToArena, arenaInOrder, copyRescaledInt16, createSliceArena } from './slice-arena.js';

export interface ReadSeriesOptions {
  /** Which series to take when the folder holds several. */
  seriesInstanceUid?: string;
}

export interface DicomSeries {
  folder: string;
  volume: Volume3D;
  /** The slices in volume order (k = 0 first). Pixel data is released once copied. */
  slices: Omit<DicomImage, 'frames'>[];
  skippedFiles: { file: string; reason: string }[];
}

/** Files read at once: enough to keep the disk busy, few enough to bound memory. */
const READ_CONCURRENCY = 16;

/**
 * Reads a folder of single-frame slices into one volume, ordered along the slice normal.
 * Values are the modality-rescaled ones (HU for CT). Files that are not DICOM images are skipped
 * and listed; a damaged DICOM file fails the whole series, naming the file.
 */
export async function readDicomSeries(folder: string, options: ReadSeriesOptions = {}): Promise<DicomSeries> {
  const names = await listFiles(folder);
  const images: DicomImage[] = [];
  const skippedFiles: { file: string; reason: string }[] = [];
  const scratch = Array.from({ length: READ_CONCURRENCY }, () => ({ buffer: Buffer.alloc(0) }));
  let arena: SliceArena | undefined;
  for (let start = 0; start < names.length; start += READ_CONCURRENCY) {
    const batch = names.slice(start, start + READ_CONCURRENCY);
    const results = await Promise.all(
      batch.map(async (name, j) => {
        const file = join(folder, name);
        try {
          return await readDicomFile(file, { scratch: scratch[j]! });
        } catch (thrown) {
          if (thrown instanceof OpenBmdError && (thrown.code === 'NOT_DICOM' || thrown.code === 'NO_PIXEL_DATA')) {
            skippedFiles.push({ file, reason: thrown.message });
            return undefined;
          }
          throw thrown;
        }
      }),
    );
    for (const image of results) {
      if (image === undefined) continue;
      // The frames may view a scratch buffer that the next batch reuses: into the arena, or copied.
      arena ??= createSliceArena({ perSlice: image.pixel.rows * image.pixel.columns, capacity: names.length });
      image.frames = addToArena(arena, image) ? [] : image.frames.map((f) => f.slice());
      images.push(image);
    }
  }
  if (images.length === 0) throw new OpenBmdError('SERIES', 'folder holds no DICOM image', { file: folder });

  const chosen = chooseSeries(images, folder, options.seriesInstanceUid);
  const first = chosen[0]!;
  for (const image of chosen) checkSameGrid(first, image, folder);
  const orientation = first.imageOrientationPatient;
  if (orientation === undefined) throw new OpenBmdError('SERIES', `${first.file} has no ImageOrientationPatient`, { file: folder });
  const positions = chosen.map((image) => {
    if (image.imagePositionPatient === undefined) throw new OpenBmdError('SERIES', `${image.file} has no ImagePositionPatient`, { file: folder });
    return { file: image.file, positionMm: image.imagePositionPatient };
  });
  const stack = orderSlices(positions, orientation, folder);
  const ordered = stack.order.map((i) => chosen[i]!);
  const spacing = first.pixelSpacing;
  if (spacing === undefined) throw new OpenBmdError('MISSING_SPACING', `${first.file} has no PixelSpacing`, { file: folder });
  const sliceSpacing = Number.isFinite(stack.sliceSpacingMm) ? stack.sliceSpacingMm : (first.sliceThicknessMm ?? 1);

  const data = arenaInOrder(arena!, ordered) ?? stackRescaled(ordered, arena!);
  const rowAxis: Vector3 = [orientation[0], orientation[1], orientation[2]];
  const columnAxis: Vector3 = [orientation[3], orientation[4], orientation[5]];
  const volume = createVolume3D({
    data,
    size: [first.pixel.columns, first.pixel.rows, ordered.length],
    spacingMm: [spacing.rowColumnMm[1], spacing.rowColumnMm[0], sliceSpacing],
    originMm: ordered[0]!.imagePositionPatient!,
    direction: directionFromAxes(rowAxis, columnAxis, stack.normal),
    unit: first.modality === 'CT' ? 'HU' : 'raw',
  });
  const slices = ordered.map(withoutPixels);
  return { folder, volume, slices, skippedFiles };
}

function withoutPixels(image: DicomImage): Omit<DicomImage, 'frames'> {
  const copy: Partial<DicomImage> = { ...image };
  delete copy.frames;
  return copy as Omit<DicomImage, 'frames'>;
}

async function listFiles(folder: string): Promise<string[]> {
  try {
    const entries = await readdir(folder, { withFileTypes: true });
    return entries
      .filter((e) => e.isFile() && !e.name.startsWith('.') && e.name.toUpperCase() !== 'DICOMDIR')
      .map((e) => e.name)
      .sort();
  } catch (thrown) {
    throw new OpenBmdError('FILE_NOT_FOUND', `cannot list folder (${String(thrown)})`, { file: folder });
  }
}

function chooseSeries(images: DicomImage[], folder: string, uid: string | undefined): DicomImage[] {
  const groups = new Map<string, DicomImage[]>();
  for (const image of images) {
    const key = image.seriesInstanceUid ?? '(no SeriesInstanceUID)';
    const group = groups.get(key) ?? [];
    group.push(image);
    groups.set(key, group);
  }
  if (uid !== undefined) {
    const group = groups.get(uid);
    if (group === undefined) throw new OpenBmdError('SERIES', `no series ${uid} in the folder`, { file: folder });
    return group;
  }
  if (groups.size > 1) {
    const list = [...groups.entries()].map(([k, g]) => `${k} (${g.length} files)`).join(', ');
    throw new OpenBmdError('SERIES', `folder holds ${groups.size} series: ${list}; choose one`, { file: folder });
  }
  return [...groups.values()][0]!;
}

function checkSameGrid(reference: DicomImage, image: DicomImage, folder: string): void {
  const p = image.pixel;
  const r = reference.pixel;
  const problems: string[] = [];
  if (p.frames !== 1) problems.push(`has ${p.frames} frames (a series of single-frame slices is expected)`);
  if (p.samplesPerPixel !== 1) problems.push('is not greyscale');
  if (p.rows !== r.rows || p.columns !== r.columns) problems.push(`is ${p.columns}x${p.rows}, ${reference.file} is ${r.columns}x${r.rows}`);
  const o = image.imageOrientationPatient;
  const ro = reference.imageOrientationPatient;
  if (o !== undefined && ro !== undefined && o.some((v, i) => Math.abs(v - ro[i]!) > 1e-4)) problems.push('has a different ImageOrientationPatient');
  const s = image.pixelSpacing?.rowColumnMm;
  const rs = reference.pixelSpacing?.rowColumnMm;
  if (s !== undefined && rs !== undefined && (Math.abs(s[0] - rs[0]) > 1e-4 || Math.abs(s[1] - rs[1]) > 1e-4)) problems.push('has a different PixelSpacing');
  if (problems.length > 0) throw new OpenBmdError('SERIES', `${image.file} ${problems.join('; ')}`, { file: folder });
}

/**
 * Slice values after each slice's own rescale, into int16 when exact, else float32: the path for
 * series the arena could not hold whole (a slice with a fractional rescale, or values beyond int16).
 * Slices in the arena are already rescaled.
 */
function stackRescaled(slices: DicomImage[], arena: SliceArena): PixelArray {
  const perSlice = slices[0]!.pixel.rows * slices[0]!.pixel.columns;
  const source = slices.map((s) => {
    const slot = arena.slotOf.get(s);
    return slot === undefined
      ? { from: s.frames[0]!, ...s.rescale }
      : { from: arena.data.subarray(slot * perSlice, (slot + 1) * perSlice), slope: 1, intercept: 0 };
  });
  if (source.every((s) => Number.isInteger(s.slope) && Number.isInteger(s.intercept))) {
    const out = new Int16Array(perSlice * slices.length);
    if (source.every((s, k) => copyRescaledInt16({ ...s, into: out, at: k * perSlice, count: perSlice }))) return out;
  }
  const out = new Float32Array(perSlice * slices.length);
  source.forEach(({ from, slope, intercept }, k) => {
    for (let i = 0; i < perSlice; i++) out[k * perSlice + i] = slope * from[i]! + intercept;
  });
  return out;
}
