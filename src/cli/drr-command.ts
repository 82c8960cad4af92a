import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenBmdError } from '../core/errors.js';
import type { Point3, Vector3 } from '../core/geometry.js';
import { cross, directionFromAxes, normalize } from '../core/geometry.js';
import type { Volume3D } from '../core/volume3d.js';
import { createVolume3D, volumeIndexToPointMm } from '../core/volume3d.js';
import { readNifti, writeNifti } from '../io/nifti.js';
import { encodePng } from '../io/png-encode.js';
import { loadMaterialCatalog } from '../physics/material-catalog.js';
import { ctAttenuationPerMm } from '../physics/drr/ct-attenuation.js';
import type { DrrGeometry, DrrRays } from '../physics/drr/drr-geometry.js';
import { drrRays } from '../physics/drr/drr-geometry.js';
import { renderDrrParallel, sharedValues, startDrrWorkers, stopDrrWorkers } from '../physics/drr/render-drr-parallel.js';

/** What each voxel contributes per mm of ray: the beam's attenuation from its HU, or its value as stored. */
export type DrrValues = 'attenuation' | 'none';

export interface DrrCommandOptions {
  input: string;
  outDir: string;
  values: DrrValues;
  /** The radiograph beam's effective energy, keV (attenuation only). */
  beamKeV: number;
  /** The CT's effective energy, keV (attenuation only). */
  ctKeV: number;
  /** A label or mask volume on the input's grid: only voxels where it is non-zero (or one of `maskLabels`) are projected. */
  mask: string | undefined;
  maskLabels: number[] | undefined;
  sourceToIsocenterMm: number;
  sourceToDetectorMm: number;
  /** Default: the centre of the volume. */
  isocenterMm: Point3 | undefined;
  towardSource: Vector3;
  up: Vector3;
  rows: number;
  columns: number;
  pixelMm: [number, number];
  /** Worker threads casting the rays (default: the cores). */
  threads: number | undefined;
}

export interface DrrCommandResult {
  files: string[];
  lines: string[];
}

/** A CT series folder or a NIfTI volume, as HU (or whatever the NIfTI holds, for `--values none`). */
async function readVolume(input: string): Promise<Volume3D> {
  let isFolder: boolean;
  try {
    isFolder = statSync(input).isDirectory();
  } catch {
    throw new OpenBmdError('FILE_NOT_FOUND', 'no such file or folder', { file: input });
  }
  if (!isFolder) return readNifti(input, { unit: 'HU' });
  // Loaded only for a series: the DICOM reader is a fair part of a NIfTI DRR's start-up.
  const { readDicomSeries } = await import('../io/dicom/series/read-series.js');
  const series = await readDicomSeries(input);
  const modality = series.slices[0]?.modality;
  if (modality !== undefined && modality !== 'CT') throw new OpenBmdError('UNSUPPORTED', `the series is ${modality}, not CT`, { file: input });
  return series.volume;
}

/** perMm at every whole value from -32768 to 32767, index value + 32768: the model once per value a 16-bit CT can hold. */
function wholeValueTable(perMm: (value: number) => number): Float32Array {
  const table = new Float32Array(65536);
  for (let v = 0; v < 65536; v++) table[v] = perMm(v - 32768);
  return table;
}

/**
 * Float voxels through the table where they hold whole values (as float NIfTI CTs mostly do), the
 * model for the rest. Its own function so the loop compiles for Float32Array alone.
 */
function floatVoxelValues(data: Float32Array, values: Float32Array, table: Float32Array, perMm: (value: number) => number): void {
  for (let p = 0; p < values.length; p++) {
    const v = data[p]!;
    const index = v + 32768;
    values[p] = (index | 0) === index && index >= 0 && index < 65536 ? table[index]! : perMm(v);
  }
}

/** Each voxel's contribution per mm, masked. */
function voxelValues(volume: Volume3D, o: DrrCommandOptions, mask: Volume3D | undefined): Float32Array {
  const perMm = o.values === 'attenuation' ? ctAttenuationPerMm({ catalog: loadMaterialCatalog(), beamKeV: o.beamKeV, ctKeV: o.ctKeV }) : (v: number) => v;
  const labels = o.maskLabels === undefined ? undefined : new Set(o.maskLabels);
  const values = sharedValues(volume.data.length);
  const data = volume.data;
  const table = wholeValueTable(perMm);
  if (mask === undefined && data instanceof Int16Array) {
    for (let p = 0; p < values.length; p++) values[p] = table[data[p]! + 32768]!;
    return values;
  }
  if (mask === undefined && data instanceof Float32Array) {
    floatVoxelValues(data, values, table, perMm);
    return values;
  }
  const valueOf = (v: number): number => (Number.isInteger(v) && v >= -32768 && v < 32768 ? table[v + 32768]! : perMm(v));
  for (let p = 0; p < values.length; p++) {
    if (mask !== undefined) {
      const label = Number(mask.data[p]);
      if (labels === undefined ? label === 0 : !labels.has(label)) continue;
    }
    values[p] = valueOf(Number(data[p]));
  }
  return values;
}

/** Bins of the display histogram: the percentiles to 1/4096 of the image's range, finer than 8 bits show. */
const DISPLAY_BINS = 4096;

/**
 * 1st-99.5th percentile of the non-zero pixels -> 0-255 (high line integrals bright, as bone on a
 * radiograph), the percentiles read from a histogram (two passes, no sort), and the largest value.
 */
function displayBytes(drr: Float32Array): { bytes: Uint8Array; max: number } {
  let max = 0;
  let min = Infinity;
  for (let p = 0; p < drr.length; p++) {
    const v = drr[p]!;
    if (v > max) max = v;
    if (v > 0 && v < min) min = v;
  }
  const bytes = new Uint8ClampedArray(drr.length);
  if (!(max > min)) return { bytes: new Uint8Array(bytes.buffer), max };
  const counts = new Float64Array(DISPLAY_BINS);
  const perBin = (max - min) / DISPLAY_BINS;
  let positive = 0;
  for (let p = 0; p < drr.length; p++) {
    const v = drr[p]!;
    if (v <= 0) continue;
    counts[Math.min(DISPLAY_BINS - 1, Math.floor((v - min) / perBin))]! += 1;
    positive++;
  }
  const percentile = (q: number): number => {
    let seen = 0;
    for (let b = 0; b < DISPLAY_BINS; b++) {
      seen += counts[b]!;
      if (seen >= q * positive) return min + (b + 0.5) * perBin;
    }
    return max;
  };
  const [low, high] = [percentile(0.01), percentile(0.995)];
  const scale = 255 / (high > low ? high - low : 1);
  // A clamped array rounds and clips as it stores.
  for (let p = 0; p < drr.length; p++) bytes[p] = (drr[p]! - low) * scale;
  return { bytes: new Uint8Array(bytes.buffer), max };
}

/** The volume (and mask) read, the rays of the geometry and each voxel's value. */
async function prepareDrr(o: DrrCommandOptions): Promise<{ volume: Volume3D; geometry: DrrGeometry; rays: DrrRays; values: Float32Array }> {
  const volume = await readVolume(o.input);
  const mask = o.mask === undefined ? undefined : await readNifti(o.mask);
  if (mask !== undefined && mask.size.some((n, i) => n !== volume.size[i]))
    throw new OpenBmdError('INCONSISTENT', `the mask is ${mask.size.join(' x ')} voxels, the volume ${volume.size.join(' x ')}`, { file: o.mask });
  const [nx, ny, nz] = volume.size;
  const isocenterMm = o.isocenterMm ?? volumeIndexToPointMm(volume, (nx - 1) / 2, (ny - 1) / 2, (nz - 1) / 2);
  const geometry: DrrGeometry = {
    sourceToIsocenterMm: o.sourceToIsocenterMm,
    sourceToDetectorMm: o.sourceToDetectorMm,
    isocenterMm,
    towardSource: o.towardSource,
    up: o.up,
    rows: o.rows,
    columns: o.columns,
    pixelMm: o.pixelMm,
  };
  return { volume, geometry, rays: drrRays(geometry), values: voxelValues(volume, o, mask) };
}

/**
 * `openbmd drr`: a digitally reconstructed radiograph of a CT series or NIfTI volume for a point
 * source and a flat detector, by exact ray casting (Siddon). Writes drr.nii.gz (the line integrals,
 * placed in the detector plane in the patient frame), drr.png (for looking at) and drr.json (the
 * geometry, the values model and its constants).
 */
export async function runDrrCommand(o: DrrCommandOptions): Promise<DrrCommandResult> {
  // The threads start while the volume is read (they take tens of ms each), and stop if it cannot be projected.
  const workers = startDrrWorkers(o.threads);
  let prepared: Awaited<ReturnType<typeof prepareDrr>>;
  try {
    prepared = await prepareDrr(o);
  } catch (error) {
    stopDrrWorkers(workers);
    throw error;
  }
  const { volume, geometry, rays, values } = prepared;
  const started = performance.now();
  const drr = await renderDrrParallel({ volume, values, rays, workers });
  const seconds = (performance.now() - started) / 1000;

  mkdirSync(o.outDir, { recursive: true });
  // The image in the detector plane: columns along +column, rows along +row, normal toward the source.
  const right = normalize(rays.columnStepMm);
  const down = normalize(rays.rowStepMm);
  const image = createVolume3D({
    data: drr,
    size: [o.columns, o.rows, 1],
    spacingMm: [o.pixelMm[1], o.pixelMm[0], 1],
    originMm: rays.firstPixelMm,
    direction: directionFromAxes(right, down, cross(right, down)),
    unit: 'raw',
  });
  const niftiFile = join(o.outDir, 'drr.nii.gz');
  // The NIfTI compresses on the thread pool while the picture is encoded here.
  const niftiWritten = writeNifti(niftiFile, image, o.values === 'attenuation' ? 'openbmd DRR: line integral of mu' : 'openbmd DRR: line integral, value x mm');
  const pngFile = join(o.outDir, 'drr.png');
  const { bytes, max } = displayBytes(drr);
  writeFileSync(pngFile, encodePng({ width: o.columns, height: o.rows, channels: 1, data: bytes }));
  await niftiWritten;
  const description = {
    input: o.input,
    volume: { size: volume.size, spacingMm: volume.spacingMm },
    geometry: { ...geometry, sourceMm: rays.sourceMm, firstPixelMm: rays.firstPixelMm, rowStepMm: rays.rowStepMm, columnStepMm: rays.columnStepMm },
    values:
      o.values === 'attenuation'
        ? {
            model: 'HU -> mu per mm: water diluted by air at or below 0 HU, water plus hydroxyapatite above (NIST XCOM mass attenuation, data/physics)',
            beamKeV: o.beamKeV,
            ctKeV: o.ctKeV,
            unit: 'line integral of mu (dimensionless); the transmitted fraction is exp(-value)',
          }
        : { model: 'the voxel values as stored', unit: 'value x mm' },
    mask: o.mask === undefined ? null : { file: o.mask, labels: o.maskLabels ?? 'non-zero' },
    algorithm: 'exact path lengths through each voxel (Siddon 1985; Jacobs et al. 1998), voxels as boxes around their centres',
    maxValue: max,
    seconds,
  };
  const jsonFile = join(o.outDir, 'drr.json');
  writeFileSync(jsonFile, `${JSON.stringify(description, null, 2)}\n`);
  return {
    files: [niftiFile, pngFile, jsonFile],
    lines: [
      `DRR ${o.rows} x ${o.columns} (${o.pixelMm[0]} x ${o.pixelMm[1]} mm) of ${volume.size.join(' x ')} voxels in ${seconds.toFixed(2)} s; largest line integral ${max.toFixed(3)}`,
    ],
  };
}
