import { OpenBmdError } from '../../core/errors.js';
import type { Volume3D } from '../../core/volume3d.js';
import { createVolume3D } from '../../core/volume3d.js';
import type { DicomIdentity } from '../dicom/write/dicom-identity.js';
import { readDicomSeries } from '../dicom/series/read-series.js';
import { readNifti } from '../nifti.js';

/** The flag of a series with intravenous contrast in it (named by the DICOM or read off the image). */
export const CONTRAST_ENHANCED = 'contrast-enhanced';

/** What a method needs of a CT's extent, and why (said when a volume is refused). */
export interface CtCoverageNeed {
  minCoverageMm: number;
  minSlices: number;
  /** Completes "at least N slices over M mm are needed ...", e.g. "to hold two vertebrae". */
  reason: string;
}
/** How far the slice normal may lean from the patient's long axis for the series to count as axial. */
export const MAX_AXIAL_DEVIATION_DEG = 10;

export interface CtSeriesInfo {
  folder: string;
  seriesInstanceUid: string | undefined;
  frameOfReferenceUid: string | undefined;
  studyInstanceUid: string | undefined;
  seriesDescription: string | undefined;
  manufacturer: string | undefined;
  model: string | undefined;
  kvp: number | undefined;
  contrastBolusAgent: string | undefined;
  sliceThicknessMm: number | undefined;
  coverageMm: number;
  identity: DicomIdentity;
  /** SOP Instance UIDs of the slices in canonical order (k = 0 inferior), for the SEG's references. */
  sliceSopInstanceUids: (string | undefined)[];
  sopClassUid: string | undefined;
}

/** An axial CT series in the pipeline's canonical frame: +i = patient left, +j = posterior, +k = superior (LPS), values in HU. */
export interface CtVolumeRead {
  volume: Volume3D;
  info: CtSeriesInfo;
  /** Conditions that do not stop the measurement but qualify it (e.g. contrast-enhanced). */
  qcFlags: string[];
}

/**
 * Reads and checks a CT series folder: CT, not a localiser, axial, long enough for the method;
 * duplicate or missing slices, gantry tilt and damaged files are refused by the series reader,
 * naming the file. Contrast (ContrastBolusAgent) is a QC flag: iodine raises the HU of cancellous
 * bone, so a density from a contrast phase reads high.
 */
export async function readCtSeriesFolder(folder: string, need: CtCoverageNeed): Promise<CtVolumeRead> {
  const series = await readDicomSeries(folder);
  const first = series.slices[0]!;
  if (first.modality !== undefined && first.modality !== 'CT')
    throw new OpenBmdError('UNSUPPORTED', `the series is ${first.modality}, not CT`, { file: folder });
  if (first.imageType.includes('LOCALIZER') || series.slices.length < 3) {
    throw new OpenBmdError(
      'UNSUPPORTED',
      `the series is a localiser (scout) image, not an axial CT series (ImageType ${first.imageType.join('\\') || 'absent'}, ${series.slices.length} slice(s))`,
      { file: folder },
    );
  }
  const d = series.volume.direction;
  refuseNonAxial(d, folder, 'the series');
  const volume = canonicalVolume(series.volume, folder);
  const coverageMm = coverageOf(volume, folder, 'the series', need);
  const qcFlags: string[] = [];
  const agent = series.slices.find((s) => s.contrastBolusAgent !== undefined && s.contrastBolusAgent.trim() !== '')?.contrastBolusAgent?.trim();
  if (agent !== undefined) qcFlags.push(CONTRAST_ENHANCED);
  const slices = d[8] > 0 ? series.slices : [...series.slices].reverse();
  return {
    volume,
    qcFlags,
    info: {
      folder,
      seriesInstanceUid: first.seriesInstanceUid,
      frameOfReferenceUid: first.frameOfReferenceUid,
      studyInstanceUid: first.studyInstanceUid,
      seriesDescription: first.seriesDescription,
      manufacturer: first.acquisition.manufacturer,
      model: first.acquisition.model,
      kvp: first.acquisition.kvp,
      contrastBolusAgent: agent,
      sliceThicknessMm: first.sliceThicknessMm,
      coverageMm,
      identity: first.identity,
      sliceSopInstanceUids: slices.map((s) => s.sopInstanceUid),
      sopClassUid: first.sopClassUid,
    },
  };
}

/** Refuses slices leaning more than MAX_AXIAL_DEVIATION_DEG from axial (the direction's third column is the slice normal). */
function refuseNonAxial(direction: Volume3D['direction'], file: string, what: string): void {
  const deviationDeg = (Math.acos(Math.min(1, Math.abs(direction[8]))) * 180) / Math.PI;
  if (deviationDeg > MAX_AXIAL_DEVIATION_DEG) {
    throw new OpenBmdError(
      'UNSUPPORTED',
      `${what} is not axial: its slices lie ${deviationDeg.toFixed(0)} degrees off the axial plane (reformat or choose the axial series)`,
      {
        file,
      },
    );
  }
}

/** The craniocaudal coverage of a canonical volume, mm; shorter than the method needs is refused. */
function coverageOf(volume: Volume3D, file: string, what: string, need: CtCoverageNeed): number {
  const coverageMm = volume.size[2] * volume.spacingMm[2];
  if (coverageMm < need.minCoverageMm || volume.size[2] < need.minSlices) {
    throw new OpenBmdError(
      'UNSUPPORTED',
      `${what} is too short: ${volume.size[2]} slices over ${coverageMm.toFixed(0)} mm; at least ${need.minSlices} slices over ${need.minCoverageMm} mm are needed ${need.reason}`,
      { file },
    );
  }
  return coverageMm;
}

/** The HU a CT volume's air and dense bone or metal reach: a NIfTI outside them is not a CT in HU (a mask, a normalised image). */
const MAX_AIR_HU = -850;
const MIN_BONE_HU = 300;

/**
 * Reads a CT volume from NIfTI-1 (research data sets, converted archives): the same checks as a
 * series (axial, long enough), values that look like HU, and no DICOM metadata (no scanner, kVp,
 * UIDs or patient: the result and its QC flags say so).
 */
export async function readCtNiftiVolume(file: string, need: CtCoverageNeed): Promise<CtVolumeRead> {
  const raw = await readNifti(file, { unit: 'HU' });
  if (raw.size[2] < 2) throw new OpenBmdError('UNSUPPORTED', `is a 2-D image (${raw.size[0]} x ${raw.size[1]}); a CT volume is needed`, { file });
  refuseNonAxial(raw.direction, file, 'the volume');
  let min = Infinity;
  let max = -Infinity;
  for (let p = 0; p < raw.data.length; p++) {
    const v = Number(raw.data[p]);
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!(min <= MAX_AIR_HU && max >= MIN_BONE_HU)) {
    throw new OpenBmdError(
      'INVALID_VALUE',
      `does not look like a CT in Hounsfield units (values ${min} to ${max}; air below ${MAX_AIR_HU} and bone above ${MIN_BONE_HU} are expected)`,
      { file },
    );
  }
  const volume = canonicalVolume(raw, file);
  const coverageMm = coverageOf(volume, file, 'the volume', need);
  return {
    volume,
    qcFlags: ['no-dicom-metadata'],
    info: {
      folder: file,
      seriesInstanceUid: undefined,
      frameOfReferenceUid: undefined,
      studyInstanceUid: undefined,
      seriesDescription: undefined,
      manufacturer: undefined,
      model: undefined,
      kvp: undefined,
      contrastBolusAgent: undefined,
      sliceThicknessMm: volume.spacingMm[2],
      coverageMm,
      identity: {},
      sliceSopInstanceUids: [],
      sopClassUid: undefined,
    },
  };
}

/**
 * The volume with each axis flipped where it runs against the canonical direction (+x, +y, +z), so
 * every later stage can index left-right, anterior-posterior and inferior-superior directly. Rows
 * and columns along other patient axes (a rotated in-plane orientation) are refused.
 */
export function canonicalVolume(volume: Volume3D, folder: string): Volume3D {
  const d = volume.direction;
  // Column a of the direction matrix is the patient direction of axis a; its dominant component must be axis a.
  const signs = [0, 1, 2].map((axis) => {
    const component = d[axis * 3 + axis]!;
    if (Math.abs(component) < 0.9)
      throw new OpenBmdError('UNSUPPORTED', 'the in-plane orientation is rotated (rows or columns do not run left-right and anterior-posterior)', {
        file: folder,
      });
    return component > 0 ? 1 : -1;
  }) as [number, number, number];
  if (signs.every((s) => s === 1)) return volume;
  const [nx, ny, nz] = volume.size;
  const data = new Float32Array(nx * ny * nz);
  for (let k = 0; k < nz; k++) {
    const sk = signs[2] > 0 ? k : nz - 1 - k;
    for (let j = 0; j < ny; j++) {
      const sj = signs[1] > 0 ? j : ny - 1 - j;
      for (let i = 0; i < nx; i++) {
        const si = signs[0] > 0 ? i : nx - 1 - i;
        data[i + nx * (j + ny * k)] = volume.data[si + nx * (sj + ny * sk)]!;
      }
    }
  }
  const origin: [number, number, number] = [
    volume.originMm[0] +
      (signs[0] < 0 ? d[0] * (nx - 1) * volume.spacingMm[0] : 0) +
      (signs[1] < 0 ? d[1] * (ny - 1) * volume.spacingMm[1] : 0) +
      (signs[2] < 0 ? d[2] * (nz - 1) * volume.spacingMm[2] : 0),
    volume.originMm[1] +
      (signs[0] < 0 ? d[3] * (nx - 1) * volume.spacingMm[0] : 0) +
      (signs[1] < 0 ? d[4] * (ny - 1) * volume.spacingMm[1] : 0) +
      (signs[2] < 0 ? d[5] * (nz - 1) * volume.spacingMm[2] : 0),
    volume.originMm[2] +
      (signs[0] < 0 ? d[6] * (nx - 1) * volume.spacingMm[0] : 0) +
      (signs[1] < 0 ? d[7] * (ny - 1) * volume.spacingMm[1] : 0) +
      (signs[2] < 0 ? d[8] * (nz - 1) * volume.spacingMm[2] : 0),
  ];
  const direction = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((e) => d[e]! * signs[e % 3]!) as unknown as Volume3D['direction'];
  return createVolume3D({ data, size: volume.size, spacingMm: volume.spacingMm, originMm: origin, direction, unit: volume.unit });
}
