import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenBmdError } from '../../core/errors.js';
import { readNumber, readString } from '../../io/dicom/dataset-values.js';
import { dicomFrameToImage2D } from '../../io/dicom/dicom-to-image2d.js';
import { parseDicom } from '../../io/dicom/parse-dicom.js';
import { readDicomFile } from '../../io/dicom/read-dicom.js';
import { TAG } from '../../io/dicom/tags.js';
import { displayWindow } from '../../report/radiograph-display.js';

/** The preview's longest side at most this many pixels (box means over whole blocks). */
const MAX_PREVIEW_PX = 1024;

/** A study's source image for the viewer: values in their unit (HU for CT), reduced to at most 1024 px. */
export interface SourcePreview {
  columns: number;
  rows: number;
  values: Float32Array;
  unit: string;
  /** The DICOM's own window where it has one, else the 0.5th-99.5th percentiles. */
  window: { center: number; width: number };
  /** Which image it is, in words: the file, or the slice of a series. */
  what: string;
  /** For a CT series: the slice shown (0-based, by InstanceNumber) and how many there are. */
  slice: { index: number; count: number } | undefined;
}

/** Series whose slice order is remembered: scrolling asks for one slice at a time. */
const REMEMBERED_SERIES = 16;
const sliceOrders = new Map<string, string[]>();

/**
 * An upload's CT slices in InstanceNumber order (empty when it holds none), read once per upload:
 * a stored upload never changes, and each slice the viewer asks for would otherwise parse them all.
 */
function ctSliceOrder(dir: string, names: readonly string[]): string[] {
  const known = sliceOrders.get(dir);
  if (known !== undefined) return known;
  const slices: { name: string; instance: number }[] = [];
  for (const name of names) {
    try {
      const ds = parseDicom(new Uint8Array(readFileSync(join(dir, name))), name).dataSet;
      if (readString(ds, TAG.modality)?.trim().toUpperCase() === 'CT')
        slices.push({ name, instance: readNumber(ds, TAG.instanceNumber, name) ?? slices.length });
    } catch {
      // Not DICOM: not shown.
    }
  }
  const order = slices.sort((a, b) => a.instance - b.instance).map((x) => x.name);
  if (sliceOrders.size >= REMEMBERED_SERIES) sliceOrders.delete(sliceOrders.keys().next().value!);
  sliceOrders.set(dir, order);
  return order;
}

/**
 * The image to show of an upload: its only file; for a CT series the slice asked for (by
 * InstanceNumber order), by default the middle one; else the first (the AP of AP + lateral).
 */
function chooseFile(o: { dir: string; names: readonly string[]; slice: number | undefined }): {
  name: string;
  what: string;
  slice: SourcePreview['slice'];
} {
  const first = { name: o.names[0]!, what: o.names[0]!, slice: undefined };
  if (o.names.length === 1) return first;
  const slices = ctSliceOrder(o.dir, o.names);
  if (slices.length === 0) return first;
  const index = Math.min(slices.length - 1, Math.max(0, o.slice ?? Math.floor(slices.length / 2)));
  return { name: slices[index]!, what: `slice ${index + 1} of ${slices.length} (${slices[index]!})`, slice: { index, count: slices.length } };
}

/** The source image of an upload as the viewer shows it (OpenBmdError when it cannot be read). */
export async function sourcePreview(o: { dir: string; names: readonly string[]; slice?: number | undefined }): Promise<SourcePreview> {
  if (o.names.length === 0) throw new OpenBmdError('EMPTY_INPUT', 'the study has no file');
  const chosen = chooseFile({ ...o, slice: o.slice });
  const dicom = await readDicomFile(join(o.dir, chosen.name));
  const image = dicomFrameToImage2D(dicom);
  const [columns, rows] = image.size;
  const factor = Math.max(1, Math.ceil(Math.max(columns, rows) / MAX_PREVIEW_PX));
  const outColumns = Math.floor(columns / factor);
  const outRows = Math.floor(rows / factor);
  const values = new Float32Array(outColumns * outRows);
  for (let y = 0; y < outRows; y++)
    for (let x = 0; x < outColumns; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) for (let dx = 0; dx < factor; dx++) sum += Number(image.data[(y * factor + dy) * columns + x * factor + dx]);
      values[y * outColumns + x] = sum / (factor * factor);
    }
  const own = dicom.windows[0];
  const { low, high } = displayWindow(image);
  return {
    columns: outColumns,
    rows: outRows,
    values,
    unit: image.unit,
    window: own !== undefined && own.width > 0 ? own : { center: (low + high) / 2, width: Math.max(1, high - low) },
    what: chosen.what,
    slice: chosen.slice,
  };
}
