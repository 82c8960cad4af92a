import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { OpenBmdError } from '../../../core/errors.js';
import type { Point3 } from '../../../core/geometry.js';
import type { DicomIdentity } from './dicom-identity.js';
import { dicomUidFromKey } from './dicom-uid.js';
import { writeCtSlice } from './write-ct-slice.js';

export interface CtSeriesOptions {
  /** HU, standard layout i + columns * (j + rows * k), k along +z (superior). */
  hu: Int16Array;
  columns: number;
  rows: number;
  slices: number;
  /** In-plane spacing and slice spacing (= thickness: contiguous slices), mm. */
  pixelSpacingMm: number;
  sliceThicknessMm: number;
  /** Centre of voxel (0, 0, 0), patient frame (LPS), axial slices. */
  originMm: Point3;
  storage: 'signed' | 'unsigned-1024';
  /** Seeds every UID, so the same key writes the same series. */
  uidKey: string;
  identity: DicomIdentity;
  createdAt: Date;
  kVp: number;
  /** ContrastBolusAgent (0018,0010), when the series is contrast-enhanced and says so. */
  contrastBolusAgent?: string;
  tubeCurrentMA: number;
  convolutionKernel: string;
  manufacturer: string;
  manufacturerModelName: string;
  seriesDescription: string;
  bodyPartExamined: string;
  derivationDescription?: string;
}

/**
 * Writes an axial CT series, one file per slice (ct-0001.dcm at the top, as a head-first supine
 * scan is acquired), with consistent frame of reference, positions and instance numbers. File
 * names are ours; nothing from the data set goes into a path.
 */
export async function writeCtSeries(dir: string, o: CtSeriesOptions): Promise<string[]> {
  const plane = o.columns * o.rows;
  if (o.hu.length !== plane * o.slices)
    throw new OpenBmdError('INTERNAL', `CT series: ${o.hu.length} values for ${o.columns}x${o.rows}x${o.slices}`, { file: dir });
  await mkdir(dir, { recursive: true });
  const seriesInstanceUid = dicomUidFromKey(`${o.uidKey}/series`);
  const frameOfReferenceUid = dicomUidFromKey(`${o.uidKey}/frame`);
  const files: string[] = [];
  const digits = Math.max(4, String(o.slices).length);
  for (let n = 0; n < o.slices; n++) {
    const k = o.slices - 1 - n;
    const hu = o.hu.subarray(k * plane, (k + 1) * plane);
    let stored: Int16Array | Uint16Array = hu;
    if (o.storage === 'unsigned-1024') {
      stored = new Uint16Array(plane);
      for (let p = 0; p < plane; p++) stored[p] = hu[p]! + 1024;
    }
    const file = join(dir, `ct-${String(n + 1).padStart(digits, '0')}.dcm`);
    await writeCtSlice(file, {
      stored,
      columns: o.columns,
      rows: o.rows,
      rescaleIntercept: o.storage === 'signed' ? 0 : -1024,
      rescaleSlope: 1,
      pixelSpacingMm: [o.pixelSpacingMm, o.pixelSpacingMm],
      sliceThicknessMm: o.sliceThicknessMm,
      imagePositionMm: [o.originMm[0], o.originMm[1], o.originMm[2] + k * o.sliceThicknessMm],
      imageOrientation: [1, 0, 0, 0, 1, 0],
      instanceNumber: n + 1,
      kVp: o.kVp,
      ...(o.contrastBolusAgent === undefined ? {} : { contrastBolusAgent: o.contrastBolusAgent }),
      tubeCurrentMA: o.tubeCurrentMA,
      convolutionKernel: o.convolutionKernel,
      bodyPartExamined: o.bodyPartExamined,
      manufacturer: o.manufacturer,
      manufacturerModelName: o.manufacturerModelName,
      frameOfReferenceUid,
      seriesInstanceUid,
      sopInstanceUid: dicomUidFromKey(`${o.uidKey}/slice/${n + 1}`),
      seriesDescription: o.seriesDescription,
      identity: o.identity,
      createdAt: o.createdAt,
      window: { center: 40, width: 400 },
      ...(o.derivationDescription === undefined ? {} : { derivationDescription: o.derivationDescription }),
    });
    files.push(file);
  }
  return files;
}
