import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Point3 } from '../../core/geometry.js';
import { SeededRandom, seedFromText } from '../../core/seeded-random.js';
import { interpretMeasurement, loadClinicalKnowledge } from '../../clinical/index.js';
import { writeDxImage } from '../../io/dicom/write/write-dx-image.js';
import { dicomUidFromKey } from '../../io/dicom/write/dicom-uid.js';
import { writeGreyPng } from '../../io/write-png.js';
import type { MaterialCatalog } from '../../physics/material-catalog.js';
import { projectedTrabecularTexture, textureFromVbmd } from '../../physics/projected-trabecular-texture.js';
import type { ProjectionGeometry } from '../../physics/projection-geometry.js';
import { projectPointToDetector } from '../../physics/projection-geometry.js';
import type { RadiographRoom } from '../radiograph-room.js';
import type { SimulatedCase } from '../case-output.js';
import { personColumns, simulatedStudyDate, targetFacts, writeJsonFile, simulatedStudyIdentity } from '../case-output.js';
import type { SimulatedPerson } from '../person.js';
import type { AcquisitionOptions, Radiograph } from '../radiograph-acquisition.js';
import { acquireRadiograph, radiographDxFields } from '../radiograph-acquisition.js';
import { along } from '../spine/spine-anatomy.js';
import type { SpineShape } from '../spine/spine-shape.js';
import { drawSpineShape } from '../spine/spine-shape.js';
import { ALL_SPINE_LEVELS, SACRUM_CODE, SACRUM_MASK_BIT, verseCode } from '../spine/spine-levels.js';
import type { TorsoAnatomy } from '../trunk/torso-anatomy.js';
import { buildTorsoAnatomy } from '../trunk/torso-anatomy.js';
import type { LumbarOptions } from './lumbar-options.js';
import { dxaRoiBoxes, lumbarDxa, totalAbmd } from './lumbar-dxa-truth.js';

/** The levels with landmarks, where the spine has them (L5 is part of the sacrum in a sacralised spine; L6 exists in a lumbarised one). */
const LANDMARK_LEVELS = ['T12', 'L1', 'L2', 'L3', 'L4', 'L5', 'L6'] as const;

/** AP (source in front, detector behind the table) and left lateral geometries centred on L3. */
export function lumbarGeometries(anatomy: TorsoAnatomy, spine: SpineShape, o: LumbarOptions): { ap: ProjectionGeometry; lat: ProjectionGeometry } {
  const l3 = spine.vertebrae.find((v) => v.level === 'L3')!;
  const columns = Math.round(o.fieldWidthMm / o.pixelSpacingMm);
  const rows = Math.round(o.fieldHeightMm / o.pixelSpacingMm);
  const s = o.pixelSpacingMm;
  const halfW = ((columns - 1) / 2) * s;
  const halfH = ((rows - 1) / 2) * s;
  const detectorY = anatomy.body.backYMm + 70;
  const ap: ProjectionGeometry = {
    columns,
    rows,
    pixelSpacingMm: s,
    detectorOriginMm: [l3.centerMm[0] - halfW, detectorY, l3.centerMm[2] + halfH],
    uAxis: [1, 0, 0],
    vAxis: [0, 0, -1],
    normal: [0, -1, 0],
    sourceMm: [l3.centerMm[0], detectorY - o.sourceToDetectorMm, l3.centerMm[2]],
  };
  const detectorX = anatomy.body.semiMm[0] + 40;
  const lat: ProjectionGeometry = {
    columns,
    rows,
    pixelSpacingMm: s,
    detectorOriginMm: [detectorX, l3.centerMm[1] - halfW, l3.centerMm[2] + halfH],
    uAxis: [0, 1, 0],
    vAxis: [0, 0, -1],
    normal: [-1, 0, 0],
    sourceMm: [detectorX - o.sourceToDetectorMm, l3.centerMm[1], l3.centerMm[2]],
  };
  return { ap, lat };
}

/**
 * One adult's AP and lateral lumbar radiographs (T12-L5 with posterior elements, discs, the trunk,
 * iliac wings; osteophytes, aortic calcification and bowel gas where drawn), and the L1-L4 aBMD as
 * DXA defines it. The spine's mineral is scaled so that the DXA value meets the person's target,
 * the confounders in the ROI included, as they are in a real DXA scan.
 */
export async function simulateLumbarCase(
  caseId: string,
  caseIndex: number,
  person: SimulatedPerson,
  vendor: RadiographRoom,
  options: LumbarOptions,
  catalog: MaterialCatalog,
  outDir: string,
  random: SeededRandom,
): Promise<SimulatedCase> {
  const spine = drawSpineShape(
    person,
    {
      fractureShare: options.fractureShare,
      osteophyteShare: options.osteophyteShare,
      pedicleScrewShare: options.pedicleScrewShare,
      segmentationVariants: options.segmentationVariants,
    },
    random,
  );
  const t12 = spine.vertebrae.find((v) => v.level === 'T12')!;
  // The lowest mobile vertebra: L5, or L4 above a sacralised L5, or a mobile L6.
  const lowest = spine.vertebrae.reduce((low, v) => (v.centerMm[2] < low.centerMm[2] ? v : low));
  const zRange: [number, number] = [lowest.centerMm[2] - 260, t12.centerMm[2] + 220];
  const anatomySeed = random.nextUint32();
  const build = (scale: number): TorsoAnatomy => buildTorsoAnatomy(person, spine, zRange, { spineMineralScale: scale }, new SeededRandom(anatomySeed));
  const unscaled = build(1);
  const geometry = lumbarGeometries(unscaled, spine, options);
  const before = lumbarDxa(unscaled.phantom, unscaled.spine, spine, geometry.ap);
  const area = before.reduce((s, l) => s + l.areaCm2, 0);
  const target = (person.targets.lumbarAbmd ?? totalAbmd(before)) * (options.mineralFactor ?? 1);
  const scale = Math.max(0.2, (target * area - before.reduce((s, l) => s + l.otherBmcG, 0)) / before.reduce((s, l) => s + l.spineBmcG, 0));
  const anatomy = build(scale);
  const levels = lumbarDxa(anatomy.phantom, anatomy.spine, spine, geometry.ap);
  const abmd = totalAbmd(levels);
  const otherShare = levels.reduce((s, l) => s + l.otherBmcG, 0) / levels.reduce((s, l) => s + l.spineBmcG + l.otherBmcG, 0);
  const kVp = Math.round((options.kVp ?? vendor.defaultKVp.lumbar) + (options.kVp === undefined ? 6 * (random.nextFloat() - 0.5) : 0));
  // Each view's exposure about the AEC target, from a stream of its own so the rest of the case is drawn as without it.
  const aecAirKerma = (view: 'ap' | 'lat'): Partial<AcquisitionOptions> =>
    options.aecAirKermaMicroGy === null
      ? {}
      : {
          detectorAirKermaMicroGy:
            options.aecAirKermaMicroGy * 10 ** (0.1 * new SeededRandom(seedFromText(`${person.patientId}:exposure:${view}`)).nextNormal()),
        };
  const acquire = (g: ProjectionGeometry, kv: number, view: 'ap' | 'lat', addedMineral: AcquisitionOptions['addedMineral']): Promise<Radiograph> =>
    acquireRadiograph(
      catalog,
      anatomy.phantom,
      g,
      vendor,
      {
        kVp: kv,
        aluminiumMm: 2.5 + random.nextFloat(),
        scatterFraction: 0.2 + 0.1 * random.nextFloat(),
        scatterSigmaMm: 40,
        automaticExposureSignal: 0.25,
        ...aecAirKerma(view),
        doseFactor: options.doseFactor,
        ...(options.jpegQuality === undefined ? {} : { jpegQuality: options.jpegQuality }),
        ...(addedMineral === undefined ? {} : { addedMineral }),
      },
      random,
    );
  // The trabecular pattern draws from streams of its own, so the rest of the case is drawn as without it.
  const lumbarCancellous = [...anatomy.spine.cancellousCode].filter(([, code]) => code >= 20 && code <= 23).map(([region]) => region);
  const cancellousHaGPerCm3 =
    lumbarCancellous.reduce((s, r) => s + (anatomy.spine.cancellousHaMgPerCm3.get(r) ?? 0), 0) / Math.max(1, lumbarCancellous.length) / 1000;
  const texture = textureFromVbmd(1000 * cancellousHaGPerCm3);
  const pattern = (g: ProjectionGeometry, view: 'ap' | 'lat'): AcquisitionOptions['addedMineral'] =>
    options.trabecularPattern
      ? {
          mineralSubset: (r) => anatomy.spine.cancellousCode.has(r),
          perPixel: (projection) =>
            projectedTrabecularTexture({
              cancellousGPerCm2: projection.subsetMineralGPerCm2!,
              cancellousHaGPerCm3,
              columns: g.columns,
              rows: g.rows,
              pixelSpacingMm: g.pixelSpacingMm,
              texture,
              random: new SeededRandom(seedFromText(`${person.patientId}:trabecular-pattern:${view}`)),
            }),
        }
      : undefined;
  const ap = await acquire(geometry.ap, kVp, 'ap', pattern(geometry.ap, 'ap'));
  const lat = await acquire(geometry.lat, kVp + 10, 'lat', pattern(geometry.lat, 'lat'));
  const studyDate = simulatedStudyDate(caseIndex);
  for (const dir of ['images', 'masks', 'landmarks', 'truth']) await mkdir(join(outDir, dir), { recursive: true });
  const identity = simulatedStudyIdentity({ person, caseId, studyDate, studyInstanceUid: dicomUidFromKey(`${caseId}/study/${random.nextUint32()}`) });
  const l3Centre = spine.vertebrae.find((v) => v.level === 'L3')!.centerMm;
  const writeView = async (name: 'ap' | 'lat', radiograph: Radiograph, g: ProjectionGeometry, kv: number): Promise<string> => {
    const path = join('images', `${caseId}-${name}.dcm`);
    await writeDxImage(join(outDir, path), {
      ...radiographDxFields(radiograph, vendor, g.columns, g.rows),
      imagerPixelSpacingMm: [options.pixelSpacingMm, options.pixelSpacingMm],
      sourceToDetectorMm: options.sourceToDetectorMm,
      sourceToPatientMm: distanceMm(g.sourceMm!, l3Centre),
      kVp: kv,
      bodyPartExamined: 'LSPINE',
      anatomicRegion: { value: '122496007', meaning: 'Lumbar spine' },
      viewPosition: name === 'ap' ? 'AP' : 'LL',
      viewCode: name === 'ap' ? { value: '399348003', meaning: 'antero-posterior' } : { value: '399173006', meaning: 'left lateral' },
      laterality: '',
      patientOrientation: name === 'ap' ? ['L', 'F'] : ['P', 'F'],
      identity,
      seriesDescription: `SIMULATED lumbar spine ${name === 'ap' ? 'AP' : 'left lateral'}`,
      createdAt: studyDate,
      sopInstanceUid: dicomUidFromKey(`${caseId}/${name}/${random.nextUint32()}`),
      seriesInstanceUid: dicomUidFromKey(`${caseId}/${name}-series/${random.nextUint32()}`),
      derivationDescription: 'SIMULATED by openbmd simulate lumbar (physics-based digital phantom); not a patient image',
    });
    await writeGreyPng(join(outDir, 'masks', `${caseId}-${name}-labels.png`), levelLabels(radiograph.projection.maskBits), g.columns, g.rows);
    return path;
  };
  const apPath = await writeView('ap', ap, geometry.ap, kVp);
  const latPath = await writeView('lat', lat, geometry.lat, kVp + 10);
  const px = (p: [number, number]): [number, number] => [round3(p[0]), round3(p[1])];
  const bodyCorners = (g: ProjectionGeometry, view: 'ap' | 'lat'): { level: string; code: number; corners: [number, number][] }[] =>
    LANDMARK_LEVELS.flatMap((level) => {
      const v = spine.vertebrae.find((x) => x.level === level);
      if (v === undefined) return [];
      const h = v.halfHeightMm;
      const local: Point3[] =
        view === 'ap'
          ? [
              [-v.semiMm[0], 0, h],
              [v.semiMm[0], 0, h],
              [v.semiMm[0], 0, -h],
              [-v.semiMm[0], 0, -h],
            ]
          : [
              [0, -v.semiMm[1], h],
              [0, 0.72 * v.semiMm[1], h],
              [0, 0.72 * v.semiMm[1], -h],
              [0, -v.semiMm[1], -h],
            ];
      return [{ level, code: verseCode(level), corners: local.map((p) => px(projectPointToDetector(g, along(v, ...p)))) }];
    });
  const yMid = spine.vertebrae.find((v) => v.level === 'L3')!.centerMm[1];
  const roi = dxaRoiBoxes(spine).map((b) => ({
    level: b.level,
    corners: (
      [
        [b.xMinMm, b.zMaxMm],
        [b.xMaxMm, b.zMaxMm],
        [b.xMaxMm, b.zMinMm],
        [b.xMinMm, b.zMinMm],
      ] as const
    ).map(([x, z]) => px(projectPointToDetector(geometry.ap, [x, yMid, z]))),
  }));
  await writeJsonFile(join(outDir, 'landmarks', `${caseId}.json`), {
    simulated: true,
    coordinates: 'image pixels (column, row), pixel (0, 0) centre = (0, 0); corners clockwise from cranial-left as displayed',
    labelConvention: 'VerSe: T12 = 19, L1-L5 = 20-24, L6 = 25',
    ap: { vertebralBodies: bodyCorners(geometry.ap, 'ap'), dxaRoiL1L4: roi },
    lat: { vertebralBodies: bodyCorners(geometry.lat, 'lat') },
  });
  const clinical = interpretMeasurement(loadClinicalKnowledge(), 'lumbar_abmd', abmd, { sex: person.sex, ageYears: person.ageYears });
  const spur = spine.osteophytes.length;
  await writeJsonFile(join(outDir, 'truth', `${caseId}.json`), {
    simulated: true,
    caseId,
    lumbarAbmdGPerCm2: abmd,
    femoralNeckAbmdGPerCm2: person.targets.femoralNeckAbmd ?? null,
    femoralNeckDefinition: "the person's femoral-neck DXA aBMD (not in these images; seed 003 estimates it from the lumbar spine)",
    definition:
      'AP L1-L4: all hydroxyapatite projected by a parallel beam over the bone pixels (spine mineral > 0.02 g/cm2) of the four DXA ROI boxes, total BMC / total area',
    levels: levels.map((l) => ({ ...l, abmdGPerCm2: (l.spineBmcG + l.otherBmcG) / l.areaCm2 })),
    tScore: clinical.tScore ?? null,
    category: clinical.category ?? null,
    categoryRule: clinical.wording,
    targetAbmdGPerCm2: person.targets.lumbarAbmd === undefined ? null : target,
    spineMineralScale: scale,
    trabecularPattern: options.trabecularPattern ? texture : null,
    segmentation: { presacralVertebrae: spine.variant.presacralVertebrae, twelfthRib: spine.variant.twelfthRib, lumbarRib: spine.variant.lumbarRib },
    confounders: {
      pedicleScrews: spine.instrumented,
      osteophytes: spine.osteophytes,
      aorticCalcifications: anatomy.aorticCalcifications,
      bowelGasPockets: anatomy.bowelGasPockets,
      fractured: spine.fractured,
      nonSpineMineralShareOfBmc: otherShare,
    },
    vendor: vendor.id,
    kVp: { ap: kVp, lat: kVp + 10 },
    processing: { ap: ap.record, lat: lat.record },
    clutter: { ap: ap.clutter, lat: lat.clutter },
    exposureScale: { ap: ap.exposureScale, lat: lat.exposureScale },
    // Detected quanta per mm2 behind the AEC chamber: what sets the quantum noise.
    chamberDetectedQuantaPerMm2: { ap: ap.chamberDetectedQuantaPerMm2, lat: lat.chamberDetectedQuantaPerMm2 },
  });
  return {
    row: {
      case_id: caseId,
      ...personColumns(person),
      site: 'lumbar',
      image: apPath,
      image_lat: latPath,
      view: 'AP',
      lumbar_abmd: abmd.toFixed(4),
      // The hip is not in these images: the person's femoral-neck DXA value is the truth seed 003 predicts from the spine.
      ...(person.targets.femoralNeckAbmd === undefined ? {} : { femneck_abmd: person.targets.femoralNeckAbmd.toFixed(4) }),
    },
    facts: {
      vendor: vendor.id,
      abmd,
      category: clinical.category ?? '',
      osteophytes: spur,
      aorticCalcifications: anatomy.aorticCalcifications,
      roiRawMean: roiRawMean(ap, geometry.ap, roi),
      ...targetFacts(person),
    },
  };
}

/** Per pixel, the VerSe code of the most cranial vertebral body the ray crossed (0 for none). */
function levelLabels(bits: Uint16Array): Uint8Array {
  const codes = ALL_SPINE_LEVELS.map((l) => verseCode(l));
  const out = new Uint8Array(bits.length);
  for (let p = 0; p < bits.length; p++) {
    const b = bits[p]!;
    if (b === 0) continue;
    // The most cranial level crossed names the pixel; the sacrum only where no level is crossed.
    const levels = b & ~SACRUM_MASK_BIT;
    out[p] = levels !== 0 ? (codes[31 - Math.clz32(levels & -levels)] ?? 0) : (b & SACRUM_MASK_BIT) !== 0 ? SACRUM_CODE : 0;
  }
  return out;
}

/** Raw stored grey level inside the L1-L4 ROI boxes of the AP image (what a naive method sees). */
function roiRawMean(radiograph: Radiograph, g: ProjectionGeometry, roi: { corners: [number, number][] }[]): number {
  let sum = 0;
  let count = 0;
  for (const box of roi) {
    const is = box.corners.map((c) => c[0]);
    const js = box.corners.map((c) => c[1]);
    for (let j = Math.ceil(Math.min(...js)); j <= Math.max(...js); j++) {
      for (let i = Math.ceil(Math.min(...is)); i <= Math.max(...is); i++) {
        if (i < 0 || j < 0 || i >= g.columns || j >= g.rows) continue;
        sum += radiograph.pixels[j * g.columns + i]!;
        count++;
      }
    }
  }
  return count > 0 ? sum / count : NaN;
}

function distanceMm(a: Point3, b: Point3): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
