import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Point3 } from '../../core/geometry.js';
import type { SeededRandom } from '../../core/seeded-random.js';
import { writeDxImage } from '../../io/dicom/write/write-dx-image.js';
import { dicomUidFromKey } from '../../io/dicom/write/dicom-uid.js';
import { writeGreyPng } from '../../io/write-png.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import { projectPhantom } from '../../physics/project-phantom.js';
import type { ProjectionGeometry } from '../../physics/projection-geometry.js';
import { detectorWindow, parallelVersion, projectPointToDetector } from '../../physics/projection-geometry.js';
import type { RadiographRoom } from '../radiograph-room.js';
import type { SimulatedCase } from '../case-output.js';
import { personColumns, simulatedStudyDate, writeJsonFile, simulatedStudyIdentity } from '../case-output.js';
import type { SimulatedPerson } from '../person.js';
import { acquireRadiograph, radiographDxFields } from '../radiograph-acquisition.js';
import type { ForearmAnatomy } from './forearm-anatomy.js';
import { FOREARM_MASK, buildForearmAnatomy } from './forearm-anatomy.js';
import type { ForearmOptions } from './forearm-shape-options.js';
import { drawForearmShape } from './forearm-shape.js';

/** The distal-radius ROI square on a detector: corners and a point-in-square test, pixel units. */
export function roiSquare(
  k1: [number, number],
  k2: [number, number],
  proximal: [number, number],
): { corners: [number, number][]; contains: (i: number, j: number) => boolean } {
  const d: [number, number] = [k2[0] - k1[0], k2[1] - k1[1]];
  const side = Math.hypot(d[0], d[1]);
  // Unit normal of the key-point line on the proximal side.
  let n: [number, number] = [-d[1] / side, d[0] / side];
  if (n[0] * proximal[0] + n[1] * proximal[1] < 0) n = [-n[0], -n[1]];
  const corners: [number, number][] = [k1, k2, [k2[0] + side * n[0], k2[1] + side * n[1]], [k1[0] + side * n[0], k1[1] + side * n[1]]];
  return {
    corners,
    contains(i, j) {
      const a = ((i - k1[0]) * d[0] + (j - k1[1]) * d[1]) / (side * side);
      const b = ((i - k1[0]) * n[0] + (j - k1[1]) * n[1]) / side;
      return a >= 0 && a <= 1 && b >= 0 && b <= 1;
    },
  };
}

/**
 * aBMD as DXA defines it: hydroxyapatite mass projected by a parallel (pencil) beam, averaged over
 * the radius pixels of the ROI square built on the two key points, g/cm2.
 */
export function distalRadiusAbmd(anatomy: ForearmAnatomy, geometry: ProjectionGeometry): { abmdGPerCm2: number; bonePixels: number } {
  const parallel = parallelVersion(geometry);
  const k1 = projectPointToDetector(parallel, anatomy.keyPointsMm[0]);
  const k2 = projectPointToDetector(parallel, anatomy.keyPointsMm[1]);
  const square = roiSquare(k1, k2, anatomy.proximalDirection);
  const i0 = Math.max(0, Math.floor(Math.min(...square.corners.map((c) => c[0]))) - 1);
  const i1 = Math.min(geometry.columns - 1, Math.ceil(Math.max(...square.corners.map((c) => c[0]))) + 1);
  const j0 = Math.max(0, Math.floor(Math.min(...square.corners.map((c) => c[1]))) - 1);
  const j1 = Math.min(geometry.rows - 1, Math.ceil(Math.max(...square.corners.map((c) => c[1]))) + 1);
  const window = detectorWindow(parallel, i0, j0, i1, j1);
  const projection = projectPhantom(anatomy.phantom, window, ['hydroxyapatite'], (region) => anatomy.radiusRegions.has(region));
  let sum = 0;
  let count = 0;
  for (let j = 0; j < window.rows; j++) {
    for (let i = 0; i < window.columns; i++) {
      const p = j * window.columns + i;
      if ((projection.maskBits[p]! & FOREARM_MASK.radius) === 0) continue;
      if (!square.contains(i + i0, j + j0)) continue;
      sum += projection.mineralGPerCm2[p]!;
      count += 1;
    }
  }
  return { abmdGPerCm2: count > 0 ? sum / count : NaN, bonePixels: count };
}

export function forearmGeometry(o: ForearmOptions): ProjectionGeometry {
  const columns = Math.round(o.fieldWidthMm / o.pixelSpacingMm);
  const rows = Math.round(o.fieldHeightMm / o.pixelSpacingMm);
  const half = o.pixelSpacingMm / 2;
  return {
    columns,
    rows,
    pixelSpacingMm: o.pixelSpacingMm,
    detectorOriginMm: [half, half, 0],
    uAxis: [1, 0, 0],
    vAxis: [0, 1, 0],
    normal: [0, 0, 1],
    sourceMm: [o.fieldWidthMm / 2, o.fieldHeightMm / 2, o.sourceToDetectorMm],
  };
}

/** Simulates one child's hand/forearm radiograph with the step wedge, and its ground truth. */
export async function simulateForearmCase(
  caseId: string,
  caseIndex: number,
  person: SimulatedPerson,
  vendor: RadiographRoom,
  options: ForearmOptions,
  catalog: MaterialCatalog,
  outDir: string,
  random: SeededRandom,
): Promise<SimulatedCase> {
  const shape = drawForearmShape(
    person,
    { widthMm: options.fieldWidthMm, heightMm: options.fieldHeightMm },
    options.wedge,
    options.maxWedgeRotationDeg,
    random,
    options.limbFamilies,
  );
  const geometry = forearmGeometry(options);
  // Scale the skeleton's mineral so the DXA-defined aBMD meets the person's target (it is linear).
  const unscaled = distalRadiusAbmd(buildForearmAnatomy(shape, options.wedge, 1), geometry);
  const target = (person.targets.distalRadiusAbmd ?? unscaled.abmdGPerCm2) * (options.mineralFactor ?? 1);
  const scale = target / unscaled.abmdGPerCm2;
  const anatomy = buildForearmAnatomy(shape, options.wedge, scale);
  const truth = distalRadiusAbmd(anatomy, geometry);
  const kVp = Math.round((options.kVp ?? vendor.defaultKVp.forearm) + (options.kVp === undefined ? 4 * (random.nextFloat() - 0.5) : 0));
  const radiograph = await acquireRadiograph(
    catalog,
    anatomy.phantom,
    geometry,
    vendor,
    {
      kVp,
      aluminiumMm: 2.5 + random.nextFloat(),
      scatterFraction: 0.08 + 0.06 * random.nextFloat(),
      scatterSigmaMm: 15,
      doseFactor: options.doseFactor,
      ...(options.jpegQuality === undefined ? {} : { jpegQuality: options.jpegQuality }),
    },
    random,
  );
  const { columns, rows } = geometry;
  const bits = radiograph.projection.maskBits;
  // Labels: 0 background, 1 hand/forearm, 2 step wedge; a second mask holds the radius ROI.
  const labels = new Uint8Array(columns * rows);
  for (let p = 0; p < labels.length; p++) labels[p] = bits[p]! & FOREARM_MASK.wedge ? 2 : bits[p]! & FOREARM_MASK.body ? 1 : 0;
  const toImage = (p: Point3): [number, number] => projectPointToDetector(geometry, p);
  const k1 = toImage(anatomy.keyPointsMm[0]);
  const k2 = toImage(anatomy.keyPointsMm[1]);
  const square = roiSquare(k1, k2, anatomy.proximalDirection);
  const roiMask = new Uint8Array(columns * rows);
  let roiSum = 0;
  let roiCount = 0;
  for (let j = 0; j < rows; j++) {
    for (let i = 0; i < columns; i++) {
      const p = j * columns + i;
      if ((bits[p]! & FOREARM_MASK.radius) !== 0 && square.contains(i, j)) {
        roiMask[p] = 1;
        roiSum += radiograph.pixels[p]!;
        roiCount++;
      }
    }
  }
  const studyDate = simulatedStudyDate(caseIndex);
  const imagePath = join('images', `${caseId}.dcm`);
  await mkdir(join(outDir, 'images'), { recursive: true });
  await mkdir(join(outDir, 'masks'), { recursive: true });
  await mkdir(join(outDir, 'landmarks'), { recursive: true });
  await mkdir(join(outDir, 'phantoms'), { recursive: true });
  await mkdir(join(outDir, 'truth'), { recursive: true });
  await writeDxImage(join(outDir, imagePath), {
    ...radiographDxFields(radiograph, vendor, columns, rows),
    imagerPixelSpacingMm: [options.pixelSpacingMm, options.pixelSpacingMm],
    sourceToDetectorMm: options.sourceToDetectorMm,
    sourceToPatientMm: options.sourceToDetectorMm - anatomy.keyPointsMm[0][2],
    kVp,
    bodyPartExamined: 'HAND',
    anatomicRegion: { value: '85562004', meaning: 'Hand' },
    viewPosition: 'PA',
    viewCode: { value: '399066004', meaning: 'postero-anterior' },
    laterality: 'L',
    patientOrientation: ['R', 'F'],
    identity: simulatedStudyIdentity({ person, caseId, studyDate, studyInstanceUid: dicomUidFromKey(`${caseId}/study/${random.nextUint32()}`) }),
    seriesDescription: 'SIMULATED left hand/forearm PA with step wedge',
    createdAt: studyDate,
    sopInstanceUid: dicomUidFromKey(`${caseId}/dx/${random.nextUint32()}`),
    seriesInstanceUid: dicomUidFromKey(`${caseId}/series/${random.nextUint32()}`),
    derivationDescription: 'SIMULATED by openbmd simulate forearm (physics-based digital phantom); not a patient image',
  });
  await writeGreyPng(join(outDir, 'masks', `${caseId}-labels.png`), labels, columns, rows);
  await writeGreyPng(join(outDir, 'masks', `${caseId}-radius-roi.png`), roiMask, columns, rows);
  const phantomPath = join('phantoms', `${caseId}.json`);
  await writeJsonFile(join(outDir, phantomPath), {
    kind: 'step-wedge',
    steps: options.wedge.stepThicknessesMm.map((t) => ({ thicknessMm: t })),
    stepLengthMm: options.wedge.stepLengthMm,
    widthMm: options.wedge.widthMm,
    haMgPerCm3: options.wedge.haMgPerCm3,
  });
  const px = (p: [number, number]): [number, number] => [round3(p[0]), round3(p[1])];
  await writeJsonFile(join(outDir, 'landmarks', `${caseId}.json`), {
    simulated: true,
    coordinates: 'image pixels (column, row), pixel (0, 0) centre = (0, 0)',
    keyPoints: [
      { name: 'distal-radius-radial', pixel: px(k1) },
      { name: 'distal-radius-ulnar', pixel: px(k2) },
    ],
    radiusRoiSquare: square.corners.map(px),
    wedge: {
      corners: anatomy.wedgeCornersMm.map((c) => px(toImage(c))),
      stepCenters: anatomy.stepCentersMm.map((c) => px(toImage(c))),
      angleDeg: round3((shape.wedge.angleRad * 180) / Math.PI),
    },
  });
  await writeJsonFile(join(outDir, 'truth', `${caseId}.json`), {
    simulated: true,
    caseId,
    forearmAbmdGPerCm2: truth.abmdGPerCm2,
    definition: 'hydroxyapatite mass projected by a parallel beam, mean over radius pixels of the ROI square on the two distal-radius key points',
    roiBonePixels: truth.bonePixels,
    mineralScale: scale,
    vendor: vendor.id,
    kVp,
    processing: radiograph.record,
    clutter: radiograph.clutter,
    jpeg: radiograph.jpegRatio === undefined ? null : { quality: options.jpegQuality, ratio: radiograph.jpegRatio },
    shape,
  });
  return {
    row: {
      case_id: caseId,
      ...personColumns(person),
      site: 'forearm',
      image: imagePath,
      view: 'PA',
      phantom: phantomPath,
      forearm_abmd: truth.abmdGPerCm2.toFixed(4),
    },
    facts: { vendor: vendor.id, kVp, roiRawMean: roiCount > 0 ? roiSum / roiCount : NaN, abmd: truth.abmdGPerCm2 },
  };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
